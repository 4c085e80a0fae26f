/**
 * The sockline error tree. Every error carries a stable `code` and survives duplicated
 * copies of the package (ESM + CJS loaded together): `instanceof` checks a global brand,
 * not the class identity.
 *
 * Every constructor takes the message first, then what its class adds, then the `cause` (when it has one).
 */

const BRAND = Symbol.for('sockline.error');

export type ErrorCode =
  | 'ERR_SOCKLINE_INVALID_ARGUMENT'
  | 'ERR_SOCKLINE_INVALID_STATE'
  | 'ERR_SOCKLINE_HANDSHAKE'
  | 'ERR_SOCKLINE_PROTOCOL'
  | 'ERR_SOCKLINE_TIMEOUT'
  | 'ERR_SOCKLINE_QUEUE_OVERFLOW'
  | 'ERR_SOCKLINE_CONNECTION_CLOSED'
  | 'ERR_SOCKLINE_NETWORK'
  | 'ERR_SOCKLINE_ABORTED'
  | 'ERR_SOCKLINE_CALLBACK';

/** Base class of every error thrown or emitted by sockline. */
export class SocklineError extends Error {
  declare readonly code: ErrorCode;

  // Each class names itself on its prototype (non-enumerable, like `Error.prototype.name`): the name survives
  // minification and tells the classes apart in `instanceof`. Written out in every class, not through a helper,
  // so that bundlers can drop the classes an app does not use.
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'SocklineError', writable: true, configurable: true });
  }

  constructor(message: string, code: ErrorCode, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperties(this, { code: { value: code, enumerable: true }, [BRAND]: { value: true } });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses are told apart by the name on their prototype, which survives minification.
    return isSocklineError(value) && (this === SocklineError || value.name === this.prototype.name);
  }
}

/** True for any sockline error, from any copy of the package. */
export function isSocklineError(value: unknown): value is SocklineErrors {
  return (value as { [BRAND]?: unknown } | null | undefined)?.[BRAND] === true && typeof value === 'object';
}

/** A bad option or argument. The message names the option, the value received and what is allowed. */
export class InvalidArgumentError extends SocklineError {
  declare readonly code: 'ERR_SOCKLINE_INVALID_ARGUMENT';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'InvalidArgumentError', writable: true, configurable: true });
  }

  constructor(message: string, cause?: unknown) {
    super(message, 'ERR_SOCKLINE_INVALID_ARGUMENT', cause === undefined ? undefined : { cause });
  }
}

/** The call is not allowed in the socket's current state (for example `send()` after `close()`). */
export class InvalidStateError extends SocklineError {
  declare readonly code: 'ERR_SOCKLINE_INVALID_STATE';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'InvalidStateError', writable: true, configurable: true });
  }

  constructor(message: string, cause?: unknown) {
    super(message, 'ERR_SOCKLINE_INVALID_STATE', cause === undefined ? undefined : { cause });
  }
}

/** Why an opening handshake was rejected. */
export type HandshakeFailure =
  | 'status'
  | 'upgrade'
  | 'connection'
  | 'accept'
  | 'subprotocol'
  | 'extension'
  | 'headers-too-large'
  | 'malformed'
  | 'proxy';

/**
 * networks: why a proxy did not open the tunnel. `refused`: an HTTP proxy answered CONNECT with a non-2xx status
 * (see `status`); `closed`: the proxy connection ended before its answer was complete; `malformed`: the answer was
 * not HTTP / SOCKS; the others are SOCKS replies (RFC 1928 §6, RFC 1929 §2, SOCKS4 CD codes 91-93).
 */
export type ProxyFailure =
  | 'refused'
  | 'closed'
  | 'malformed'
  | 'no-acceptable-auth'
  | 'auth-failed'
  | 'general-failure'
  | 'not-allowed'
  | 'network-unreachable'
  | 'host-unreachable'
  | 'connection-refused'
  | 'ttl-expired'
  | 'command-not-supported'
  | 'address-type-not-supported'
  | 'unknown-reply'
  | 'rejected'
  | 'identd-unreachable'
  | 'identd-mismatch';

