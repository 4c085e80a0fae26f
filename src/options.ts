/**
 * Socket options: the public types, the frozen DEFAULTS and `normalizeOptions()`, which validates every
 * field once, at construction, and returns options with every field set. Nothing else reads user options.
 */
import { defaultShouldReconnect, retryAfterOf, type ReconnectContext } from './backoff.js';
import { InvalidArgumentError } from './errors.js';
import { DEFAULT_MAX_PAYLOAD } from './protocol/constants.js';
import { validateHeaders } from './protocol/handshake.js';
import type { CloseInfo, TransportOptions } from './transport.js';
import { TOKEN } from './protocol/token.js';
import type { TlsOptions } from './tls-options.js';

/** Which transport the Socket runs on; decides the defaults and which options are allowed. */
export type Runtime = 'node' | 'browser';

/** A value, or a function (sync or async) called before every connection attempt to get a fresh one. */
export type Provider<T> = T | (() => T | Promise<T>);

/** The URL, or a function called before every attempt (e.g. to put a fresh token in the query). */
export type UrlInput = Provider<string | URL>;

export interface ReconnectOptions {
  /** Smallest delay before a retry, in ms. @default 1000 */
  minDelay?: number;
  /** Largest delay before a retry, in ms; also caps a server's `Retry-After`. @default 30000 */
  maxDelay?: number;
  /** Growth of the jitter window per retry (see `nextDelay`). `1` keeps it at `minDelay`. @default 2 */
  factor?: number;
  /** Retries in a row before giving up (the final `close` then carries the last error). @default Infinity */
  maxRetries?: number;
  /** A link must stay up this long (ms) before the retry counter starts again from 0; stops flapping. @default 5000 */
  minUptime?: number;
  /**
   * Whether to retry after a lost link or a failed attempt (not asked after `close()`, nor when a
   * provider failed: those always retry within `maxRetries`). @default defaultShouldReconnect
   */
  shouldReconnect?: (context: ReconnectContext) => boolean;
  /** Source of jitter in [0, 1). @default Math.random */
  random?: () => number;
}

export interface QueueOptions {
  /** Most messages held while not open; one more throws `QueueOverflowError`. @default 1000 */
  maxMessages?: number;
  /** Most bytes (UTF-8 for text) held while not open. @default 4194304 (4 MiB) */
  maxBytes?: number;
}

export interface HeartbeatOptions {
  /**
   * Ms between two probes. At each probe, a silence longer than `interval + timeout` means timers were frozen
   * (sleep) or the link is dead, and the link is dropped at once. Browsers may run background-tab timers only
   * once a minute: keep `interval + timeout` above 60000 there if hidden tabs should stay connected. @default 30000
   */
  interval?: number;
  /** Ms to wait for any inbound data after a probe before the link is declared dead. @default 10000 */
  timeout?: number;
  /**
   * An application-level ping to send instead of a protocol ping (the only kind browsers can send).
   * When set, it is used in every runtime, so Node and browsers behave alike.
   */
  message?: string | Uint8Array;
  /**
   * Recognises the server's reply to `message`; matching messages are swallowed (not emitted as `message`).
   * Without it, replies are delivered like any message; any inbound data counts as a sign of life either way.
   */
  isPong?: (data: string | Uint8Array) => boolean;
}

