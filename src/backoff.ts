/**
 * The reconnection policy as pure functions: how long to wait before a retry, whether to retry at all,
 * and what a `Retry-After` header asks for. No timers, no state: the Socket calls these.
 */
import { HandshakeError } from './errors.js';
import type { CloseInfo } from './transport.js';

/** The shape of the backoff (see {@link nextDelay}). */
export interface BackoffPolicy {
  minDelay: number;
  maxDelay: number;
  factor: number;
}

/** What `shouldReconnect` is asked about. */
export interface ReconnectContext {
  /** How the connection or the attempt ended; `error` says why when it failed. */
  lastClose: CloseInfo;
  /** Number of the retry that would follow (1 for the first retry in a row). */
  attempt: number;
  /** True when a link that had opened was lost; false when an attempt failed before opening. */
  wasOpen: boolean;
  /** True once the Socket has opened at least once (any earlier link). */
  everOpened?: boolean;
  /**
   * True where the runtime hides why an attempt failed (browsers: refused, DNS, TLS, a `403` and a wrong subprotocol
   * are all the same `NetworkError`, the cause only in the browser console).
   */
  causeHidden?: boolean;
}

/**
 * issue 11 item 6: failed attempts in a row, before the Socket ever opened, after which the default policy stops
 * retrying a `NetworkError` whose cause the runtime hides (browsers). ~2 minutes with the default backoff.
 */
export const BLIND_FIRST_OPEN_LIMIT = 10;

/**
 * Delay in ms before retry number `attempt` (1-based), with full jitter: uniform in
 * `[minDelay, min(maxDelay, minDelay * factor ** attempt)]`, so every delay is randomised
 * (a fleet of clients never reconnects in lockstep) and the window doubles (with `factor` 2) per retry.
 *
 * With `retryAfter` (ms, from a 429/503 `Retry-After`) the window starts at the server's delay instead:
 * `[min(maxDelay, max(minDelay, retryAfter)), min(maxDelay, max(upper, lower * factor))]`. When the server
 * asks for `maxDelay` or more, the delay is capped and jittered in `[max(minDelay, maxDelay / factor), maxDelay]`.
 *
 * @param random returns a number in [0, 1) (`Math.random` by default; inject one in tests).
 */
export function nextDelay(attempt: number, policy: BackoffPolicy, random: () => number, retryAfter?: number): number {
  const { minDelay, maxDelay, factor } = policy;
  let lower = minDelay;
  // `|| 0`: with minDelay 0, 0 * Infinity (a huge factor ** attempt) would be NaN.
  let upper = Math.min(maxDelay, minDelay * factor ** attempt) || 0;
  if (retryAfter !== undefined) {
    lower = Math.min(maxDelay, Math.max(lower, retryAfter));
    upper = Math.min(maxDelay, Math.max(upper, lower * factor));
    if (lower === upper) lower = Math.max(minDelay, upper / factor);
  }
  return clampDelay(Math.round(lower + random() * (upper - lower)), minDelay, maxDelay);
}

/**
 * Every retry delay ends in `[minDelay, maxDelay]`, whatever `random` returned (issue 9: `NaN` set no timer at all,
 * `-100` retried in a tight loop, `1e12` overflowed `setTimeout` into 1 ms): a non-finite value counts as `minDelay`.
 */
export function clampDelay(delay: number, minDelay: number, maxDelay: number): number {
  if (!Number.isFinite(delay)) return minDelay;
  return Math.min(maxDelay, Math.max(minDelay, delay));
}

/**
 * Milliseconds a `Retry-After` value asks to wait: delay-seconds (`"120"`) or an HTTP-date
 * (RFC 9110 §10.2.3). `undefined` when absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The `Retry-After` of a 429/503 handshake rejection, in ms. */
export function retryAfterOf(info: CloseInfo | undefined, now: number): number | undefined {
  const error = info?.error;
  return error instanceof HandshakeError && (error.status === 429 || error.status === 503)
    ? parseRetryAfter(error.headers?.['retry-after'], now)
    : undefined;
}

/**
 * Close codes after which retrying would only repeat the refusal:
 * 1000 the server is done with us; 1002 protocol error, 1003 unsupported data, 1007 invalid payload,
 * 1008 policy violation, 1009 message too big, 1010 missing extension: the same client would do it again;
 * 1015 TLS failure; 3000 Unauthorized and 3003 Forbidden (IANA registry): credentials will not change by themselves.
 * Everything else (1001 going away, 1005 no code, 1006 abnormal, 1011 server error, 1012 restart,
 * 1013 try again later, 1014 bad gateway, other application codes) is worth a retry.
 */
const FINAL_CODES = [1000, 1002, 1003, 1007, 1008, 1009, 1010, 1015, 3000, 3003];

/**
 * networks: a proxy failure without an HTTP status (SOCKS, or a proxy that hung up or sent garbage mid-answer) is
 * final when it is about credentials, the proxy's rule set, something unsupported, identd or an unknown reply
 * (`no-acceptable-auth`, `auth-failed`, `not-allowed`, `*-not-supported`, `identd-*`, `unknown-reply`), and worth a
 * retry otherwise (`closed`, `malformed`, `general-failure`, `*-unreachable`, `connection-refused`, `ttl-expired`,
 * `rejected`). A pattern rather than a list: this function is in every browser bundle.
 */
