/**
 * The standard `WebSocket` class (WHATWG WebSockets) on sockline's machinery: each instance drives one `SocketCore`
 * through its public methods and events, so the Node build gets our RFC 6455 client (headers, TLS, proxies) and the
 * browser build the native socket, behind the interface libraries expect (graphql-ws `webSocketImpl`, y-websocket
 * `WebSocketPolyfill`, …).
 *
 * Two modes:
 * - default, the standard's: one connection, no queue (`send` while CONNECTING throws), `close` is final;
 * - `reconnect` in the options: the same instance reconnects with sockline's backoff, `open` fires after every
 *   reconnect, `send` while down is queued (sockline's send contract), `close` still fires once, at the end.
 *
 * Event order and state changes follow the standard's "feedback from the protocol" steps; `error` fires only when
 * the connection *failed* (it never opened, or we failed it for a protocol violation): an open link that is merely
 * lost closes with 1006 and no `error`, as `ws` does (graphql-ws treats any `error` as fatal).
 */
import { isSocklineError, type SocklineError } from '../errors.js';
import type { CloseInfo, OpenInfo } from '../transport.js';
import type { Runtime } from '../runtime.js';
import type { DropEvent, MessageInfo, SocketCloseEvent } from '../events.js';
import type { SocketOptions } from '../options.js';
import { SocketCore } from '../socket.js';
import { byteLength } from '../byte-length.js';
import { CloseEventClass, createEvent, domException, EventTargetBase, MessageEventClass } from './events.js';
import { closeArgs, parseProtocols, parseUrl, refuse, sendData, toArrayBuffer } from './idl.js';

/** sockline's options, except `protocols` (the constructor's second argument). */
export type WebSocketOptions = Omit<SocketOptions, 'protocols'>;

/** How binary messages are delivered: `Blob` (the standard's default) or `ArrayBuffer`. */
export type WebSocketBinaryType = 'blob' | 'arraybuffer';

/**
 * An `onopen`/`onmessage`/`onerror`/`onclose` value (`this` is the socket). `this` is typed loosely so that the class
 * stays assignable to TypeScript's DOM `typeof WebSocket` (e.g. y-websocket's `WebSocketPolyfill` option).
 */
// biome-ignore lint/suspicious/noExplicitAny: as lib.dom types it, so the class stays assignable to `typeof WebSocket`
export type WebSocketEventHandler<E extends Event = Event> = ((this: any, event: E) => any) | null;

/** sockline's extra event for a message that will not be delivered (never silent): `data` and `error`. */
export interface WebSocketDropEvent extends Event {
  readonly data: string | Uint8Array | Blob;
  readonly error: SocklineError;
}

const CONNECTING = 0 as const;
const OPEN = 1 as const;
const CLOSING = 2 as const;
const CLOSED = 3 as const;

type HandlerType = 'open' | 'message' | 'error' | 'close';
interface Handler {
  value: unknown;
  listener: (event: Event) => void;
}

/** One message waiting behind a Blob that is being read (Node: the transport sends bytes). */
interface Waiting {
  data: string | Uint8Array | Blob;
  size: number;
}

/**
 * The runtime-independent class; the package entries export it as `WebSocket` with their transport.
 * `url`, `protocols`: as the standard's constructor. `options`: sockline's (see {@link WebSocketOptions}).
 */
export class WebSocketCore extends EventTargetBase {
  // IDL constants, on the interface object and its prototype. (Static fields and getters rather than a static block
  // defining data properties: bundlers keep any class with a static block, and an app importing only `Socket` would
  // then carry this whole class.)
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;
  get CONNECTING(): typeof CONNECTING {
    return CONNECTING;
  }
  get OPEN(): typeof OPEN {
    return OPEN;
  }
  get CLOSING(): typeof CLOSING {
    return CLOSING;
  }
  get CLOSED(): typeof CLOSED {
    return CLOSED;
  }

