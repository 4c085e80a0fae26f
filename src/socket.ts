/**
 * The runtime-independent `Socket`: connection lifecycle, reconnection, the send queue and the heartbeat.
 * It owns every timer and all policy; transports (one per attempt) only move bytes.
 *
 * This file is most of what a web app downloads, so it is written to stay small: one place ends a link
 * (`#end`), one reports a lost link or a failed attempt (`#lost`), one schedules (`#retry`), one ends
 * for good (`#finish`); close codes are literals (RFC 6455 §7.4.1: 1000 normal, 1005 none, 1006 abnormal).
 */
import { EventEmitter } from 'eventemitter3';
import { nextDelay } from './backoff.js';
import { brief, DEV } from './dev.js'; // bundle (issue 16): short argument/state messages in production
import { emitEach } from './emit-each.js';
import {
  AbortError,
  CallbackError,
  ConnectionClosedError,
  InvalidArgumentError,
  InvalidStateError,
  QueueOverflowError,
  TimeoutError,
  type SocklineError,
  type SocklineErrors,
} from './errors.js';
import type { MessageData, SendData, SocketEvents, SocketState, SocketStats } from './events.js';
import {
  normalize,
  redact,
  sendFragmentSize,
  toProtocols,
  type NormalizedOptions,
  type SocketOptions,
  type UrlInput,
} from './options.js';
import { assertCloseArgs } from './close-args.js';
import { formatValue } from './protocol/format.js';
import { asSockline, readOptions, resolveProvider } from './provider.js';
import type { Runtime } from './runtime.js';
import { byteLength } from './byte-length.js';
import { warnUnheard } from './report.js'; // facade (issue 11 item 2): the unheard-failure warning
import type { CloseInfo, HandshakeInfo, OpenInfo, Transport, TransportHandler } from './transport.js';
// streams hook (issue 14): messages() and sendStream() live in their own files.
import { messageIterator, type MessagesOptions } from './message-iterator.js';
import { openSendStream, type SendStreamOptions, type SendStreamWriter } from './send-stream.js';
import type { StreamHost } from './stream-host.js';

export type { SocketOptions, UrlInput } from './options.js';

/** Options of a single `send()`. */
export interface SendOptions {
  /** Split this message into frames of at most this many bytes (0: one frame). Default: the Socket's `fragmentSize`. */
  fragmentSize?: number;
}

/** A message on its way: queued, or handed to a transport and waiting for its `done`. */
interface Outgoing {
  data: MessageData;
  /** Bytes counted by the queue (set when queued). */
  size: number;
  fragmentSize: number;
  /** `sendAsync()`'s resolve/reject. */
  settle?: (error?: SocklineError) => void;
}

type Timer = ReturnType<typeof setTimeout>;

/** Ms between two checks of the write buffer while waiting to emit `drain`. */
const DRAIN_POLL = 50;

const TEXT: Readonly<{ binary: boolean }> = Object.freeze({ binary: false });
const BINARY: Readonly<{ binary: boolean }> = Object.freeze({ binary: true });

/** `WebSocket.readyState` for each state: CONNECTING 0, OPEN 1, CLOSING 2, CLOSED 3. */
const READY_STATE: Record<SocketState, number> = { connecting: 0, reconnecting: 0, open: 1, closing: 2, closed: 3 };

/** How a link that was not (or no longer) reported by its transport ended: `code` (1005 when none), never clean. */
function closeInfo(code: number | undefined, reason: string | undefined, error?: SocklineError): CloseInfo {
  const info: CloseInfo = { code: code ?? 1005, reason: reason ?? '', wasClean: false };
  if (error) info.error = error;
  return info;
}

