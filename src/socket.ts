/**
 * The runtime-independent `Socket`: connection lifecycle, reconnection, the send queue and the heartbeat.
 * It owns every timer and all policy; transports (one per attempt) only move bytes.
 */
import { EventEmitter } from 'eventemitter3';
import { nextDelay, retryAfterOf } from './backoff.js';
import {
  AbortError,
  ConnectionClosedError,
  InvalidArgumentError,
  InvalidStateError,
  isSocklineError,
  NetworkError,
  QueueOverflowError,
  TimeoutError,
  type SocklineError,
} from './errors.js';
import type { MessageData, SendData, SocketEvents, SocketState, SocketStats } from './events.js';
import {
  describe,
  normalize,
  NODE_OPTIONS,
  sendFragmentSize,
  toProtocols,
  toWebSocketUrl,
  type NodeOptions,
  type NormalizedOptions,
  type Provider,
  type Runtime,
  type SocketOptions,
  type UrlInput,
} from './options.js';
import { assertUserCloseCode } from './protocol/close.js';
import { CloseCode } from './protocol/constants.js';
import { byteLength, SendQueue } from './send-queue.js';
import type { CloseInfo, HandshakeInfo, OpenInfo, Transport, TransportFactory, TransportHandler } from './transport.js';

export type { Runtime, SocketOptions, UrlInput } from './options.js';

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

const TEXT: Readonly<{ binary: boolean }> = Object.freeze({ binary: false });
const BINARY: Readonly<{ binary: boolean }> = Object.freeze({ binary: true });

/** `WebSocket.readyState` for each state: CONNECTING 0, OPEN 1, CLOSING 2, CLOSED 3. */
const READY_STATE: Record<SocketState, number> = { connecting: 0, reconnecting: 0, open: 1, closing: 2, closed: 3 };

/** A transport's way of saying "not open (any more)": the message was not handed over and may be queued. */
const isRefusal = (error: unknown): boolean => error instanceof ConnectionClosedError || error instanceof InvalidStateError;

/** Normalise what `send()`/`ping()` accept; views become a `Uint8Array` over the same memory. */
function toMessage(data: unknown, allowBlob: boolean, method: string): MessageData {
  if (typeof data === 'string' || data instanceof Uint8Array) return data;
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return new Uint8Array(data as ArrayBuffer);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (allowBlob && typeof Blob === 'function' && data instanceof Blob) return data;
  throw new InvalidArgumentError(
    `Invalid data ${describe(data)}: ${method}() accepts a string, Uint8Array, ArrayBuffer or ArrayBufferView` +
      (allowBlob ? ' or Blob' : ''),
  );
}

/** Call a provider option: a value is used as is, a function is awaited; either is then checked. */
async function resolve<T>(name: string, option: Provider<unknown>, check: (value: unknown) => T): Promise<T> {
  let value: unknown;
  try {
    value = typeof option === 'function' ? await option() : option;
  } catch (cause) {
    throw isSocklineError(cause) ? cause : new NetworkError(`The ${name} provider failed: ${String(cause)}`, cause);
  }
  return check(value);
}