  readonly #socket: SocketCore;
  readonly #url: string;
  #origin: string | undefined;
  #readyState: number = CONNECTING;
  #protocol = '';
  #extensions = '';
  #binaryType: WebSocketBinaryType = 'blob';
  /** Reconnect mode: the Socket reconnects, and sends while CONNECTING are queued (unless `queue: false`). */
  readonly #reconnect: boolean;
  readonly #queueWhileDown: boolean;
  /** Node: Blobs are read into bytes first (the Node transport sends bytes), keeping the order of sends. */
  readonly #readBlobs: boolean;
  /** Messages waiting behind a Blob being read, oldest first. */
  #waiting: Waiting[] | undefined;
  /** bufferedAmount: bytes counted by send() and not yet handed to the network (or never to be). */
  #buffered = 0;
  /** Bytes handed over in this task, subtracted from #buffered on the next one. */
  #handedOver = 0;
  /** The current link is open (between the Socket's `open` and `disconnect`). */
  #linkUp = false;
  /** The link that just ended had opened (set by `disconnect`, cleared when the next attempt is scheduled). */
  #endedOpenLink = false;
  /** Why the connection failed, waiting for its `error` event. */
  #failure: SocklineError | undefined;
  /** A `drop` the Socket reported synchronously inside our own `send()`. */
  #syncDrop: DropEvent | undefined;
  /** Inside one of our methods: events the Socket reports now are dispatched on a later task, as the standard queues them. */
  #depth = 0;
  #deferred: (() => void)[] | undefined;
  readonly #handlers = new Map<HandlerType, Handler>();

