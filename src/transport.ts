import type { SocklineError } from './errors.js';
import type { CloseInfo, ConnectionEvents } from './protocol/events.js';

/** Binary payloads travel as `Uint8Array` everywhere; `Blob` only where the runtime has a native WebSocket. */
export type OutgoingData = string | Uint8Array;

export type { CloseInfo, ConnectionEvents, HandshakeInfo, OpenInfo } from './protocol/events.js';

/**
 * What a transport reports. Exactly one `onClose` ends every transport, whether it opened or not,
 * and nothing is reported after it. `onClose` is never reported from inside a call the Socket made
 * (`send`, `close`, `terminate`, the factory itself): it always comes on a later task or microtask,
 * so the Socket never sees a re-entrant close.
 */
export interface TransportHandler extends ConnectionEvents {
  onClose(info: CloseInfo): void;
}

/** A single connection attempt and, if it opens, the connection. Transports move bytes; the Socket owns policy. */
export interface Transport {
  /** Bytes accepted by `send()` but not yet handed to the operating system. */
  readonly bufferedAmount: number;
  /** `Date.now()` of the last byte/message received; used to detect a frozen or dead link. */
  readonly lastReceivedAt: number;
  /** True where the runtime can send protocol pings (Node); false in browsers. */
  readonly canPing: boolean;
  /**
   * Send one message. Returns whether the transport took it:
   * - `false`: the link is not open (any more: it is closing or closed). Nothing was handed over and
   *   `done` is never called; the caller still owns the message (the Socket queues it).
   * - `true`: the message is the transport's. `done` then runs exactly once, possibly before `send`
   *   returns, with no argument once the bytes were handed to the network, or with an error if they
   *   never will be (the link broke first). It never throws for a closing link.
   */
  send(data: OutgoingData | Blob, fragmentSize: number, done?: (error?: Error) => void): boolean;
  /**
   * Send one fragment of a streamed message (RFC 6455 §5.4): `first` goes out with the message's opcode (text or
   * binary), later ones as continuation frames, and `fin` ends the message. The caller sends nothing else
   * (no other data frame) until `fin`; control frames may still go between fragments. Returns and calls `done` as
   * `send()` does. Absent where the runtime has no fragment control (the browser's `WebSocket`).
   */
  sendFragment?(data: Uint8Array, binary: boolean, first: boolean, fin: boolean, done?: (error?: Error) => void): boolean;
  /**
   * Stop (`false`) or resume (`true`) reading from the network, for a consumer that lags (`messages()`): the peer
   * then feels TCP backpressure. Bytes already read are still delivered. While reading is stopped by the caller,
   * `lastReceivedAt` reads as now (a link paused on purpose receives nothing, and is not dead for it). Only called
   * on an open link; a transport resumes reading by itself once the closing handshake starts (it must read the
   * peer's Close frame). Absent where the runtime cannot pause its socket (the browser's `WebSocket`).
   */
  setReading?(reading: boolean): void;
  /** Send a protocol ping. False when it was not sent: the runtime has no ping API, or the link is not open. */
  ping(data?: Uint8Array): boolean;
  /**
   * Start the closing handshake (an attempt that is not open yet is dropped). Code/reason are already
   * validated. `onClose` follows later, never from inside this call.
   */
  close(code?: number, reason?: string): void;
  /** Drop the connection at once; reported as 1006 with `error`, later, never from inside this call. */
  terminate(error?: SocklineError): void;
}

/**
 * What every transport gets for one attempt, already validated and resolved. A runtime's transport takes more
 * (the Node one: `NodeTransportOptions` in `node/node-options.ts`); the runtime object builds them.
 */
export interface TransportOptions {
  /** Subprotocols to offer, in order of preference. */
  protocols: string[];
}

export type TransportFactory<O extends TransportOptions = TransportOptions> = (
  url: URL,
  options: O,
  handler: TransportHandler,
) => Transport;