export interface SocketOptions {
  /** Subprotocols to offer (validated as RFC 6455 tokens, unique), or a provider. @default [] */
  protocols?: Provider<string | string[]>;
  /** Node only: extra request headers, or a provider (e.g. a fresh `Authorization`). @default {} */
  headers?: Provider<Record<string, string>>;
  /** Node only: the `Origin` header. @default undefined (none) */
  origin?: string;
  /** Node only: largest incoming message in bytes; a bigger one closes with 1009. @default 104857600 (100 MiB) */
  maxPayload?: number;
  /** Node only: ms for the HTTP upgrade after TCP/TLS is up; 0 disables. @default 10000 */
  handshakeTimeout?: number;
  /** Node only: ms to wait for the server's Close frame and TCP end after ours; 0 disables. @default 5000 */
  closeTimeout?: number;
  /** Node only: options for `tls.connect` (`ca`, `cert`, `key`, `rejectUnauthorized`, `servername`, …). @default {} */
  tls?: TlsOptions;
  /** Node only: `http://[user:pass@]host:port` of an HTTP CONNECT proxy. @default undefined */
  proxy?: string;
  /** Node only: disable Nagle's algorithm (TCP_NODELAY). @default true */
  noDelay?: boolean;
  /** Split outgoing messages into frames of at most this many bytes; 0 sends one frame. Node only in effect. @default 0 */
  fragmentSize?: number;
  /**
   * Ms for a whole attempt: providers, TCP, TLS and the handshake. A hung attempt is terminated with
   * `TimeoutError` (phase `connect`) and counts as a failed attempt; 0 disables. @default 15000
   */
  connectionTimeout?: number;
  /** `false` never reconnects; `true` or an object reconnects with the given policy. @default true */
  reconnect?: boolean | ReconnectOptions;
  /** `false`: `send()` while not open throws; `true` or an object queues with these bounds. @default true */
  queue?: boolean | QueueOptions;
  /**
   * Dead-link detection. Node default: protocol pings every 30 s, 10 s to answer. Browsers have no ping
   * API, so there the default is `false` and enabling it requires `message`. @default node: true, browser: false
   */
  heartbeat?: boolean | HeartbeatOptions;
  /** Aborting cancels a pending attempt or a scheduled retry and closes an open link; final `close` carries an `AbortError`. */
  signal?: AbortSignal;
}

export interface NormalizedHeartbeat {
  interval: number;
  timeout: number;
  message: string | Uint8Array | undefined;
  isPong: ((data: string | Uint8Array) => boolean) | undefined;
}

/** `SocketOptions` after validation: every field set, providers kept as functions. */
export interface NormalizedOptions {
  protocols: Provider<string[]>;
  headers: Provider<Record<string, string>>;
  /** The static part of what every transport gets. */
  transport: Omit<TransportOptions, 'protocols' | 'headers'>;
  fragmentSize: number;
  connectionTimeout: number;
  reconnect: Required<ReconnectOptions> | false;
  queue: Required<QueueOptions> | false;
  heartbeat: NormalizedHeartbeat | false;
  signal: AbortSignal | undefined;
}

const MiB = 1024 * 1024;
/** setTimeout fires at once for delays above 2^31-1 ms, so no timer option may exceed it. */
const MAX_TIMER = 2 ** 31 - 1;

/** Every default in one place. */
export const DEFAULTS = Object.freeze({
  protocols: Object.freeze([]) as readonly string[],
  headers: Object.freeze({}) as Readonly<Record<string, string>>,
  origin: undefined,
  maxPayload: DEFAULT_MAX_PAYLOAD,
  handshakeTimeout: 10_000,
  closeTimeout: 5_000,
  tls: Object.freeze({}) as Readonly<Record<string, unknown>>,
  proxy: undefined,
  noDelay: true,
  fragmentSize: 0,
  connectionTimeout: 15_000,
  reconnect: Object.freeze({
    minDelay: 1_000,
    maxDelay: 30_000,
    factor: 2,
    maxRetries: Infinity,
    minUptime: 5_000,
    shouldReconnect: defaultShouldReconnect,
    random: Math.random,
  }),
  queue: Object.freeze({ maxMessages: 1_000, maxBytes: 4 * MiB }),
  heartbeat: Object.freeze({ interval: 30_000, timeout: 10_000, message: undefined, isPong: undefined }),
  signal: undefined,
});