  /**
   * @throws SyntaxError (DOMException) for a URL that is not ws:/wss:/http:/https:, has a fragment, or for invalid
   *   or duplicate subprotocols (the standard's constructor steps).
   * @throws InvalidArgumentError (sockline) for invalid sockline options.
   */
  constructor(
    url: string | URL,
    protocols: string | string[] | undefined,
    options: WebSocketOptions | undefined,
    runtime: Runtime,
  ) {
    const parsed = parseUrl(url);
    const offered = parseProtocols(protocols);
    const o = (options ?? {}) as SocketOptions;
    if (typeof o !== 'object') refuse('options', 'expected an object of sockline options');
    if (o.protocols !== undefined) refuse('protocols', 'pass the subprotocols as the second argument, as the standard does');
    const reconnect = o.reconnect !== undefined && o.reconnect !== false;
    if (!reconnect && o.queue !== undefined)
      refuse('queue', 'the standard WebSocket never queues; queue applies with reconnect only');
    super();
    this.#url = parsed.href;
    this.#reconnect = reconnect;
    this.#queueWhileDown = reconnect && o.queue !== false;
    // A runtime whose transport takes no Blob (Node): the class reads Blobs into bytes itself, in send order.
    this.#readBlobs = !runtime.acceptsBlob;
    const socket = (this.#socket = new SocketCore(
      parsed.href,
      { ...o, protocols: offered, reconnect: reconnect ? o.reconnect : false, queue: reconnect ? o.queue : false },
      runtime,
    ));
    socket.on('open', (info) => this.#onOpen(info));
    socket.on('message', (data, info) => this.#onMessage(data, info));
    socket.on('error', (error) => this.#onError(error));
    socket.on('disconnect', (info) => this.#onDisconnect(info));
    socket.on('reconnecting', () => this.#onReconnecting());
    socket.on('close', (event) => this.#onClose(event));
    socket.on('drop', (event) => this.#onDrop(event));
  }

  /**
   * This class with `options` preset: for libraries that take a WebSocket *class* and construct it with
   * `(url, protocols)` only, e.g. `createClient({ webSocketImpl: WebSocket.withOptions({ headers }) })`.
   * Options given to the constructor are merged over these.
   */
  static withOptions<T extends abstract new (...args: never[]) => unknown>(this: T, options: WebSocketOptions): T {
    const Base = this as unknown as new (url: string | URL, protocols?: string | string[], options?: WebSocketOptions) => object;
    return class extends Base {
      constructor(url: string | URL, protocols?: string | string[], more?: WebSocketOptions) {
        super(url, protocols, { ...options, ...more });
      }
    } as unknown as T;
  }

  /** The URL, serialized (`http:`/`https:` given are `ws:`/`wss:`). */
  get url(): string {
    return this.#url;
  }

  /** CONNECTING 0 (also while waiting to reconnect), OPEN 1, CLOSING 2 (`close()` called or the server's Close), CLOSED 3. */
  get readyState(): number {
    return this.#readyState;
  }

  /**
   * Bytes of application data (UTF-8 for text) queued with `send()` and not yet handed to the network (Node: to the
   * kernel; browsers: to the native WebSocket). As the standard says, it only grows after the connection closed:
   * what `send()` discards then is still counted.
   */
  get bufferedAmount(): number {
    return this.#buffered;
  }

  /** The subprotocol the server selected ('' until open, or when none). */
  get protocol(): string {
    return this.#protocol;
  }

  /** The extensions the server accepted ('' until open, or when none). */
  get extensions(): string {
    return this.#extensions;
  }

  /** `'blob'` (default, as the standard) or `'arraybuffer'`. Other values are ignored, as for any WebIDL enum. */
  get binaryType(): WebSocketBinaryType {
    return this.#binaryType;
  }

  set binaryType(value: WebSocketBinaryType) {
    const type = String(value);
    if (type === 'blob' || type === 'arraybuffer') this.#binaryType = type;
  }

  get onopen(): WebSocketEventHandler {
    return this.#getHandler('open');
  }
  set onopen(value: WebSocketEventHandler) {
    this.#setHandler('open', value);
  }
  get onmessage(): WebSocketEventHandler<MessageEvent> {
    return this.#getHandler('message');
  }
  set onmessage(value: WebSocketEventHandler<MessageEvent>) {
    this.#setHandler('message', value);
  }
  get onerror(): WebSocketEventHandler {
    return this.#getHandler('error');
  }
  set onerror(value: WebSocketEventHandler) {
    this.#setHandler('error', value);
  }
  get onclose(): WebSocketEventHandler<CloseEvent> {
    return this.#getHandler('close');
  }
  set onclose(value: WebSocketEventHandler<CloseEvent>) {
    this.#setHandler('close', value);
  }

  get [Symbol.toStringTag](): string {
    return 'WebSocket';
  }

  /**
   * send(data): "If readyState is CONNECTING, throw an InvalidStateError DOMException." Otherwise, if the connection
   * is established and the closing handshake has not started, send the message; either way "any invocation of this
   * method … that does not throw an exception must increase the bufferedAmount attribute" by its size: after
   * `close()` the message is discarded and still counted.
   *
   * Reconnect mode: while CONNECTING (first attempt or reconnecting) the message is queued and sent after the next
   * open (sockline's send contract; a full queue throws `QueueOverflowError`, `queue: false` throws like the standard).
   */
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
    if (arguments.length === 0) throw new TypeError("Failed to execute 'send' on 'WebSocket': 1 argument required");
    const message = sendData(data);
    if (this.#readyState === CONNECTING && !this.#queueWhileDown) {
      throw domException("Failed to execute 'send' on 'WebSocket': still in CONNECTING state", 'InvalidStateError');
    }
    const size = byteLength(message);
    this.#buffered += size;
    if (this.#readyState !== OPEN && this.#readyState !== CONNECTING) return;
    if (this.#waiting || (this.#readBlobs && typeof message !== 'string' && !(message instanceof Uint8Array))) {
      this.#wait({ data: message, size });
      return;
    }
    this.#syncDrop = undefined;
    this.#transmit(message, size);
    const refused = this.#syncDrop as DropEvent | undefined;
    if (refused?.error.name === 'QueueOverflowError') {
      this.#buffered -= size;
      throw refused.error;
    }
  }

  /**
   * close(code, reason): validates (InvalidAccessError for a code other than 1000 or 3000-4999, SyntaxError for a
   * reason over 123 UTF-8 bytes), then: CLOSING or CLOSED, do nothing; not yet established, fail the connection
   * (`error`, then `close` with 1006); otherwise start the closing handshake. Either way readyState becomes CLOSING.
   */
  close(code?: number, reason?: string): void {
    const [c, r] = closeArgs(code, reason);
    if (this.#readyState === CLOSING || this.#readyState === CLOSED) return;
    this.#readyState = CLOSING;
    this.#depth++;
    try {
      this.#socket.close(c, r);
    } finally {
      this.#depth--;
    }
  }

  #getHandler(type: HandlerType): null {
    return (this.#handlers.get(type)?.value ?? null) as null;
  }

  /**
   * HTML "event handler IDL attributes": a non-object value is null; the first non-null value adds one listener,
   * which keeps its place among the other listeners when the handler is replaced; null removes it (a later handler
   * is added again, at the end).
   */
  #setHandler(type: HandlerType, value: unknown): void {
    const handler = this.#handlers.get(type);
    const add = EventTargetBase.prototype.addEventListener;
    const remove = EventTargetBase.prototype.removeEventListener;
    if (typeof value !== 'function' && (typeof value !== 'object' || value === null)) {
      if (handler) {
        this.#handlers.delete(type);
        remove.call(this, type, handler.listener);
      }
      return;
    }
    if (handler) {
      handler.value = value;
      return;
    }
    const entry: Handler = {
      value,
      listener: (event) => {
        const callback = entry.value;
        if (typeof callback !== 'function') throw new TypeError(`The ${type} handler is not callable`);
        callback.call(this, event);
      },
    };
    this.#handlers.set(type, entry);
    add.call(this, type, entry.listener);
  }

  /** Run `step` (state changes + dispatch) now, or on a later task when inside our own method or behind deferred steps. */
  #run(step: () => void): void {
    if (this.#depth === 0 && !this.#deferred) return step();
    const first = !this.#deferred;
    (this.#deferred ??= []).push(step);
    if (first) {
      setTimeout(() => {
        const steps = this.#deferred!;
        this.#deferred = undefined;
        for (const run of steps) run();
      }, 0);
    }
  }

  #transmit(data: string | Uint8Array | Blob, size: number): void {
    this.#depth++;
    try {
      this.#socket.sendAsync(data).then(
        () => this.#handOver(size),
        () => {
          // Never handed to the network: stays counted, and the Socket reported it with `drop`.
        },
      );
    } finally {
      this.#depth--;
    }
  }

  /** `size` bytes reached the network: bufferedAmount drops on the next task ("as of the last time the event loop reached step 1"). */
  #handOver(size: number): void {
    if (this.#handedOver === 0) {
      setTimeout(() => {
        this.#buffered -= this.#handedOver;
        this.#handedOver = 0;
      }, 0);
    }
    this.#handedOver += size;
  }

  /** Queue a message behind the Blob being read (Node), and start reading the first Blob. */
  #wait(item: Waiting): void {
    const waiting = (this.#waiting ??= []);
    waiting.push(item);
    if (waiting.length === 1) this.#pump();
  }

  /** Send the waiting messages in order, reading each Blob into bytes before it and what follows it go out. */
  #pump(): void {
    const waiting = this.#waiting!;
    while (waiting.length > 0) {
      const head = waiting[0];
      if (typeof head.data !== 'string' && !(head.data instanceof Uint8Array)) {
        head.data.arrayBuffer().then(
          (buffer) => {
            head.data = new Uint8Array(buffer);
            this.#pump();
          },
          (error: unknown) => {
            waiting.shift();
            this.#fireDrop(
              head.data,
              isSocklineError(error) ? error : domException(`Could not read the Blob: ${String(error)}`, 'NotReadableError'),
            );
            this.#pump();
          },
        );
        return;
      }
      waiting.shift();
      // The link may have closed while the Blob was read: then, as for any send after close, it stays counted.
      if (this.#readyState === OPEN || (this.#readyState === CONNECTING && this.#queueWhileDown))
        this.#transmit(head.data, head.size);
    }
    this.#waiting = undefined;
  }

  /** "When the WebSocket connection is established": readyState OPEN, extensions and protocol, then `open`. */
  #onOpen(info: OpenInfo): void {
    this.#linkUp = true;
    this.#run(() => {
      if (this.#readyState !== CONNECTING) return;
      this.#readyState = OPEN;
      this.#extensions = info.extensions;
      this.#protocol = info.protocol;
      this.dispatchEvent(createEvent('open'));
    });
  }

  /**
   * "When a WebSocket message has been received": "If readyState is not OPEN, then return" (so nothing is delivered
   * after `close()`); text as a string, binary as a Blob or an ArrayBuffer by binaryType; MessageEvent with the
   * URL's origin.
   */
  #onMessage(data: string | Uint8Array, { binary }: MessageInfo): void {
    this.#run(() => {
      if (this.#readyState !== OPEN) return;
      const bytes = data as Uint8Array<ArrayBuffer>;
      const value = !binary ? data : this.#binaryType === 'blob' ? new Blob([bytes]) : toArrayBuffer(bytes);
      this.#origin ??= new URL(this.#url).origin;
      this.dispatchEvent(new MessageEventClass('message', { data: value, origin: this.#origin }));
    });
  }

  /**
   * Only a *failed* connection fires `error` (the standard: "if the user agent was required to fail the WebSocket
   * connection"): an attempt that never opened (refused, TLS, handshake rejected, timeout, `close()` while
   * connecting), or a protocol violation we (Node) or the browser failed the link for. A lost link (reset, EOF,
   * heartbeat) is not one.
   */
  #onError(error: SocklineError): void {
    // In browsers the native socket's own `error` event (the browser failed the link) is the NetworkError's cause.
    const failedByBrowser = (error.cause as { type?: unknown } | undefined)?.type === 'error';
    if (!this.#linkUp || error.name === 'ProtocolError' || failedByBrowser) this.#failure = error;
  }

  #onDisconnect(info: CloseInfo): void {
    this.#linkUp = false;
    this.#endedOpenLink = true;
    if (!this.#reconnect) return;
    // sockline's extra event in reconnect mode: one link ended, the instance will reconnect (or close).
    this.#run(() => {
      if (this.#readyState === OPEN) this.#readyState = CONNECTING;
      this.dispatchEvent(new CloseEventClass('disconnect', { code: info.code, reason: info.reason, wasClean: info.wasClean }));
    });
  }

  /** Reconnect mode: a failed attempt or violation reports its `error` now, readyState stays CONNECTING. */
  #onReconnecting(): void {
    this.#endedOpenLink = false;
    const failure = this.#takeFailure();
    if (failure) this.#run(() => this.#fireError(failure));
  }