/** The server (or a proxy) did not complete a valid RFC 6455 opening handshake. */
export class HandshakeError extends SocklineError {
  declare readonly code: 'ERR_SOCKLINE_HANDSHAKE';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'HandshakeError', writable: true, configurable: true });
  }

  /** What was wrong with the response. */
  declare readonly reason: HandshakeFailure;
  /** HTTP status of the response, when one was received. */
  declare readonly status: number | undefined;
  /** Response headers (lower-case names), when received. */
  declare readonly headers: Record<string, string> | undefined;
  /**
   * networks: with `reason: 'proxy'`, what the proxy said (see `ProxyFailure`); `status` holds an HTTP proxy's code.
   * Set by the Node proxy code (src/protocol/proxy-error.ts), not here: browsers never see a proxy.
   */
  declare readonly proxyFailure: ProxyFailure | undefined;

  constructor(
    message: string,
    reason: HandshakeFailure,
    details: { status?: number; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, 'ERR_SOCKLINE_HANDSHAKE', { cause: details.cause });
    this.reason = reason;
    this.status = details.status;
    this.headers = details.headers;
  }
}

/**
 * Which rule of RFC 6455 the peer broke: a stable code to branch on (like ws's `WS_ERR_*`), where the message is
 * for people. See README "Errors" for the list.
 */
export type ProtocolViolation =
  | 'reserved-bits'
  | 'bad-opcode'
  | 'control-frame-too-long'
  | 'fragmented-control'
  | 'unexpected-continuation'
  | 'expected-continuation'
  | 'bad-length'
  | 'masked-frame'
  | 'message-too-big'
  | 'invalid-utf8'
  | 'invalid-compressed-data'
  | 'bad-close-code'
  | 'bad-close-payload'
  | 'protocol';

/**
 * The peer broke RFC 6455. `closeCode` is what we sent it (1002, 1007, 1009, …), `reason` which rule was broken;
 * the message is short and lower-case because it also travels as the close reason.
 */
export class ProtocolError extends SocklineError {
  declare readonly code: 'ERR_SOCKLINE_PROTOCOL';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'ProtocolError', writable: true, configurable: true });
  }

  declare readonly closeCode: number;
  /** Which rule was broken (stable; `'protocol'` when a caller did not say). */
  declare readonly reason: ProtocolViolation;

  constructor(message: string, closeCode: number, reason: ProtocolViolation = 'protocol') {
    super(message, 'ERR_SOCKLINE_PROTOCOL');
    this.closeCode = closeCode;
    this.reason = reason;
  }
}

export type TimeoutPhase = 'connect' | 'handshake' | 'close' | 'heartbeat';

/** A deadline passed: connecting, the opening handshake, the closing handshake or a heartbeat. */
export class TimeoutError extends SocklineError {
  declare readonly code: 'ERR_SOCKLINE_TIMEOUT';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'TimeoutError', writable: true, configurable: true });
  }

  declare readonly phase: TimeoutPhase;
  declare readonly ms: number;

  constructor(message: string, phase: TimeoutPhase, ms: number) {
    super(message, 'ERR_SOCKLINE_TIMEOUT');
    this.phase = phase;
    this.ms = ms;
  }
}

/** `send()` while not open found the queue full (or, open, the write buffer at `maxBufferedAmount`). The message was not queued and is attached here. */
export class QueueOverflowError extends SocklineError {
  declare readonly code: 'ERR_SOCKLINE_QUEUE_OVERFLOW';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'QueueOverflowError', writable: true, configurable: true });
  }

  /** The queue's `maxMessages`/`maxBytes`, or `maxBufferedAmount`: the open link's write buffer was full. */
  declare readonly limit: 'maxMessages' | 'maxBytes' | 'maxBufferedAmount';
  declare readonly data: unknown;

  constructor(message: string, limit: 'maxMessages' | 'maxBytes' | 'maxBufferedAmount', data: unknown) {
    super(message, 'ERR_SOCKLINE_QUEUE_OVERFLOW');
    this.limit = limit;
    this.data = data;
  }
}