/** Normalise what `send()`/`ping()` accept; views become a `Uint8Array` over the same memory. */
function toMessage(data: unknown, allowBlob: boolean, method: string): MessageData {
  if (typeof data === 'string') return data;
  // A detached buffer (transferred away) makes these constructors and getters throw a TypeError; an empty
  // Uint8Array may be a view over one (Node 20 has no `ArrayBuffer#detached`), so that one is probed.
  try {
    if (data instanceof Uint8Array) {
      if (data.byteLength === 0) new Uint8Array(data.buffer, 0, 0);
      return data;
    }
    if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return new Uint8Array(data as ArrayBuffer);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch {
    throw new InvalidArgumentError(
      DEV
        ? `Invalid data: ${method}() got a detached ArrayBuffer (it was transferred); send a copy`
        : brief('Detached buffer', 'send-contract'),
    );
  }
  if (allowBlob && typeof Blob === 'function' && data instanceof Blob) return data;
  throw new InvalidArgumentError(
    DEV
      ? `Invalid data ${formatValue(data)}: ${method}() accepts a string, Uint8Array, ArrayBuffer or ArrayBufferView` +
          (allowBlob ? ' or Blob' : '') +
          ' (for an object, send JSON.stringify(value))'
      : brief(`Invalid data for ${method}()`, 'send-contract'),
  );
}

/**
 * A WebSocket client that connects at once, reconnects with jittered backoff, queues while down,
 * and reports every message it cannot deliver. Use `Socket` from the package entry (it passes its runtime);
 * this class takes the runtime explicitly (tests pass one around a scripted transport).
 *
 * Delivery is at-most-once: a message handed to a transport whose write then fails is reported with
 * `drop` (and rejects `sendAsync`), never sent again. A message the transport refused at once, because
 * the link was already closing, was never handed over: it is queued like any message sent while down.
 *
 * Events: see {@link SocketEvents}. `close` comes once, when the Socket is finally down; each lost link
 * is a `disconnect`, then `reconnecting`. `error` reports every failure and never throws when unheard.
 */
export class SocketCore extends EventEmitter<SocketEvents> {
  #options: NormalizedOptions;
  #urlInput: UrlInput;
  /** A static URL as the constructor parsed it, kept for the first attempt only (no second parse). */
  #parsedUrl: URL | undefined;
  /** What the runtime can do, and its own option rules: asked, never guessed. */
  #runtime: Runtime;
  #state: SocketState = 'connecting';
  #url = '';
  /** What the last open negotiated. */
  #info: OpenInfo = { protocol: '', extensions: '' };
  #transport: Transport | undefined;
  /** The transport is open and attached. */
  #up = false;
  /** Bumped whenever an attempt starts or a transport is detached: events and timers of older generations are ignored. */
  #generation = 0;
  /** Retries in a row (reset after `minUptime` of uptime). */
  #retries = 0;
  #opened = false;
  #openedAt = 0;
  #lastClose: CloseInfo | undefined;
  /** Why `close()`/abort ended the Socket, reported on the final `close`. */
  #closeError: SocklineError | undefined;
  /** The connection-timeout or the retry timer (never both). */
  #timer: Timer | undefined;
  /** Stops the heartbeat of the open link (src/heartbeat.ts; bundle, issue 16). */
  #stopBeat: (() => void) | undefined;
  /**
   * The messages sent while down, oldest first, bounded by `queue.maxMessages` and `queue.maxBytes` (their sizes sum
   * to `#queued`). A plain array in the Socket (bundle, issue 16: a class of its own cost ~250 B in every browser app),
   * created with the first queued message (most Sockets never queue: 32 B of heap per idle connection).
   */
  #queue: Outgoing[] | undefined;
  #queued = 0;
  /** The page exposes online/offline events and `navigator.onLine`. */
  #network: boolean;
  #stats: SocketStats = { attempts: 0, reconnects: 0, queued: 0, dropped: 0, sent: 0, received: 0 };
  /** facade: an unheard `error` was reported on the logger already (once per Socket, report.ts). */
  #warned = false;
  /** facade: `state` changes waiting while a `state` event is being emitted, so every listener sees them in order. */
  #states: [SocketState, SocketState][] | undefined;

  /**
   * Validates everything synchronously, then connects at once (the transport starts on a microtask,
   * so listeners added right after construction see every event).
   *
   * @param url `ws:`/`wss:` (`http:`/`https:` are converted), or a function (sync or async) called before every attempt.
   * @param runtime What the runtime can do and its own options (`nodeRuntime`, `browserRuntime`).
   * @throws InvalidArgumentError for an invalid option or a static URL that is not a valid WebSocket URL.
   */
  constructor(url: UrlInput, options: SocketOptions, runtime: Runtime) {
    super();
    const { signal } = (this.#options = readOptions(() => normalize(options, runtime)));
    if (typeof url !== 'function') this.#url = (this.#parsedUrl = runtime.url(url)).href;
    this.#urlInput = url;
    this.#runtime = runtime;
    const g = globalThis as { addEventListener?: unknown; navigator?: { onLine?: unknown } };
    this.#network = typeof g.addEventListener === 'function' && typeof g.navigator?.onLine === 'boolean';
    this.#listen('addEventListener');
    if (signal?.aborted) queueMicrotask(this.#onAbort!);
    else this.#attempt();
  }

  /** See {@link SocketState}. */
  get state(): SocketState {
    return this.#state;
  }

  /** Like `WebSocket.readyState`: 0 connecting (also while waiting to reconnect), 1 open, 2 closing, 3 closed. */
  get readyState(): number {
    return READY_STATE[this.#state];
  }

  /** The subprotocol the server selected on the last open, '' when none. */
  get protocol(): string {
    return this.#info.protocol;
  }

  /** The extensions the server accepted on the last open, '' when none. */
  get extensions(): string {
    return this.#info.extensions;
  }

  /** The last opening handshake (Node only). */
  get handshake(): HandshakeInfo | undefined {
    return this.#info.handshake;
  }

  /** The URL of the last attempt ('' until a URL provider has answered). */
  get url(): string {
    return this.#url;
  }

  /** Bytes not yet handed to the network: the transport's buffer plus the queue (UTF-8 bytes for text). */
  get bufferedAmount(): number {
    return (this.#transport?.bufferedAmount ?? 0) + this.#queued;
  }

  /** A snapshot of the counters. */
  get stats(): SocketStats {
    return { ...this.#stats };
  }

  /**
   * Send a message. Open: handed to the transport. Connecting or reconnecting: queued (FIFO) and sent
   * right after the next open, before `open` is emitted. Never silent: every failure throws or emits `drop`.
   *
   * @throws InvalidArgumentError for data of another type, or a bad `fragmentSize`.
   * @throws QueueOverflowError when the queue is full (the message is also reported with `drop`).
   * @throws InvalidStateError when not open with `queue: false` (also reported with `drop`),
   *   or after `close()`.
   */
  send(data: SendData, options?: SendOptions): void {
    this.#send(data, options);
  }

  /**
   * Like `send()`, but resolves once the bytes were handed to the network, and rejects with
   * `ConnectionClosedError` if they never will be (the write failed, or the message was still queued
   * when the Socket closed). Errors `send()` would throw become rejections.
   */
  sendAsync(data: SendData, options?: SendOptions): Promise<void> {
    return new Promise((resolve, reject) => this.#send(data, options, (error) => (error ? reject(error) : resolve())));
  }

  /**
   * Send a protocol ping (Node; the server's pong is emitted as `pong`).
   * @throws InvalidStateError when not open, or in a browser (no ping API: use `heartbeat.message`).
   */
  ping(data?: string | Uint8Array | ArrayBuffer | ArrayBufferView): void {
    const transport = this.#transport;
    const up = this.#up;
    if (up && !transport!.canPing)
      throw new InvalidStateError(
        DEV ? 'Cannot ping: this runtime has no ping API; use heartbeat.message' : brief('No ping API', 'heartbeat'),
      );
    const payload = data === undefined ? data : toMessage(data, false, 'ping');
    // Not open, or the link is closing (the transport took nothing).
    if (
      !up ||
      !transport!.ping(typeof payload === 'string' ? new TextEncoder().encode(payload) : (payload as Uint8Array | undefined))
    ) {
      throw new InvalidStateError(`Cannot ping: the socket is ${up ? 'closing its link' : this.#state}`);
    }
  }

  /**
   * Close for good: cancels every timer and any pending attempt at once, closes the link (closing
   * handshake) and emits the final `close`, whose `unsent` lists the messages still queued (each also
   * rejected and reported with `drop`). Without an open link the `close` event is emitted synchronously,
   * with your code (1005 when none) and `wasClean: false`. Calling it again does nothing.
   *
   * @throws InvalidArgumentError unless `code` is 1000 or 3000-4999 and `reason` at most 123 UTF-8 bytes.
   */
  close(code?: number, reason?: string): void {
    assertCloseArgs(code, reason);
    if (!this.#ended()) this.#shutdown(code, reason);
  }

  /**
   * Drop the current link or attempt (closing handshake in the background, no longer reported) and
   * connect again at once, with a fresh retry count. Emits `disconnect` (when a link was open, with your
   * code, 1005 when none) and `reconnecting` (delay 0).
   *
   * @throws InvalidArgumentError for a code/reason `close()` would refuse.
   * @throws InvalidStateError after `close()`.
   */
  reconnect(code?: number, reason?: string): void {
    assertCloseArgs(code, reason);
    if (this.#ended())
      throw new InvalidStateError(
        DEV
          ? `Cannot reconnect: the socket is ${this.#state}; create a new Socket`
          : brief('Cannot reconnect: ' + this.#state, 'methods'),
      );
    const wasUp = this.#end(code, reason);
    const info = (this.#lastClose = closeInfo(code, reason));
    const generation = this.#generation;
    // facade (issue 11 item 9): the state first, so a `disconnect` listener reads `reconnecting`.
    this.#setState('reconnecting');
    if (wasUp && generation === this.#generation) this.emit('disconnect', info);
    if (generation === this.#generation) this.#retry(1, 0);
  }

  /** `close()` was called or the signal aborted: no more sending, reconnecting or closing. */
  #ended(): boolean {
    return this.#state === 'closing' || this.#state === 'closed';
  }

  #send(input: SendData, options: SendOptions | undefined, settle?: (error?: SocklineError) => void): void {
    const data = toMessage(input, this.#runtime.acceptsBlob, 'send');
    const item: Outgoing = { data, size: 0, fragmentSize: sendFragmentSize(options, this.#options.fragmentSize), settle };
    if (this.#ended()) {
      throw new InvalidStateError(
        DEV
          ? `Cannot send: the socket is ${this.#state}; messages sent after close() are not delivered`
          : brief('Cannot send: ' + this.#state, 'send-contract'),
      );
    }
    const { maxBufferedAmount, highWaterMark } = this.#options.writeBuffer;
    const direct = this.#up && !this.#held && !this.#queue?.length; // #held: streams hook
    // The open link's write buffer has a hard cap (issue 9 item 14): at or over it, refuse rather than grow without
    // bound against a peer that does not read. Below it any message is accepted, even one larger than the cap.
    const full = direct && this.#transport!.bufferedAmount >= maxBufferedAmount;
    if (direct && !full && this.#write(item)) {
      if (this.bufferedAmount >= highWaterMark) this.#startDrainWatch();
      return;
    }
    const limits = this.#options.queue;
    let error: SocklineError;
    if (full) {
      error = new QueueOverflowError(
        `Write buffer full (maxBufferedAmount ${maxBufferedAmount}): wait for 'drain'`,
        'maxBufferedAmount',
        data,
      );
    } else if (!limits) {
      error = new InvalidStateError(
        DEV
          ? `Cannot send: the socket is ${this.#up ? 'closing its link' : this.#state} and the queue is disabled (queue: false); ` +
              "wait for the 'open' event or enable the queue"
          : brief('Cannot send: not open, queue: false', 'send-contract'),
      );
    } else {
      item.size = byteLength(data);
      // Copy on queue (issue 9 item 10): the caller may reuse or transfer its buffer before the link opens. A
      // message written at once needs no copy: framing (Node) and the native send() (browsers) copy it at once.
      if (data instanceof Uint8Array) item.data = new Uint8Array(data);
      const queue = (this.#queue ??= []);
      const limit =
        queue.length >= limits.maxMessages ? 'maxMessages' : this.#queued + item.size > limits.maxBytes ? 'maxBytes' : '';
      if (!limit) {
        queue.push(item);
        this.#queued += item.size;
        this.#stats.queued++;
        return;
      }
      error = new QueueOverflowError(
        `Send queue is full (${limit} ${limits[limit]}; ${queue.length} messages, ${this.#queued} bytes queued): ` +
          `the ${item.size}-byte message was not queued`,
        limit,
        data,
      );
    }
    this.#drop(data, error);
    throw error;
  }

  /** Write the queued messages in order while `live()`; one the transport refuses (its link is closing) stays first. */
  #flush(live: () => boolean): void {
    let item: Outgoing | undefined;
    while (live() && (item = this.#queue?.shift())) {
      this.#queued -= item.size;
      if (!this.#write(item)) {
        this.#queue!.unshift(item);
        this.#queued += item.size;
        break;
      }
    }
  }

  /** Hand `item` to the transport. False when it took nothing (the link is closing): the caller keeps the message. */
  #write(item: Outgoing): boolean {
    return this.#transport!.send(item.data, item.fragmentSize, (error) => this.#settle(item, error));
  }

  /** Report the outcome of one message: sent, or dropped with a `ConnectionClosedError`. */
  #settle(item: Outgoing, error?: Error): void {
    if (error) {
      const closed =
        error instanceof ConnectionClosedError
          ? error
          : new ConnectionClosedError(`The message could not be sent: ${error.message}`, 1006, '', false, error);
      this.#drop(item.data, closed);
      item.settle?.(closed);
    } else {
      this.#stats.sent++;
      item.settle?.();
    }
    if (this.#drainWatch) this.#checkDrain();
  }

  // ---- streams hook (issue 14): see message-iterator.ts, send-stream.ts and stream-host.ts ----

  /**
   * The messages as an async iterator: `for await (const data of socket.messages())`, `data` a string (text) or
   * a `Uint8Array` (binary). It spans reconnects and ends after the final `close`; `break` stops it and does not
   * close the Socket. When the loop lags by more than `highWaterMark` (messages or bytes), Node stops reading the
   * socket (the server feels TCP backpressure) until the loop is back under half; browsers cannot, and end the
   * loop with a `QueueOverflowError` instead. `message` listeners still get every message.
   *
   * @throws InvalidStateError while another `messages()` loop is running.
   * @throws InvalidArgumentError for a bad `highWaterMark`.
   */
  messages(options?: MessagesOptions): AsyncIterableIterator<string | Uint8Array> {
    return messageIterator(this.#streams(), options);
  }

  /**
   * Send one message as its chunks come: see {@link SendStreamWriter}. On an open Node link each chunk is a
   * fragment on the wire at once and other messages wait until `end()`; otherwise the chunks are kept (bounded by
   * `writeBuffer.maxBufferedAmount`) and sent as one message on `end()`.
   *
   * @throws InvalidStateError after `close()`, or while another streamed message is open.
   */
  sendStream(options?: SendStreamOptions): SendStreamWriter {
    return openSendStream(this.#streams(), options, this.#runtime.fragmentWriter);
  }

  /** `send()` queues instead of writing: a streamed message is open. */
  #held = false;
  /** A `messages()` loop asked to stop reading; a new link starts paused too. */
  #reading = true;
  #streamHost: StreamHost | undefined;

  #streams(): StreamHost {
    const socket = this;
    return (this.#streamHost ??= {
      socket,
      writeBuffer: this.#options.writeBuffer,
      transport: () => (socket.#up ? socket.#transport : undefined),
      setReading(reading) {
        socket.#reading = reading;
        const transport = this.transport();
        transport?.setReading?.(reading);
        return !transport || !!transport.setReading;
      },
      hold(held) {
        socket.#held = held;
        // Released: what was queued behind the streamed message goes now, in order (as on open).
        socket.#flush(() => !socket.#held && socket.#up);
      },
      drop: (data, error) => socket.#drop(data, error),
    });
  }

  // ---- end of the streams hook ----

  /** Set while the buffer went over `highWaterMark` and has not fallen under `lowWaterMark` since. */
  #drainWatch: Timer | undefined;

  /**
   * Above the high-water mark: emit `drain` once `bufferedAmount` falls under the low-water mark. Checked when a
   * write completes and, since a runtime may complete writes before they leave (the browser's `send()`), every
   * DRAIN_POLL ms too.
   */
  #startDrainWatch(): void {
    this.#drainWatch ??= setTimeout(SocketCore.#pollDrain, DRAIN_POLL, this);
  }

  static #pollDrain(socket: SocketCore): void {
    // A new timer rather than `refresh()`, which browsers' numeric timer ids do not have (bundle, issue 16: found by e2e).
    if (socket.#checkDrain()) socket.#drainWatch = setTimeout(SocketCore.#pollDrain, DRAIN_POLL, socket);
  }

  /** Emit `drain` if the buffer fell under the low-water mark; returns whether it is still being watched. */
  #checkDrain(): boolean {
    if (!this.#up || this.bufferedAmount >= this.#options.writeBuffer.lowWaterMark) return !!this.#drainWatch;
    clearTimeout(this.#drainWatch);
    this.#drainWatch = undefined;
    this.emit('drain');
    return false;
  }

  #drop(data: MessageData, error: SocklineError): void {
    this.#stats.dropped++;
    this.emit('drop', { data, error });
  }

  /**
   * facade (issue 11 item 9): a change made by a `state` listener (`close()` in it) is emitted after the current one
   * reached every listener, so each listener sees the states in order, every `previous` being the state before.
   */
  #setState(state: SocketState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    const states = this.#states;
    if (states) return void states.push([state, previous]);
    const pending = (this.#states = [[state, previous]]);
    for (let i = 0; i < pending.length; i++) this.emit('state', ...pending[i]);
    this.#states = undefined;
  }

  /** Forget the current transport (its later events are ignored) and stop every timer. Returns whether it was open. */
  #detach(): boolean {
    const wasUp = this.#up;
    this.#generation++;
    this.#up = false;
    this.#transport = undefined;
    this.#stopTimers();
    return wasUp;
  }

  #stopTimers(): void {
    clearTimeout(this.#timer);
    clearTimeout(this.#drainWatch);
    this.#stopBeat?.();
    this.#timer = this.#drainWatch = this.#stopBeat = undefined;
  }

  /** Detach the transport and end it: the closing handshake for an open link, terminated otherwise. Returns whether it was open. */
  #end(code?: number, reason?: string, error?: SocklineError): boolean {
    const transport = this.#transport;
    const wasUp = this.#detach();
    if (wasUp) transport!.close(code, reason);
    else transport?.terminate(error);
    return wasUp;
  }

  /** Start an attempt: resolve the providers, then open a fresh transport, all within `connectionTimeout`. */
  #attempt(): void {
    const generation = ++this.#generation;
    this.#stats.attempts++;
    this.#setState('connecting');
    if (generation !== this.#generation) return;
    const ms = this.#options.connectionTimeout;
    if (ms) {
      this.#timer = setTimeout(() => {
        const error = new TimeoutError(`Could not connect within ${ms} ms (connectionTimeout)`, 'connect', ms);
        if (this.#transport) this.#transport.terminate(error);
        else this.#failAttempt(error);
      }, ms);
    }
    void this.#start(generation);
  }

  async #start(generation: number): Promise<void> {
    const options = this.#options;
    const runtime = this.#runtime;
    const parsed = this.#parsedUrl;
    this.#parsedUrl = undefined;
    let transport: Transport | undefined;
    try {
      const [url, offered, rest] = await Promise.all([
        parsed ?? resolveProvider('url', this.#urlInput, this.#runtime.url),
        resolveProvider('protocols', options.protocols, toProtocols),
        runtime.attempt(options),
      ]);
      if (generation !== this.#generation) return;
      this.#url = url.href;
      this.#options.log?.('attempt', [redact(url), offered], this); // facade: the debug log (no query)
      try {
        transport = runtime.connect(url, { ...rest, protocols: offered }, new SocketCore.#Link(this, generation));
      } catch (error) {
        // Also covers a factory that reported onClose before throwing.
        if (generation === this.#generation) this.#failAttempt(asSockline(error, 'Could not start the connection'));
        return;
      }
    } catch (error) {
      // A provider threw, rejected or gave an invalid value: a failed attempt that is always retried.
      if (generation === this.#generation) this.#failAttempt(error as SocklineError, true);
      return;
    }
    // Not when the factory already reported onClose before returning.
    if (generation === this.#generation) this.#transport = transport;
  }

  /**
   * Listeners for one transport, as one small object rather than five closures (thousands of idle Sockets).
   * They go quiet as soon as the transport is detached.
   */
  static readonly #Link = class implements TransportHandler {
    readonly #socket: SocketCore;
    /** The Socket's `#generation` when this transport started. */
    readonly #own: number;

    constructor(socket: SocketCore, generation: number) {
      this.#socket = socket;
      this.#own = generation;
    }

    #live(): boolean {
      return this.#own === this.#socket.#generation;
    }

    onOpen(info: OpenInfo): void {
      if (this.#live()) this.#socket.#onOpen(this.#own, info);
    }

    onMessage(data: string | Uint8Array, binary: boolean): void {
      if (this.#live()) this.#socket.#onMessage(data, binary);
    }

    onPing(data: Uint8Array): void {
      if (this.#live()) this.#socket.emit('ping', data);
    }

    onPong(data: Uint8Array): void {
      if (this.#live()) this.#socket.emit('pong', data);
    }

    onClose(info: CloseInfo): void {
      const socket = this.#socket;
      if (this.#live()) socket.#lost(info, socket.#detach());
    }
  };

  #onOpen(generation: number, info: OpenInfo): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#up = true;
    if (!this.#reading) this.#transport?.setReading?.(false); // streams hook: the messages() loop still lags
    this.#openedAt = Date.now();
    this.#info = info;
    if (info.url) this.#url = info.url; // the URL that answered, after redirects
    const reconnected = this.#opened;
    this.#opened = true;
    if (reconnected) this.#stats.reconnects++;
    const live = (): boolean => generation === this.#generation && this.#state === 'open';
    this.#setState('open');
    // Flush before `open`: what its listeners send goes after everything queued while down.
    this.#flush(live);
    if (!live()) return;
    const heartbeat = this.#options.heartbeat;
    if (heartbeat) this.#stopBeat = heartbeat.start(this.#transport!, heartbeat);
    this.emit('open', { ...info, reconnected, attempt: this.#retries });
  }

  /**
   * A listener that throws must not leave the Socket half-way through its own work (a message batch, a
   * state change, the final close), nor hide the event from the listeners after it: every listener is called
   * (as EventTarget does), and each error is reported on its own. With an `error` listener it is emitted there as
   * a `CallbackError` (source "a 'message' listener"); without one, or when an `error` listener itself throws
   * (no recursion), it is rethrown on a microtask, as browsers report exceptions from EventTarget listeners.
   */
  override emit<T extends EventEmitter.EventNames<SocketEvents>>(
    event: T,
    ...args: EventEmitter.EventArgs<SocketEvents, T>
  ): boolean {
    this.#options.log?.(event, args, this); // facade (issue 11 item 2): the `debug` log sees every event (debug.ts)
    return emitEach(this as EventEmitter, event, args, (error) => {
      if (event !== 'error' && this.listenerCount('error') > 0) {
        this.emit('error', new CallbackError(`a '${String(event)}' listener`, error));
      } else {
        queueMicrotask(() => {
          throw error;
        });
      }
    });
  }

  #onMessage(data: string | Uint8Array, binary: boolean): void {
    const isPong = this.#options.heartbeat ? this.#options.heartbeat.isPong : undefined;
    if (isPong) {
      let pong: unknown = false;
      try {
        pong = isPong(data);
      } catch (error) {
        // Issue 9 item 6: reported, and the message is delivered (it may not have been a pong at all).
        this.#fail(new CallbackError('heartbeat.isPong', error));
      }
      if (pong) return;
    }
    this.#stats.received++;
    this.emit('message', data, binary ? BINARY : TEXT);
  }

  /** An attempt failed before a transport could report it (provider, factory, timeout). */
  #failAttempt(error: SocklineError, provider?: boolean): void {
    this.#detach();
    this.#lost({ code: 1006, reason: '', wasClean: false, error }, false, provider);
  }

  /**
   * A link or an attempt ended (already detached): decide (retry or not, the delay), put the state in place, then
   * report it (`error`, `disconnect`) and retry or close for good. facade (issue 11 item 9): deciding first means
   * every listener reads the state the event reports (`reconnecting`, or `closed` when final).
   */
  #lost(info: CloseInfo, wasUp: boolean, provider?: boolean): void {
    const generation = this.#generation;
    this.#lastClose = info;
    const policy = this.#options.reconnect;
    const closing = this.#state === 'closing';
    let failure: SocklineError | undefined;
    let delay = -1; // -1: final
    let attempt = 0;
    if (policy && !closing) {
      if (wasUp && Date.now() - this.#openedAt >= policy.minUptime) this.#retries = 0;
      attempt = this.#retries + 1;
      let retry = attempt <= policy.maxRetries;
      if (retry && !provider) {
        // Issue 9 item 5: a throwing shouldReconnect counts as "do not retry" and is reported; the Socket closes.
        try {
          retry = !!policy.shouldReconnect({
            lastClose: info,
            attempt,
            wasOpen: wasUp,
            everOpened: this.#opened,
            causeHidden: !!this.#runtime.hidesCauses,
          });
        } catch (error) {
          retry = false;
          failure = new CallbackError('reconnect.shouldReconnect', error);
        }
      }
      // A throwing random counts as NaN, which nextDelay turns into minDelay; it is reported.
      if (retry) {
        delay = this.#offline()
          ? 0
          : nextDelay(
              attempt,
              policy,
              () => {
                try {
                  return policy.random();
                } catch (error) {
                  failure = new CallbackError('reconnect.random', error);
                  return NaN;
                }
              },
              this.#runtime.retryAfter(info),
            );
      }
      if (generation !== this.#generation) return; // a callback called close() or reconnect()
    }
    const report = (): void => {
      if (info.error) this.#fail(info.error, delay);
      if (failure) this.#fail(failure);
      if (wasUp) this.emit('disconnect', info);
    };
    if (delay < 0) return this.#finish(closing && this.#closeError ? { ...info, error: this.#closeError } : info, report);
    this.#setState('reconnecting');
    if (generation !== this.#generation) return;
    report();
    // Offline: no retry is scheduled (nor counted) until the `online` event.
    if (generation === this.#generation && !this.#offline()) this.#retry(attempt, delay);
  }

  /** facade (issue 11 item 2): emit `error`; unheard, it is reported once per Socket on the logger (report.ts). */
  #fail(error: SocklineError, next?: number): void {
    if (!this.emit('error', error as SocklineErrors) && !this.#warned) {
      this.#warned = true;
      warnUnheard(this.#options.logger, this.#url, error, next);
    }
  }

  /** Announce retry `attempt` and start it after `delay` ms (at once for 0). */
  #retry(attempt: number, delay: number): void {
    const generation = this.#generation;
    const start = (): void => {
      this.#retries = attempt;
      this.#attempt();
    };
    this.#setState('reconnecting');
    if (generation !== this.#generation) return;
    if (delay > 0) this.#timer = setTimeout(start, delay);
    this.emit('reconnecting', { attempt, delay, lastClose: this.#lastClose! });
    if (delay <= 0 && generation === this.#generation && this.#state === 'reconnecting') start();
  }

  /** End for good. `close()`/abort with an open link waits for the transport's close; otherwise it ends now. */
  #shutdown(code: number | undefined, reason: string | undefined, error?: SocklineError): void {
    if (this.#up) {
      this.#closeError = error;
      this.#stopTimers();
      this.#setState('closing');
      this.#transport!.close(code, reason);
    } else {
      this.#end(code, reason, error);
      this.#finish(closeInfo(code, reason, error));
    }
  }

  /**
   * The final close: no timer, listener or transport survives it; queued messages are reported as unsent.
   * `report` (the lost link's `error` and `disconnect`) runs once the state reads `closed`.
   */
  #finish(info: CloseInfo, report?: () => void): void {
    this.#detach();
    this.#listen('removeEventListener');
    this.#setState('closed');
    report?.();
    const unsent = this.#queue ?? [];
    this.#queue = undefined;
    this.#queued = 0;
    if (unsent.length > 0) {
      // Only built when there is something to report: an Error's stack trace is a good part of a short connection's cost.
      const error = new ConnectionClosedError(
        `The socket closed (code ${info.code}) before the message could be sent`,
        info.code,
        info.reason,
        info.wasClean,
        info.error,
      );
      for (const item of unsent) this.#settle(item, error);
    }
    this.emit('close', { ...info, unsent: unsent.map((item) => item.data) });
  }

  /** Add or remove the listeners on the abort signal and the page's online/offline events (created only when needed). */
  #listen(method: 'addEventListener' | 'removeEventListener'): void {
    this.#options.signal?.[method]('abort', (this.#onAbort ??= () => this.#abort()));
    if (this.#network) {
      const onNetwork = (this.#onNetwork ??= (event: Event) => this.#networkChanged(event));
      globalThis[method]('online', onNetwork);
      globalThis[method]('offline', onNetwork);
    }
  }

  #onAbort: (() => void) | undefined;
  #onNetwork: ((event: Event) => void) | undefined;

  #offline(): boolean {
    return this.#network && navigator.onLine === false;
  }

  #abort(): void {
    if (this.#ended()) return;
    const reason = this.#options.signal!.reason;
    this.#shutdown(1000, '', new AbortError(`The socket was aborted: ${String(reason)}`, reason));
  }

  /**
   * Offline: cancel the scheduled retry. Back online: retry now instead of waiting (a retry paused while
   * offline was not counted, so it does not count twice).
   */
  #networkChanged(event: Event): void {
    if (this.#state !== 'reconnecting') return;
    clearTimeout(this.#timer);
    if (event.type === 'online') this.#retry(this.#retries + 1, 0);
  }
}