  /**
   * "When the WebSocket connection is closed": readyState CLOSED; `error` if the connection failed; then `close` with
   * the close code, reason and wasClean. A connection that never opened closes with 1006 (the standard: a failure
   * tells scripts nothing more).
   */
  #onClose(event: SocketCloseEvent): void {
    this.#linkUp = false;
    const established = this.#endedOpenLink;
    let failure = this.#takeFailure();
    // `close()` (or the signal) while connecting: "fail the WebSocket connection" too, with no cause to report.
    const failed = !established || failure !== undefined;
    if (!established && !failure && isSocklineError(event.error)) failure = event.error;
    const init = established
      ? { code: event.code, reason: event.reason, wasClean: event.wasClean }
      : { code: 1006, reason: '', wasClean: false };
    this.#run(() => {
      this.#readyState = CLOSED;
      if (failed) this.#fireError(failure);
      this.dispatchEvent(new CloseEventClass('close', init));
    });
  }

  #onDrop({ data, error }: DropEvent): void {
    if (this.#depth > 0) this.#syncDrop = { data, error };
    this.#fireDrop(data, error);
  }

  #fireDrop(data: string | Uint8Array | Blob, error: Error): void {
    this.#run(() => this.dispatchEvent(Object.assign(createEvent('drop'), { data, error })));
  }

  #takeFailure(): SocklineError | undefined {
    const failure = this.#failure;
    this.#failure = undefined;
    return failure;
  }

  /** A plain `error` Event, as browsers fire; sockline adds the cause as `event.error` where it knows one. */
  #fireError(cause: SocklineError | undefined): void {
    const event = createEvent('error');
    if (cause) Object.defineProperty(event, 'error', { value: cause, enumerable: true });
    this.dispatchEvent(event);
  }
}
