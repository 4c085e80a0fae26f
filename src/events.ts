/**
 * The events a `Socket` emits and their payloads. Listen with eventemitter3's `on`/`once`/`off`;
 * the map below types every listener.
 */
import type { SocklineError, SocklineErrors } from './errors.js';
import type { CloseInfo, OpenInfo } from './transport.js';

/**
 * - `connecting`: an attempt is in progress (the first one or a retry);
 * - `open`: the link is up and `send()` writes to it;
 * - `closing`: `close()` (or the abort signal) is closing the link; the Socket will not reconnect;
 * - `reconnecting`: the link is down and the next attempt is scheduled (or paused while the browser is offline);
 * - `closed`: final; the Socket never connects again.
 */
export type SocketState = 'connecting' | 'open' | 'closing' | 'reconnecting' | 'closed';

/** What `send()` accepts. `ArrayBuffer` and views become a `Uint8Array` over the same memory (no copy). */
export type SendData = string | Uint8Array | ArrayBuffer | ArrayBufferView | Blob;

/** A message as the Socket keeps it (queued, dropped or unsent): text, bytes or a `Blob`. */
export type MessageData = string | Uint8Array | Blob;

/** Payload of `open`, emitted after every successful (re)connect, once the queue was flushed. */
export interface SocketOpenEvent extends OpenInfo {
  /** False the first time the Socket opens, true for every later open. */
  reconnected: boolean;
  /** Number of the retry that succeeded: 0 when the first attempt worked, 1 for the first retry, … */
  attempt: number;
}

/**
 * Second argument of `message`. To narrow `data` in TypeScript, test `typeof data === 'string'`: `binary` says the
 * same, but TypeScript narrows one parameter by another only when the discriminant is a parameter itself, and a
 * union of argument tuples would reject one-parameter listeners (test/package/types/public-types.ts).
 */
export interface MessageInfo {
  /** True for a binary message (delivered as `Uint8Array`), false for text (a `string`). */
  binary: boolean;
}

/**
 * Payload of `reconnecting`: the link is down and retry `attempt` starts in `delay` ms.
 * While a browser reports being offline no retry is scheduled (none is counted either): `state` stays
 * `reconnecting`, and this event comes with `delay` 0 as soon as the `online` event fires.
 */
export interface ReconnectingEvent {
  /** 1 for the first retry after the link was lost (or the first attempt failed), then 2, 3, … */
  attempt: number;
  /** Milliseconds until the attempt (0: now, e.g. after `reconnect()` or when the browser comes back online). */
  delay: number;
  /** How the previous connection or attempt ended. */
  lastClose: CloseInfo;
}

/** Payload of the final `close`: how the last link ended, plus what was never sent. */
export interface SocketCloseEvent extends CloseInfo {
  /** Messages still queued when the Socket closed, in order. Each was also reported with `drop`. */
  unsent: MessageData[];
}

/** Payload of `drop`: a message that will not be delivered, and why. */
export interface DropEvent {
  data: MessageData;
  /**
   * `QueueOverflowError` (the queue was full), `InvalidStateError` (not open and `queue: false`) or
   * `ConnectionClosedError` (the write failed, or the message was still queued at the final close).
   */
  error: SocklineError;
}

/** Counters since the Socket was created. */
export interface SocketStats {
  /** Connection attempts started (the first one and every retry). */
  attempts: number;
  /** Successful opens after the first one. */
  reconnects: number;
  /** Messages that went through the queue (sent while not open). */
  queued: number;
  /** Messages reported with `drop`. */
  dropped: number;
  /** Messages handed to the network. */
  sent: number;
  /** Messages received and emitted with `message`. */
  received: number;
}

/**
 * The event map (eventemitter3 style: event name → listener arguments).
 *
 * A connection's life: `open` → … → `disconnect`; then either `reconnecting` → (`error` for each failed
 * attempt) → `open` again, or the final `close`. Every `open` is followed by exactly one `disconnect`;
 * `close` comes exactly once, last. `state` reports every state change.
 *
 * Every event is emitted once the state it reports is in place (issue 11 item 9). When a link or an attempt ends,
 * the Socket first decides what comes next, then: `state` (`reconnecting`, or `closed` when it will not retry),
 * `error` (if it failed), `disconnect` (if it had opened), then `reconnecting` or (`drop` for each unsent message
 * and) `close`. So inside `error` and `disconnect` listeners `state` reads `reconnecting` — a `send()` there is
 * queued for the next link — or `closed` — a `send()` there throws, as after `close()`, and `reconnect()` does too
 * (decide with `reconnect.shouldReconnect` instead). `open`, `message`, `ping`, `pong` and `drain` come while
 * `open`; `reconnecting` while `reconnecting`; `close` once `closed`.
 *
 * `state` events reach every listener in order, each `previous` being the state the listener saw last: a change a
 * `state` listener makes (`close()` in it) is emitted once the current one has reached every listener (so a
 * listener after it may read a `socket.state` that is already further on).
 */
export interface SocketEvents {
  /** The link is up (first time or after a reconnect). Queued messages were already sent. */
  open: [event: SocketOpenEvent];
  /** A message from the server: text as `string`, binary as `Uint8Array`. */
  message: [data: string | Uint8Array, info: MessageInfo];
  /** One open connection ended (server close, network loss, heartbeat timeout, `reconnect()`, `close()`). */
  disconnect: [info: CloseInfo];
  /** The next attempt is scheduled. */
  reconnecting: [event: ReconnectingEvent];
  /** The Socket is finally down: `close()`, the abort signal, a final refusal, or retries exhausted. */
  close: [event: SocketCloseEvent];
  /**
   * A failure: an attempt that failed (network, timeout, handshake, a throwing provider), a protocol
   * error, a heartbeat timeout. The Socket keeps reconnecting unless the policy says otherwise.
   */
  error: [error: SocklineErrors];
  /** `state` changed from `previous`. */
  state: [state: SocketState, previous: SocketState];
  /** A ping from the server (Node; it was answered automatically). */
  ping: [data: Uint8Array];
  /** A pong from the server (Node). */
  pong: [data: Uint8Array];
  /** A message that will not be delivered. Never silent: every lost message is reported here. */
  drop: [event: DropEvent];
  /**
   * The write buffer (`bufferedAmount`) went over `writeBuffer.highWaterMark` and has now fallen under
   * `writeBuffer.lowWaterMark`: a good time to send more. Not emitted after a lost link (wait for `open`).
   */
  drain: [];
}