/**
 * A WebSocket client that connects at once, reconnects with jittered backoff, queues while down,
 * and reports every message it cannot deliver. Use `Socket` from the package entry (it picks the transport);
 * this class takes the transport factory explicitly.
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
  #connect: TransportFactory;
  /** The Node build's option handling; absent in browsers. */
  #node: NodeOptions | undefined;
  #state: SocketState = 'connecting';
  #url = '';
  #protocol = '';
  #extensions = '';
  #handshake: HandshakeInfo | undefined;
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
  #beatTimer: Timer | undefined;
  #replyTimer: Timer | undefined;
  #queue: SendQueue<Outgoing> | undefined;
  /** The page exposes online/offline events and `navigator.onLine`. */
  #network: boolean;
  #stats: SocketStats = { attempts: 0, reconnects: 0, queued: 0, dropped: 0, sent: 0, received: 0 };

  /**
   * Validates everything synchronously, then connects at once (the transport starts on a microtask,
   * so listeners added right after construction see every event).
   *
   * @param url `ws:`/`wss:` (`http:`/`https:` are converted), or a function (sync or async) called before every attempt.
   * @throws InvalidArgumentError for an invalid option or a static URL that is not a valid WebSocket URL.
   */
  constructor(url: UrlInput, options: SocketOptions, connect: TransportFactory, node?: NodeOptions) {
    super();
    this.#options = normalize(options, node);
    if (typeof url !== 'function') this.#url = toWebSocketUrl(url).href;
    this.#urlInput = url;
    this.#connect = connect;
    this.#node = node;
    const { queue, signal } = this.#options;
    if (queue) this.#queue = new SendQueue(queue.maxMessages, queue.maxBytes);
    const g = globalThis as { addEventListener?: unknown; navigator?: { onLine?: unknown } };
    this.#network = typeof g.addEventListener === 'function' && typeof g.navigator?.onLine === 'boolean';
    if (this.#network) {
      addEventListener('online', this.#onOnline);
      addEventListener('offline', this.#onOffline);
    }
    if (signal) {
      signal.addEventListener('abort', this.#onAbort);
      if (signal.aborted) {
        queueMicrotask(this.#onAbort);
        return;
      }
    }
    this.#attempt();
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
    return this.#protocol;
  }

  /** The extensions the server accepted on the last open, '' when none. */
  get extensions(): string {
    return this.#extensions;
  }

  /** The last opening handshake (Node only). */
  get handshake(): HandshakeInfo | undefined {
    return this.#handshake;
  }

  /** The URL of the last attempt ('' until a URL provider has answered). */
  get url(): string {
    return this.#url;
  }

  /** Bytes not yet handed to the network: the transport's buffer plus the queue (UTF-8 bytes for text). */
  get bufferedAmount(): number {
    return (this.#transport ? this.#transport.bufferedAmount : 0) + (this.#queue ? this.#queue.bytes : 0);
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
    if (!this.#up || !transport) throw new InvalidStateError(`Cannot ping: the socket is ${this.#state}`);
    if (!transport.canPing) {
      throw new InvalidStateError('Cannot ping: this runtime has no ping API; use heartbeat.message for an application-level ping');
    }
    const payload = data === undefined ? undefined : toMessage(data, false, 'ping');
    transport.ping(typeof payload === 'string' ? new TextEncoder().encode(payload) : (payload as Uint8Array | undefined));
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
    assertUserCloseCode(code, reason);
    if (this.#state !== 'closing' && this.#state !== 'closed') this.#shutdown(code, reason);
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
    assertUserCloseCode(code, reason);
    if (this.#state === 'closing' || this.#state === 'closed') {
      throw new InvalidStateError(`Cannot reconnect: the socket is ${this.#state}; create a new Socket`);
    }
    const transport = this.#transport;
    const wasUp = this.#detach();
    const info: CloseInfo = { code: code ?? CloseCode.NoStatus, reason: reason ?? '', wasClean: false };
    this.#lastClose = info;
    if (wasUp) transport!.close(code, reason);
    else transport?.terminate();
    const generation = this.#generation;
    if (wasUp) this.emit('disconnect', info);
    if (generation === this.#generation) this.#retry(1, 0);
  }

  #send(input: SendData, options: SendOptions | undefined, settle?: (error?: SocklineError) => void): void {
    const data = toMessage(input, !this.#node, 'send');
    const item: Outgoing = { data, size: 0, fragmentSize: sendFragmentSize(options, this.#options.fragmentSize), settle };
    if (this.#state === 'closing' || this.#state === 'closed') {
      throw new InvalidStateError(`Cannot send: the socket is ${this.#state}; messages sent after close() are not delivered`);
    }
    if (this.#up && !this.#queue?.length && this.#write(item)) return;
    const queue = this.#queue;
    let error: SocklineError;
    if (!queue) {
      error = new InvalidStateError(
        `Cannot send: the socket is ${this.#up ? 'closing its link' : this.#state} and the queue is disabled (queue: false); ` +
          "wait for the 'open' event or enable the queue",
      );
    } else {
      item.size = byteLength(data);
      const limit = queue.push(item);
      if (!limit) {
        this.#stats.queued++;
        return;
      }
      error = new QueueOverflowError(
        limit,
        data,
        `Send queue is full (${limit} ${queue[limit]}; ${queue.length} messages, ${queue.bytes} bytes queued): ` +
          `the ${item.size}-byte message was not queued`,
      );
    }
    this.#drop(data, error);
    throw error;
  }

  /** Hand `item` to the transport. False when it refused at once (the link is closing): nothing was sent. */
  #write(item: Outgoing): boolean {
    let sync = true;
    let refused = false;
    const done = (error?: Error): void => {
      if (sync && isRefusal(error)) refused = true;
      else this.#settle(item, error);
    };
    try {
      this.#transport!.send(item.data, item.fragmentSize, done);
    } catch (error) {
      done(error as Error);
    }
    sync = false;
    return !refused;
  }

  /** Report the outcome of one message: sent, or dropped with a `ConnectionClosedError`. */
  #settle(item: Outgoing, error?: Error): void {
    if (!error) {
      this.#stats.sent++;
      item.settle?.();
      return;
    }
    const closed =
      error instanceof ConnectionClosedError
        ? error
        : new ConnectionClosedError(CloseCode.Abnormal, '', false, `The message could not be sent: ${error.message}`, error);
    this.#drop(item.data, closed);
    item.settle?.(closed);
  }

  #drop(data: MessageData, error: SocklineError): void {
    this.#stats.dropped++;
    this.emit('drop', { data, error });
  }

  #setState(state: SocketState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.emit('state', state, previous);
  }

  #clearTimers(): void {
    clearTimeout(this.#timer);
    clearTimeout(this.#beatTimer);
    clearTimeout(this.#replyTimer);
    this.#timer = this.#beatTimer = this.#replyTimer = undefined;
  }

  /** Forget the current transport (its later events are ignored) and stop every timer. Returns whether it was open. */
  #detach(): boolean {
    const wasUp = this.#up;
    this.#generation++;
    this.#up = false;
    this.#transport = undefined;
    this.#clearTimers();
    return wasUp;
  }

  /** Start an attempt: resolve the providers, then open a fresh transport, all within `connectionTimeout`. */
  #attempt(): void {
    const generation = ++this.#generation;
    this.#stats.attempts++;
    this.#setState('connecting');
    if (generation !== this.#generation) return;
    const ms = this.#options.connectionTimeout;
    if (ms > 0) {
      this.#timer = setTimeout(() => {
        const error = new TimeoutError('connect', ms, `Could not connect within ${ms} ms (connectionTimeout)`);
        if (this.#transport) this.#transport.terminate(error);
        else this.#failAttempt(error, false);
      }, ms);
    }
    void this.#open(generation);
  }

  async #open(generation: number): Promise<void> {
    const options = this.#options;
    let failure: SocklineError | undefined;
    let provider = false;
    let transport: Transport | undefined;
    const node = this.#node;
    try {
      const [url, protocols, headers] = await Promise.all([
        resolve('url', this.#urlInput, toWebSocketUrl),
        resolve('protocols', options.protocols, toProtocols),
        node ? resolve('headers', options.headers, node.headers) : {},
      ]);
      if (generation !== this.#generation) return;
      this.#url = url.href;
      try {
        transport = this.#connect(url, { ...options.transport, protocols, headers }, this.#handler(generation));
      } catch (error) {
        failure = isSocklineError(error) ? error : new NetworkError(`Could not start the connection: ${String(error)}`, error);
      }
    } catch (error) {
      // A provider threw, rejected or gave an invalid value: a failed attempt that is always retried.
      failure = error as SocklineError;
      provider = true;
    }
    // Also covers a factory that reported onClose before returning.
    if (generation !== this.#generation) return;
    if (failure) this.#failAttempt(failure, provider);
    else this.#transport = transport;
  }

  /** Listeners for one transport; they go quiet as soon as it is detached. */
  #handler(generation: number): TransportHandler {
    const live = (): boolean => generation === this.#generation;
    return {
      onOpen: (info) => live() && this.#onOpen(generation, info),
      onMessage: (data, binary) => live() && this.#onMessage(data, binary),
      onPing: (data) => live() && this.emit('ping', data),
      onPong: (data) => live() && this.emit('pong', data),
      onClose: (info) => live() && this.#lost(info, this.#detach()),
    };
  }

  #onOpen(generation: number, info: OpenInfo): void {
    clearTimeout(this.#timer);
    this.#up = true;
    this.#openedAt = Date.now();
    this.#protocol = info.protocol;
    this.#extensions = info.extensions;
    this.#handshake = info.handshake;
    const reconnected = this.#opened;
    this.#opened = true;
    if (reconnected) this.#stats.reconnects++;
    const live = (): boolean => generation === this.#generation && this.#state === 'open';
    this.#setState('open');
    // Flush before `open`: what its listeners send goes after everything queued while down.
    const queue = this.#queue;
    let item: Outgoing | undefined;
    while (queue && live() && (item = queue.shift())) {
      if (!this.#write(item)) {
        queue.unshift(item);
        break;
      }
    }
    if (!live()) return;
    this.#startHeartbeat();
    this.emit('open', { ...info, reconnected, attempt: this.#retries });
  }

  #onMessage(data: string | Uint8Array, binary: boolean): void {
    const heartbeat = this.#options.heartbeat;
    if (heartbeat && heartbeat.isPong && heartbeat.isPong(data)) return;
    this.#stats.received++;
    this.emit('message', data, binary ? BINARY : TEXT);
  }

  /**
   * Probe every `interval`; no inbound data within `timeout` of a probe, or a gap since the last inbound
   * data longer than `interval + timeout` at a tick (timers were frozen: sleep, background tab), terminates
   * the link with a `TimeoutError` (1006), which leads to a reconnect.
   */
  #startHeartbeat(): void {
    const heartbeat = this.#options.heartbeat;
    const transport = this.#transport!;
    if (!heartbeat || (heartbeat.message === undefined && !transport.canPing)) return;
    const { interval, timeout, message } = heartbeat;
    const kill = (ms: number, detail: string): void =>
      transport.terminate(new TimeoutError('heartbeat', ms, `Heartbeat failed: ${detail}`));
    const tick = (): void => {
      const now = Date.now();
      const idle = now - transport.lastReceivedAt;
      if (idle > interval + timeout) {
        kill(idle, `nothing received for ${idle} ms, more than interval + timeout (${interval + timeout} ms); timers were suspended or the link is dead`);
        return;
      }
      try {
        if (message === undefined) transport.ping();
        else transport.send(message, 0);
      } catch {
        // The link is closing: its close is on the way.
      }
      this.#replyTimer ??= setTimeout(() => {
        this.#replyTimer = undefined;
        if (transport.lastReceivedAt < now) kill(timeout, `no reply within ${timeout} ms`);
      }, timeout);
      this.#beatTimer = setTimeout(tick, interval);
    };
    this.#beatTimer = setTimeout(tick, interval);
  }

  /** An attempt failed before a transport could report it (provider, factory, timeout). */
  #failAttempt(error: SocklineError, provider: boolean): void {
    this.#detach();
    this.#lost({ code: CloseCode.Abnormal, reason: '', wasClean: false, error }, false, provider);
  }

  /** A link or an attempt ended (already detached): report it, then retry or close for good. */
  #lost(info: CloseInfo, wasUp: boolean, provider = false): void {
    const generation = this.#generation;
    this.#lastClose = info;
    if (info.error) this.emit('error', info.error);
    if (wasUp) this.emit('disconnect', info);
    if (generation !== this.#generation) return; // a listener called close() or reconnect()
    if (this.#state === 'closing') return this.#finish(this.#closeError ? { ...info, error: this.#closeError } : info);
    const policy = this.#options.reconnect;
    if (policy && wasUp && Date.now() - this.#openedAt >= policy.minUptime) this.#retries = 0;
    const attempt = this.#retries + 1;
    if (
      !policy ||
      attempt > policy.maxRetries ||
      !(provider || policy.shouldReconnect({ lastClose: info, attempt, wasOpen: wasUp }))
    ) {
      return this.#finish(info);
    }
    if (this.#offline()) this.#setState('reconnecting');
    else this.#retry(attempt, nextDelay(attempt, policy, policy.random, retryAfterOf(info, Date.now())));
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
    const transport = this.#transport;
    if (this.#up) {
      this.#closeError = error;
      this.#clearTimers();
      this.#setState('closing');
      transport!.close(code, reason);
      return;
    }
    this.#detach();
    transport?.terminate(error);
    const info: CloseInfo = { code: code ?? CloseCode.NoStatus, reason: reason ?? '', wasClean: false };
    if (error) info.error = error;
    this.#finish(info);
  }

  /** The final close: no timer, listener or transport survives it; queued messages are reported as unsent. */
  #finish(info: CloseInfo): void {
    this.#detach();
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    if (this.#network) {
      removeEventListener('online', this.#onOnline);
      removeEventListener('offline', this.#onOffline);
    }
    this.#setState('closed');
    const unsent = this.#queue ? this.#queue.drain() : [];
    if (unsent.length) {
      const error = new ConnectionClosedError(
        info.code,
        info.reason,
        info.wasClean,
        `The socket closed (code ${info.code}) before the message could be sent`,
        info.error,
      );
      for (const item of unsent) this.#settle(item, error);
    }
    this.emit('close', { ...info, unsent: unsent.map((item) => item.data) });
  }

  #offline(): boolean {
    return this.#network && navigator.onLine === false;
  }

  #onAbort = (): void => {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    const reason = this.#options.signal!.reason;
    this.#shutdown(CloseCode.Normal, '', new AbortError(`The socket was aborted: ${String(reason)}`, reason));
  };

  /** Back online: retry now instead of waiting (a paused retry was not counted). */
  #onOnline = (): void => {
    if (this.#state !== 'reconnecting') return;
    clearTimeout(this.#timer);
    this.#retry(this.#retries + 1, 0);
  };

  /** Offline: cancel the scheduled retry; `online` starts it again without it counting twice. */
  #onOffline = (): void => {
    if (this.#state === 'reconnecting') clearTimeout(this.#timer);
  };
}

/**
 * `SocketCore` for a given runtime (what the tests drive with a scripted transport): on `node` the Node
 * options are validated and used, in `browser` they are refused.
 */
export class BaseSocket extends SocketCore {
  constructor(url: UrlInput, options: SocketOptions, connect: TransportFactory, runtime: Runtime) {
    super(url, options, connect, runtime === 'node' ? NODE_OPTIONS : undefined);
  }
}
