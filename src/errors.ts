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

  constructor(message: string, code: ErrorCode, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, 'code', { value: code, enumerable: true });
    Object.defineProperty(this, BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (!isSocklineError(value)) return false;
    // Subclasses are told apart by the name on their prototype, which survives minification.
    return this === SocklineError || (value as Error).name === (this.prototype as Error).name;
  }
}

/** True for any sockline error, from any copy of the package. */
export function isSocklineError(value: unknown): value is SocklineError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

function named<T extends { prototype: Error }>(cls: T, name: string): T {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
  return cls;
}
named(SocklineError, 'SocklineError');

/** A bad option or argument. The message names the option, the value received and what is allowed. */
export class InvalidArgumentError extends SocklineError {
  constructor(message: string) {
    super(message, 'ERR_SOCKLINE_INVALID_ARGUMENT');
  }
}
named(InvalidArgumentError, 'InvalidArgumentError');

/** The call is not allowed in the socket's current state (for example `send()` after `close()`). */
export class InvalidStateError extends SocklineError {
  constructor(message: string) {
    super(message, 'ERR_SOCKLINE_INVALID_STATE');
  }
}
named(InvalidStateError, 'InvalidStateError');

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
named(HandshakeError, 'HandshakeError');

/**
 * The peer broke RFC 6455. `closeCode` is what we sent it (1002, 1007, 1009, …);
 * the message is short and lower-case because it also travels as the close reason.
 */
export class ProtocolError extends SocklineError {
  declare readonly closeCode: number;

  constructor(closeCode: number, message: string) {
    super(message, 'ERR_SOCKLINE_PROTOCOL');
    this.closeCode = closeCode;
  }
}
named(ProtocolError, 'ProtocolError');

export type TimeoutPhase = 'connect' | 'handshake' | 'close' | 'heartbeat';

/** A deadline passed: connecting, the opening handshake, the closing handshake or a heartbeat. */
export class TimeoutError extends SocklineError {
  declare readonly phase: TimeoutPhase;
  declare readonly ms: number;

  constructor(phase: TimeoutPhase, ms: number, message: string) {
    super(message, 'ERR_SOCKLINE_TIMEOUT');
    this.phase = phase;
    this.ms = ms;
  }
}
named(TimeoutError, 'TimeoutError');

/** `send()` while not open found the queue full. The message was not queued and is attached here. */
export class QueueOverflowError extends SocklineError {
  declare readonly limit: 'maxMessages' | 'maxBytes';
  declare readonly data: unknown;

  constructor(limit: 'maxMessages' | 'maxBytes', data: unknown, message: string) {
    super(message, 'ERR_SOCKLINE_QUEUE_OVERFLOW');
    this.limit = limit;
    this.data = data;
  }
}
named(QueueOverflowError, 'QueueOverflowError');

/** The connection closed before a message could be handed to the network. */
export class ConnectionClosedError extends SocklineError {
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
named(ConnectionClosedError, 'ConnectionClosedError');

/** The TCP/TLS connection could not be made or broke (refused, DNS, TLS, reset). `cause` holds the system error. */
export class NetworkError extends SocklineError {
  constructor(message: string, cause?: unknown) {
    super(message, 'ERR_SOCKLINE_NETWORK', { cause });
  }
}
named(NetworkError, 'NetworkError');

/** The operation was cancelled through an `AbortSignal`. */
export class AbortError extends SocklineError {
  constructor(message: string, cause?: unknown) {
    super(message, 'ERR_SOCKLINE_ABORTED', { cause });
  }
}
named(AbortError, 'AbortError');