const FINAL_PROXY = /auth|allowed|supported|identd|unknown/;

/**
 * The default `shouldReconnect`: retry what may work next time, stop on what will repeat.
 *
 * - Failed attempts: `NetworkError` (refused, DNS, TLS, reset) and `TimeoutError` → retry; but where the runtime
 *   hides the cause (`causeHidden`, browsers), a `NetworkError` before the first open stops after
 *   {@link BLIND_FIRST_OPEN_LIMIT} failures in a row.
 * - `HandshakeError`: status 5xx, 429 and 408 → retry; other statuses (400, 401, 403, 404, …) → stop;
 *   `malformed` (the connection ended mid-response) → retry; `proxy`: by the proxy's status like the server's
 *   (407/403 stop, 502/503/504 retry), or without one (SOCKS, a proxy that hung up) by `proxyFailure`
 *   (`closed`, unreachable, refused → retry; authentication, rule set → stop); a response that broke the protocol
 *   (`accept`, `subprotocol`, `extension`, `upgrade`, `connection`, `headers-too-large`) → stop.
 * - `ProtocolError`: decided by the close code we sent (1002, 1007, 1009… → stop).
 * - Any other error (invalid argument, no WebSocket in this runtime, …) → stop.
 * - Otherwise by the server's close code: see {@link FINAL_CODES}.
 *
 * Compose it to change one decision, e.g. also reconnect after a 1000 from the server:
 * `shouldReconnect: (ctx) => ctx.lastClose.code === 1000 || defaultShouldReconnect(ctx)`.
 *
 * Every entry (Node, browsers, React Native) exports this same function. The browser and React Native Socket's
 * default is {@link nativeShouldReconnect} (issue 16: fewer bytes), which decides the same for every error their
 * native WebSocket build can produce; composing with this one there changes no decision.
 */
export function defaultShouldReconnect({ lastClose, attempt, everOpened, causeHidden }: ReconnectContext): boolean {
  // Told apart by `code`, not `instanceof`, so that a browser bundle does not carry the Node-only error classes.
  // (Both classes have a `reason`, of different types: spelled out rather than intersected.)
  const error = lastClose.error as
    | { code?: string; status?: number; reason?: string; closeCode?: number; proxyFailure?: string }
    | undefined;
  const code = error?.code;
  if (code === 'ERR_SOCKLINE_HANDSHAKE') {
    const { status = 0, reason } = error!;
    // networks: a SOCKS refusal or a proxy that hung up mid-answer has no status: decided by what the proxy said.
    return reason === 'status' || (reason === 'proxy' && status)
      ? status >= 500 || status === 429 || status === 408
      : reason === 'malformed' || (reason === 'proxy' && !FINAL_PROXY.test(error!.proxyFailure!));
  }
  // A TLS mismatch (`tls-certificate`: the certificate failed verification; `tls-not-tls`: a wss: URL on a plain
  // port) fails the same way on every attempt until someone fixes a configuration. A TimeoutError has no `reason`.
  // issue 11 item 6: where the cause is hidden, a Socket that never opened stops after BLIND_FIRST_OPEN_LIMIT such
  // failures in a row: a wrong subprotocol or a refused upgrade would otherwise be retried forever (Node: final).
  if (code === 'ERR_SOCKLINE_NETWORK' && causeHidden && !everOpened && attempt >= BLIND_FIRST_OPEN_LIMIT) return false;
  if (code === 'ERR_SOCKLINE_NETWORK' || code === 'ERR_SOCKLINE_TIMEOUT') return !error!.reason?.startsWith('tls-');
  if (error && code !== 'ERR_SOCKLINE_PROTOCOL') return false;
  return !FINAL_CODES.includes(error ? error.closeCode! : lastClose.code);
}

/**
 * issue 16: the default `shouldReconnect` of the native-WebSocket runtimes (browsers, Deno, workers, React Native;
 * `DEFAULTS`), {@link defaultShouldReconnect} without the branches for errors only the Node build produces: a
 * `HandshakeError` there is always reason `'status'` (handshake-error-from-event.ts, Deno and workerd), a
 * `NetworkError` or `TimeoutError` has no `tls-*` reason, there is no proxy and no `ProtocolError`.
 * For every error those runtimes produce it decides as `defaultShouldReconnect` does (test/socket/backoff.test.ts).
 */
export function nativeShouldReconnect({ lastClose, attempt, everOpened, causeHidden }: ReconnectContext): boolean {
  const error = lastClose.error as { code?: string; status?: number } | undefined;
  const code = error?.code;
  if (code === 'ERR_SOCKLINE_HANDSHAKE') {
    const status = error!.status!;
    return status >= 500 || status === 429 || status === 408;
  }
  if (code === 'ERR_SOCKLINE_NETWORK') return !causeHidden || everOpened || attempt < BLIND_FIRST_OPEN_LIMIT;
  return code === 'ERR_SOCKLINE_TIMEOUT' || (!error && !FINAL_CODES.includes(lastClose.code));
}
