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
export function isSocklineError(value: unknown): value is SocklineErrors {
  return (value as { [BRAND]?: unknown } | null | undefined)?.[BRAND] === true && typeof value === 'object';
}


/** A bad option or argument. The message names the option, the value received and what is allowed. */
export class InvalidArgumentError extends SocklineError {
  declare readonly code: 'ERR_SOCKLINE_INVALID_ARGUMENT';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'InvalidArgumentError', writable: true, configurable: true });
  }

  constructor(message: string) {
    super(message, 'ERR_SOCKLINE_INVALID_ARGUMENT');
  }
}

/** The call is not allowed in the socket's current state (for example `send()` after `close()`). */
export class InvalidStateError extends SocklineError {
  declare readonly code: 'ERR_SOCKLINE_INVALID_STATE';
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
  declare readonly code: 'ERR_SOCKLINE_PROTOCOL';
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
  declare readonly code: 'ERR_SOCKLINE_TIMEOUT';
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
  declare readonly code: 'ERR_SOCKLINE_QUEUE_OVERFLOW';
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
  declare readonly code: 'ERR_SOCKLINE_CONNECTION_CLOSED';
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
  | AbortError;
