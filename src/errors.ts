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

/**
 * Names a class on its prototype (non-enumerable, writable, configurable, like `Error.prototype.name`): the name
 * survives minification and tells the classes apart in `instanceof`.
 *
 * How every class is written, so that bundlers drop the ones an app does not use (issue 16): the value is a class
 * expression passed to `named()` in a call annotated as pure, which terser and esbuild drop with its class when the
 * result is unused (a `static {}` block naming the class is a side effect to esbuild, which then kept every class);
 * one binding per class, no separate declaration for the minifier to keep (a second binding per class cost ~45 B
 * gzip). The expression keeps its class name, for `constructor.name` in unminified builds. The public type is a `declare class` of
 * the same name (types and documentation only, nothing emitted: never use it as a value here, use `_Name`), which the
 * constant is checked against; `type _Name` gives the exported name its type meaning too. An implementation extends
 * `_SocklineError` cast to {@link Base}, to assign its own fields. Subclasses extend the named base, so using one keeps
 * the base's name.
 */
const named = <T extends abstract new (...args: never) => Error>(cls: T, name: string): T =>
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true }) && cls;

/** What an implementation extends: the named base (its statics too), constructing `T` with `T`'s fields writable. */
type Base<T> = Omit<typeof SocklineError, 'prototype'> &
  (new (
    message: string,
    code: ErrorCode,
    options?: { cause?: unknown },
  ) => { -readonly [K in keyof T]: T[K] });

/** Base class of every error thrown or emitted by sockline. */
declare class SocklineError extends Error {
  readonly code: ErrorCode;
  constructor(message: string, code: ErrorCode, options?: { cause?: unknown });
  static [Symbol.hasInstance](value: unknown): boolean;
}
const _SocklineError: typeof SocklineError = /* @__PURE__ */ named(
  class SocklineError extends Error {
    declare readonly code: ErrorCode;

    constructor(message: string, code: ErrorCode, options?: { cause?: unknown }) {
      super(message, options);
      Object.defineProperties(this, { code: { value: code, enumerable: true }, [BRAND]: { value: true } });
    }

    static override [Symbol.hasInstance](value: unknown): boolean {
      // Subclasses are told apart by the name on their prototype, which survives minification.
      return isSocklineError(value) && (this === _SocklineError || value.name === this.prototype.name);
    }
  },
  'SocklineError',
);
type _SocklineError = SocklineError;
export { _SocklineError as SocklineError };

/** True for any sockline error, from any copy of the package. */
export function isSocklineError(value: unknown): value is SocklineErrors {
  return (value as { [BRAND]?: unknown } | null | undefined)?.[BRAND] === true && typeof value === 'object';
}

/** A bad option or argument. The message names the option, the value received and what is allowed. */
declare class InvalidArgumentError extends _SocklineError {
  readonly code: 'ERR_SOCKLINE_INVALID_ARGUMENT';
  constructor(message: string, cause?: unknown);
}
const _InvalidArgumentError: typeof InvalidArgumentError = /* @__PURE__ */ named(
  class InvalidArgumentError extends (_SocklineError as Base<_InvalidArgumentError>) {
    constructor(message: string, cause?: unknown) {
      super(message, 'ERR_SOCKLINE_INVALID_ARGUMENT', cause === undefined ? undefined : { cause });
    }
  },
  'InvalidArgumentError',
);
type _InvalidArgumentError = InvalidArgumentError;
export { _InvalidArgumentError as InvalidArgumentError };