/**
 * How every number and function option is checked, by its dotted name: `[min, max, integer?]` for a number,
 * `0` for a function. `reconnect.maxDelay` may not be below `reconnect.minDelay` (checked just before it).
 * The other options (objects, strings, the heartbeat message, the signal) are checked by `normalize`.
 */
const RULES: Record<string, readonly [min: number, max: number, integer?: 1] | 0> = {
  maxPayload: [1, Number.MAX_SAFE_INTEGER, 1],
  handshakeTimeout: [0, MAX_TIMER],
  closeTimeout: [0, MAX_TIMER],
  fragmentSize: [0, Infinity, 1],
  connectionTimeout: [0, MAX_TIMER],
  'reconnect.minDelay': [0, MAX_TIMER],
  'reconnect.maxDelay': [0, MAX_TIMER],
  'reconnect.factor': [1, 1e6],
  'reconnect.maxRetries': [0, Infinity, 1],
  'reconnect.minUptime': [0, Infinity],
  'reconnect.shouldReconnect': 0,
  'reconnect.random': 0,
  'queue.maxMessages': [1, Infinity, 1],
  'queue.maxBytes': [1, Infinity, 1],
  'heartbeat.interval': [1, MAX_TIMER],
  'heartbeat.timeout': [1, MAX_TIMER],
};

/** Options the browser's native WebSocket cannot honour. */
const NODE_ONLY = ['headers', 'origin', 'maxPayload', 'handshakeTimeout', 'closeTimeout', 'tls', 'proxy', 'noDelay'];

/** A value for an error message: strings quoted, functions and objects by kind. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : Object.prototype.toString.call(value);
  return String(value);
}

function invalid(name: string, value: unknown, allowed: string): never {
  throw new InvalidArgumentError(`Invalid option ${name}: ${describe(value)} (expected ${allowed})`);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Check `value` is a number in [min, max] (an integer if `integer`) and return it. */
function number(name: string, value: unknown, min: number, max: number, integer?: unknown): number {
  if (typeof value !== 'number' || !(value >= min && value <= max) || (integer && value !== Infinity && !Number.isInteger(value))) {
    invalid(name, value, `${integer ? 'an integer' : 'a number'} ${max === Infinity ? `>= ${min}` : `from ${min} to ${max}`}`);
  }
  return value;
}

/** Check every number and function in `values` against {@link RULES}. */
function check(prefix: string, values: Record<string, unknown>): void {
  for (const key in values) {
    const name = prefix + key;
    const rule = RULES[name];
    const value = values[key];
    if (rule === 0) {
      if (typeof value !== 'function') invalid(name, value, 'a function');
    } else if (rule) {
      number(name, value, key === 'maxDelay' ? (values.minDelay as number) : rule[0], rule[1], rule[2]);
    }
  }
}

/** A sub-object option: `false` off, `true`/absent the defaults, an object merged over them (unknown keys refused) and checked. */
function merge<T extends object>(name: string, value: unknown, defaults: T): T | false {
  if (value === false) return false;
  if (value === true || value === undefined) return defaults;
  if (!isObject(value)) return invalid(name, value, 'true, false or an object');
  const merged = { ...defaults, ...known(name + '.', value, defaults) };
  check(name + '.', merged);
  return merged;
}

/** `value`'s entries, refusing keys not in `defaults` (typos would otherwise be ignored); `undefined` means "the default". */
function known(prefix: string, value: Record<string, unknown>, defaults: object): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (!(key in defaults)) {
      throw new InvalidArgumentError(`Unknown option ${prefix}${key} (known: ${Object.keys(defaults).join(', ')})`);
    }
    if (value[key] !== undefined) result[key] = value[key];
  }
  return result;
}

/**
 * Subprotocols from a string or an array, validated. RFC 6455 §4.1: subprotocols are non-empty, unique strings of
 * U+0021-U+007E without HTTP separators, i.e. RFC 7230 tokens. Duplicates are compared case-insensitively, as the
 * WHATWG constructor does (WPT `Create-protocols-repeated-case-insensitive`), so Node and browsers refuse the same lists.
 */