/** The connection closed before a message could be handed to the network. */
export class ConnectionClosedError extends SocklineError {
  declare readonly code: 'ERR_SOCKLINE_CONNECTION_CLOSED';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'ConnectionClosedError', writable: true, configurable: true });
  }

  declare readonly closeCode: number;
  declare readonly reason: string;
  declare readonly wasClean: boolean;

  constructor(message: string, closeCode: number, reason: string, wasClean: boolean, cause?: unknown) {
    super(message, 'ERR_SOCKLINE_CONNECTION_CLOSED', { cause });
    this.closeCode = closeCode;
    this.reason = reason;
    this.wasClean = wasClean;
  }
}

/**
 * What a `NetworkError` knows about its cause, when it knows (Node):
 * - `tls-not-tls`: a `wss:` URL reached a server that does not speak TLS (usually a `ws:` server);
 * - `tls-certificate`: the server's certificate failed verification (unknown CA, self-signed, expired,
 *   wrong host name).
 * Both (every `tls-` reason) fail the same way on every attempt, so the default policy does not retry them.
 */
export type NetworkFailure = 'tls-not-tls' | 'tls-certificate';

/** The TCP/TLS connection could not be made or broke (refused, DNS, TLS, reset). `cause` holds the system error. */
export class NetworkError extends SocklineError {
  declare readonly code: 'ERR_SOCKLINE_NETWORK';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'NetworkError', writable: true, configurable: true });
  }

  /** The classified cause, when known (see {@link NetworkFailure}); `undefined` for other failures. */
  declare readonly reason: NetworkFailure | undefined;

  constructor(message: string, cause?: unknown, reason?: NetworkFailure) {
    super(message, 'ERR_SOCKLINE_NETWORK', { cause });
    this.reason = reason;
  }
}

/** The operation was cancelled through an `AbortSignal`. */
export class AbortError extends SocklineError {
  declare readonly code: 'ERR_SOCKLINE_ABORTED';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'AbortError', writable: true, configurable: true });
  }

  constructor(message: string, cause?: unknown) {
    super(message, 'ERR_SOCKLINE_ABORTED', { cause });
  }
}

/**
 * A function the app gave us threw: an option callback (`reconnect.shouldReconnect`, `reconnect.random`,
 * `heartbeat.isPong`) or an event listener. `source` names it, `cause` holds what it threw. The Socket carries
 * on as documented for that callback (README "Errors").
 */
export class CallbackError extends SocklineError {
  declare readonly code: 'ERR_SOCKLINE_CALLBACK';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'CallbackError', writable: true, configurable: true });
  }

  /** Which callback threw, e.g. `reconnect.random` or `a 'message' listener`. */
  declare readonly source: string;

  constructor(source: string, cause: unknown) {
    super(`${source} threw: ${describeThrown(cause)}`, 'ERR_SOCKLINE_CALLBACK', { cause });
    this.source = source;
  }
}

/** What a callback threw, for a message; never throws itself (a thrown object's `toString` may). */
export function describeThrown(value: unknown): string {
  try {
    return value instanceof Error ? value.message : String(value);
  } catch {
    return 'a value that cannot be printed';
  }
}

/**
 * Every concrete sockline error. Checking `code` narrows it to one class:
 * `if (error.code === 'ERR_SOCKLINE_HANDSHAKE') error.status`.
 */
export type SocklineErrors =
  | InvalidArgumentError
  | InvalidStateError
  | HandshakeError
  | ProtocolError
  | TimeoutError
  | QueueOverflowError
  | ConnectionClosedError
  | NetworkError
  | AbortError
  | CallbackError;