/** The call is not allowed in the socket's current state (for example `send()` after `close()`). */
declare class InvalidStateError extends _SocklineError {
  readonly code: 'ERR_SOCKLINE_INVALID_STATE';
  constructor(message: string, cause?: unknown);
}
const _InvalidStateError: typeof InvalidStateError = /* @__PURE__ */ named(
  class InvalidStateError extends (_SocklineError as Base<_InvalidStateError>) {
    constructor(message: string, cause?: unknown) {
      super(message, 'ERR_SOCKLINE_INVALID_STATE', cause === undefined ? undefined : { cause });
    }
  },
  'InvalidStateError',
);
type _InvalidStateError = InvalidStateError;
export { _InvalidStateError as InvalidStateError };

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
declare class HandshakeError extends _SocklineError {
  readonly code: 'ERR_SOCKLINE_HANDSHAKE';
  /** What was wrong with the response. */
  readonly reason: HandshakeFailure;
  /** HTTP status of the response, when one was received. */
  readonly status: number | undefined;
  /** Response headers (lower-case names), when received. */
  readonly headers: Record<string, string> | undefined;
  /**
   * networks: with `reason: 'proxy'`, what the proxy said (see `ProxyFailure`); `status` holds an HTTP proxy's code.
   * Set by the Node proxy code (src/protocol/proxy-error.ts), not here: browsers never see a proxy.
   */
  readonly proxyFailure: ProxyFailure | undefined;
  constructor(
    message: string,
    reason: HandshakeFailure,
    details?: { status?: number; headers?: Record<string, string>; cause?: unknown },
  );
}
const _HandshakeError: typeof HandshakeError = /* @__PURE__ */ named(
  class HandshakeError extends (_SocklineError as Base<_HandshakeError>) {
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
  },
  'HandshakeError',
);
type _HandshakeError = HandshakeError;
export { _HandshakeError as HandshakeError };

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
declare class ProtocolError extends _SocklineError {
  readonly code: 'ERR_SOCKLINE_PROTOCOL';
  readonly closeCode: number;
  /** Which rule was broken (stable; `'protocol'` when a caller did not say). */
  readonly reason: ProtocolViolation;
  constructor(message: string, closeCode: number, reason?: ProtocolViolation);
}
const _ProtocolError: typeof ProtocolError = /* @__PURE__ */ named(
  class ProtocolError extends (_SocklineError as Base<_ProtocolError>) {
    constructor(message: string, closeCode: number, reason: ProtocolViolation = 'protocol') {
      super(message, 'ERR_SOCKLINE_PROTOCOL');
      this.closeCode = closeCode;
      this.reason = reason;
    }
  },
  'ProtocolError',
);
type _ProtocolError = ProtocolError;
export { _ProtocolError as ProtocolError };

export type TimeoutPhase = 'connect' | 'handshake' | 'close' | 'heartbeat';

/** A deadline passed: connecting, the opening handshake, the closing handshake or a heartbeat. */
declare class TimeoutError extends _SocklineError {
  readonly code: 'ERR_SOCKLINE_TIMEOUT';
  readonly phase: TimeoutPhase;
  readonly ms: number;
  constructor(message: string, phase: TimeoutPhase, ms: number);
}
const _TimeoutError: typeof TimeoutError = /* @__PURE__ */ named(
  class TimeoutError extends (_SocklineError as Base<_TimeoutError>) {
    constructor(message: string, phase: TimeoutPhase, ms: number) {
      super(message, 'ERR_SOCKLINE_TIMEOUT');
      this.phase = phase;
      this.ms = ms;
    }
  },
  'TimeoutError',
);
type _TimeoutError = TimeoutError;
export { _TimeoutError as TimeoutError };

/** `send()` while not open found the queue full (or, open, the write buffer at `maxBufferedAmount`). The message was not queued and is attached here. */
declare class QueueOverflowError extends _SocklineError {
  readonly code: 'ERR_SOCKLINE_QUEUE_OVERFLOW';
  /** The queue's `maxMessages`/`maxBytes`, or `maxBufferedAmount`: the open link's write buffer was full. */
  readonly limit: 'maxMessages' | 'maxBytes' | 'maxBufferedAmount';
  readonly data: unknown;
  constructor(message: string, limit: 'maxMessages' | 'maxBytes' | 'maxBufferedAmount', data: unknown);
}
const _QueueOverflowError: typeof QueueOverflowError = /* @__PURE__ */ named(
  class QueueOverflowError extends (_SocklineError as Base<_QueueOverflowError>) {
    constructor(message: string, limit: 'maxMessages' | 'maxBytes' | 'maxBufferedAmount', data: unknown) {
      super(message, 'ERR_SOCKLINE_QUEUE_OVERFLOW');
      this.limit = limit;
      this.data = data;
    }
  },
  'QueueOverflowError',
);
type _QueueOverflowError = QueueOverflowError;
export { _QueueOverflowError as QueueOverflowError };