export function toProtocols(value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? [...value] : invalid('protocols', value, 'a string, an array of strings or a function');
  const seen = new Set<string>();
  for (const protocol of list) {
    if (typeof protocol !== 'string' || !TOKEN.test(protocol)) {
      throw new InvalidArgumentError(`Invalid subprotocol ${describe(protocol)}: expected a non-empty HTTP token (letters, digits, !#$%&'*+-.^_\`|~)`);
    }
    const folded = protocol.toLowerCase();
    if (seen.has(folded)) throw new InvalidArgumentError(`Duplicate subprotocol ${describe(protocol)}: offer each once (case-insensitive)`);
    seen.add(folded);
  }
  return list;
}

/** Node only: request headers, copied and validated. */
export function toHeaders(value: unknown): Record<string, string> {
  if (!isObject(value)) invalid('headers', value, 'an object of name → value or a function');
  const headers = { ...(value as Record<string, string>) };
  validateHeaders(headers);
  return headers;
}

/** A provider option: functions are kept for every attempt, values are checked now. */
const provider = <T>(value: unknown, check: (value: unknown) => T): Provider<T> =>
  typeof value === 'function' ? (value as () => T) : check(value);

/**
 * The URL to connect to. `ws:` and `wss:` as given; `http:` and `https:` become `ws:` and `wss:` (as the
 * WHATWG WebSocket constructor does); a relative URL resolves against `location` where there is one.
 * Fragments are refused (WHATWG does too: they are never sent).
 *
 * @throws InvalidArgumentError naming the URL (without its query, which often holds a token) and what is allowed.
 */
export function toWebSocketUrl(input: unknown): URL {
  let url: URL;
  try {
    url = new URL(input as string, (globalThis as { location?: { href: string } }).location?.href);
  } catch {
    throw new InvalidArgumentError(`Invalid URL ${describe(input)}: expected an absolute ws:// or wss:// URL`);
  }
  const shown = redact(url);
  url.protocol = url.protocol.replace(/^http/, 'ws');
  if (!/^wss?:$/.test(url.protocol)) {
    throw new InvalidArgumentError(`Invalid URL ${shown}: the scheme must be ws: or wss: (http: and https: are converted)`);
  }
  if (url.href.includes('#')) {
    throw new InvalidArgumentError(`Invalid URL ${shown}#…: WebSocket URLs cannot have a fragment`);
  }
  return url;
}

/**
 * `ws://host:port/path` without credentials or query string: error messages end up in logs and
 * telemetry, and tokens are often passed in the query because browsers cannot send headers.
 */
export const redact = (url: URL): string => url.protocol + '//' + url.host + url.pathname;

/** Validate `send()`'s options and return the fragment size to use. */
export function sendFragmentSize(options: { fragmentSize?: number } | undefined, fallback: number): number {
  if (options === undefined || options.fragmentSize === undefined) return fallback;
  return number('fragmentSize', options.fragmentSize, 0, Infinity, true);
}

/**
 * What only the Node build validates and uses: the transport's options and the request headers. The Node
 * entry passes this to the facade; the browser entry does not, so none of it (nor the handshake's header
 * rules) is in a browser bundle.
 */
export interface NodeOptions {
  /** Validate the Node-only options and return the static part of every transport's options. */
  transport(o: Required<SocketOptions>): NormalizedOptions['transport'];
  /** Validate (a copy of) the request headers; also run on every value a headers provider returns. */
  headers(value: unknown): Record<string, string>;
  /** Ms a rejected handshake asked to wait (429/503 `Retry-After`); browsers never see the response. */
  retryAfter(info: CloseInfo): number | undefined;
}

