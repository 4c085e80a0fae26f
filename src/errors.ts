/**
 * The sockline error tree. Every error carries a stable `code` and survives duplicated
 * copies of the package (ESM + CJS loaded together): `instanceof` checks a global brand,
 * not the class identity.
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
  | 'ERR_SOCKLINE_ABORTED';

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
export function isSocklineError(value: unknown): value is SocklineError {
  return (value as { [BRAND]?: unknown } | null | undefined)?.[BRAND] === true && typeof value === 'object';
}


/** A bad option or argument. The message names the option, the value received and what is allowed. */
export class InvalidArgumentError extends SocklineError {
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'InvalidArgumentError', writable: true, configurable: true });
  }

  constructor(message: string) {
    super(message, 'ERR_SOCKLINE_INVALID_ARGUMENT');
  }
}

/** The call is not allowed in the socket's current state (for example `send()` after `close()`). */
export class InvalidStateError extends SocklineError {
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'InvalidStateError', writable: true, configurable: true });
  }

  constructor(message: string) {
    super(message, 'ERR_SOCKLINE_INVALID_STATE');
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
    reason: HandshakeFailure,
    message: string,
    details: { status?: number; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, 'ERR_SOCKLINE_HANDSHAKE', { cause: details.cause });
    this.reason = reason;
    this.status = details.status;
    this.headers = details.headers;
  }
}

/**
 * The peer broke RFC 6455. `closeCode` is what we sent it (1002, 1007, 1009, …);
 * the message is short and lower-case because it also travels as the close reason.
 */
export class ProtocolError extends SocklineError {
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'ProtocolError', writable: true, configurable: true });
  }

  declare readonly closeCode: number;

  constructor(closeCode: number, message: string) {
    super(message, 'ERR_SOCKLINE_PROTOCOL');
    this.closeCode = closeCode;
  }
}

export type TimeoutPhase = 'connect' | 'handshake' | 'close' | 'heartbeat';

/** A deadline passed: connecting, the opening handshake, the closing handshake or a heartbeat. */
export class TimeoutError extends SocklineError {
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'TimeoutError', writable: true, configurable: true });
  }

  declare readonly phase: TimeoutPhase;
  declare readonly ms: number;

  constructor(phase: TimeoutPhase, ms: number, message: string) {
    super(message, 'ERR_SOCKLINE_TIMEOUT');
    this.phase = phase;
    this.ms = ms;
  }
}

/** `send()` while not open found the queue full. The message was not queued and is attached here. */
export class QueueOverflowError extends SocklineError {
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'QueueOverflowError', writable: true, configurable: true });
  }

  declare readonly limit: 'maxMessages' | 'maxBytes';
  declare readonly data: unknown;

  constructor(limit: 'maxMessages' | 'maxBytes', data: unknown, message: string) {
    super(message, 'ERR_SOCKLINE_QUEUE_OVERFLOW');
    this.limit = limit;
    this.data = data;
  }
}

/** The connection closed before a message could be handed to the network. */
export class ConnectionClosedError extends SocklineError {
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'ConnectionClosedError', writable: true, configurable: true });
  }

  declare readonly closeCode: number;
  declare readonly reason: string;
  declare readonly wasClean: boolean;

  constructor(closeCode: number, reason: string, wasClean: boolean, message: string, cause?: unknown) {
    super(message, 'ERR_SOCKLINE_CONNECTION_CLOSED', { cause });
    this.closeCode = closeCode;
    this.reason = reason;
    this.wasClean = wasClean;
  }
}

/** The TCP/TLS connection could not be made or broke (refused, DNS, TLS, reset). `cause` holds the system error. */
export class NetworkError extends SocklineError {
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'NetworkError', writable: true, configurable: true });
  }

  constructor(message: string, cause?: unknown) {
    super(message, 'ERR_SOCKLINE_NETWORK', { cause });
  }
}

/** The operation was cancelled through an `AbortSignal`. */
export class AbortError extends SocklineError {
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'AbortError', writable: true, configurable: true });
  }

  constructor(message: string, cause?: unknown) {
    super(message, 'ERR_SOCKLINE_ABORTED', { cause });
  }
}