/** The connection closed before a message could be handed to the network. */
declare class ConnectionClosedError extends _SocklineError {
  readonly code: 'ERR_SOCKLINE_CONNECTION_CLOSED';
  readonly closeCode: number;
  readonly reason: string;
  readonly wasClean: boolean;
  constructor(message: string, closeCode: number, reason: string, wasClean: boolean, cause?: unknown);
}
const _ConnectionClosedError: typeof ConnectionClosedError = /* @__PURE__ */ named(
  class ConnectionClosedError extends (_SocklineError as Base<_ConnectionClosedError>) {
    constructor(message: string, closeCode: number, reason: string, wasClean: boolean, cause?: unknown) {
      super(message, 'ERR_SOCKLINE_CONNECTION_CLOSED', { cause });
      this.closeCode = closeCode;
      this.reason = reason;
      this.wasClean = wasClean;
    }
  },
  'ConnectionClosedError',
);
type _ConnectionClosedError = ConnectionClosedError;
export { _ConnectionClosedError as ConnectionClosedError };

/**
 * What a `NetworkError` knows about its cause, when it knows (Node):
 * - `tls-not-tls`: a `wss:` URL reached a server that does not speak TLS (usually a `ws:` server);
 * - `tls-certificate`: the server's certificate failed verification (unknown CA, self-signed, expired,
 *   wrong host name).
 * Both (every `tls-` reason) fail the same way on every attempt, so the default policy does not retry them.
 */
export type NetworkFailure = 'tls-not-tls' | 'tls-certificate';

/** The TCP/TLS connection could not be made or broke (refused, DNS, TLS, reset). `cause` holds the system error. */
declare class NetworkError extends _SocklineError {
  readonly code: 'ERR_SOCKLINE_NETWORK';
  /** The classified cause, when known (see {@link NetworkFailure}); `undefined` for other failures. */
  readonly reason: NetworkFailure | undefined;
  constructor(message: string, cause?: unknown, reason?: NetworkFailure);
}
const _NetworkError: typeof NetworkError = /* @__PURE__ */ named(
  class NetworkError extends (_SocklineError as Base<_NetworkError>) {
    constructor(message: string, cause?: unknown, reason?: NetworkFailure) {
      super(message, 'ERR_SOCKLINE_NETWORK', { cause });
      this.reason = reason;
    }
  },
  'NetworkError',
);
type _NetworkError = NetworkError;
export { _NetworkError as NetworkError };

/** The operation was cancelled through an `AbortSignal`. */
declare class AbortError extends _SocklineError {
  readonly code: 'ERR_SOCKLINE_ABORTED';
  constructor(message: string, cause?: unknown);
}
const _AbortError: typeof AbortError = /* @__PURE__ */ named(
  class AbortError extends (_SocklineError as Base<_AbortError>) {
    constructor(message: string, cause?: unknown) {
      super(message, 'ERR_SOCKLINE_ABORTED', { cause });
    }
  },
  'AbortError',
);
type _AbortError = AbortError;
export { _AbortError as AbortError };

/**
 * A function the app gave us threw: an option callback (`reconnect.shouldReconnect`, `reconnect.random`,
 * `heartbeat.isPong`) or an event listener. `source` names it, `cause` holds what it threw. The Socket carries
 * on as documented for that callback (README "Errors").
 */
declare class CallbackError extends _SocklineError {
  readonly code: 'ERR_SOCKLINE_CALLBACK';
  /** Which callback threw, e.g. `reconnect.random` or `a 'message' listener`. */
  readonly source: string;
  constructor(source: string, cause: unknown);
}
const _CallbackError: typeof CallbackError = /* @__PURE__ */ named(
  class CallbackError extends (_SocklineError as Base<_CallbackError>) {
    constructor(source: string, cause: unknown) {
      super(`${source} threw: ${describeThrown(cause)}`, 'ERR_SOCKLINE_CALLBACK', { cause });
      this.source = source;
    }
  },
  'CallbackError',
);
type _CallbackError = CallbackError;
export { _CallbackError as CallbackError };

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