export const NODE_OPTIONS: NodeOptions = {
  transport(o) {
    if (o.origin !== undefined && typeof o.origin !== 'string') invalid('origin', o.origin, 'a string');
    if (o.proxy !== undefined) {
      let scheme: string | undefined;
      try {
        scheme = new URL(o.proxy).protocol;
      } catch {
        // reported below
      }
      if (scheme !== 'http:') invalid('proxy', o.proxy, 'an http://host:port URL');
    }
    if (!isObject(o.tls)) invalid('tls', o.tls, 'an object of tls.connect options');
    if (typeof o.noDelay !== 'boolean') invalid('noDelay', o.noDelay, 'true or false');
    return {
      origin: o.origin,
      maxPayload: o.maxPayload,
      handshakeTimeout: o.handshakeTimeout,
      closeTimeout: o.closeTimeout,
      tls: { ...o.tls },
      proxy: o.proxy,
      noDelay: o.noDelay,
    };
  },
  headers: toHeaders,
  retryAfter: (info) => retryAfterOf(info, Date.now()),
};

/** `normalize` for a runtime: the Node options are validated on Node and refused in browsers. */
export function normalizeOptions(options: SocketOptions, runtime: Runtime): NormalizedOptions {
  return normalize(options, runtime === 'node' ? NODE_OPTIONS : undefined);
}

/**
 * Validate every option and fill in the defaults. Runs once, in the Socket's constructor.
 *
 * Without `node` (the browser build), the Node-only options (headers, origin, maxPayload, handshakeTimeout,
 * closeTimeout, tls, proxy, noDelay) throw instead of being ignored: a header that silently never reaches the
 * server is worse than an error.
 *
 * @throws InvalidArgumentError naming the option, the value received and what is allowed.
 */
export function normalize(options: SocketOptions, node: NodeOptions | undefined): NormalizedOptions {
  if (!isObject(options)) throw new InvalidArgumentError(`Invalid options ${describe(options)}: expected an object`);
  const o = { ...DEFAULTS, ...known('', options, DEFAULTS) } as Record<string, any>;
  if (!node) {
    for (const name of NODE_ONLY) {
      if (options[name as keyof SocketOptions] !== undefined) {
        throw new InvalidArgumentError(
          `Option ${name} is not supported in browsers: the native WebSocket cannot apply it (Node build only)`,
        );
      }
    }
    // Browsers cannot send protocol pings, so there the heartbeat is off unless asked for (with a message).
    if (options.heartbeat === undefined) o.heartbeat = false;
  }
  check('', o);
  const reconnect = merge('reconnect', o.reconnect, DEFAULTS.reconnect);
  const queue = merge('queue', o.queue, DEFAULTS.queue);
  const heartbeat = merge('heartbeat', o.heartbeat, DEFAULTS.heartbeat) as NormalizedHeartbeat | false;
  if (heartbeat) {
    const { message, isPong } = heartbeat as { message: unknown; isPong: unknown };
    if (message !== undefined && typeof message !== 'string' && !(message instanceof Uint8Array)) {
      invalid('heartbeat.message', message, 'a string or a Uint8Array');
    }
    if (isPong !== undefined && typeof isPong !== 'function') invalid('heartbeat.isPong', isPong, 'a function');
    if (message === undefined && (isPong || !node)) {
      throw new InvalidArgumentError(
        `Invalid option heartbeat: ${isPong ? 'isPong needs' : 'browsers have no ping API, so it needs'} heartbeat.message`,
      );
    }
  }
  const signal = o.signal;
  if (signal !== undefined && (typeof signal?.addEventListener !== 'function' || typeof signal.aborted !== 'boolean')) {
    invalid('signal', signal, 'an AbortSignal');
  }
  return {
    protocols: provider(o.protocols, toProtocols),
    headers: node ? provider(o.headers, node.headers) : {},
    transport: node ? node.transport(o as Required<SocketOptions>) : ({} as NormalizedOptions['transport']),
    fragmentSize: o.fragmentSize,
    connectionTimeout: o.connectionTimeout,
    reconnect,
    queue,
    heartbeat,
    signal,
  };
}
