/**
 * Socket options shared by every runtime: the public types, the frozen DEFAULTS and `normalize()`, which
 * validates every field once, at construction, and returns options with every field set. Options only one
 * runtime has are that runtime's (`Runtime.options`): the Node ones live in `node/node-options.ts`.
 * Nothing else reads user options.
 */
import { nativeShouldReconnect, type ReconnectContext } from './backoff.js';
import { brief, DEV } from './dev.js';
import { InvalidArgumentError } from './errors.js';
import type { NodeSocketOptions } from './node/node-options.js';
import { formatValue } from './protocol/format.js';
import { TOKEN } from './protocol/http-grammar.js';
import { checkUserinfo } from './request-checks.js';
import type { Runtime } from './runtime.js';
import type { DebugHook, Logger } from './report.js';
import { HEARTBEAT, type HeartbeatModule } from './heartbeat-module.js';

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

/**
 * The open link's write buffer (`bufferedAmount`), so that a peer that does not read cannot make it grow without
 * bound (README "Send contract").
 */
export interface WriteBufferOptions {
  /** Above this many bytes, `drain` will be emitted once the buffer falls under `lowWaterMark`. @default 1048576 (1 MiB) */
  highWaterMark?: number;
  /** `drain` is emitted when the buffer falls under this, after having been above `highWaterMark`. @default 262144 (256 KiB) */
  lowWaterMark?: number;
  /**
   * Hard cap: while this many bytes or more wait to be sent, `send()` refuses with `QueueOverflowError` (limit
   * `maxBufferedAmount`) and `drop`. Below it any message is accepted, even one larger than the cap.
   * `Infinity` disables it. @default 67108864 (64 MiB)
   */
  maxBufferedAmount?: number;
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

/**
 * Everything a `Socket` accepts. The Node-only options (`headers`, `origin`, `maxPayload`, `handshakeTimeout`,
 * `closeTimeout`, `tls`, `proxy`, `noDelay`) are declared in `NodeSocketOptions`; browsers refuse them.
 */
export interface SocketOptions extends NodeSocketOptions {
  /** Subprotocols to offer (validated as RFC 6455 tokens, unique), or a provider. @default [] */
  protocols?: Provider<string | string[]>;
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
  /** The open link's write buffer: high/low-water marks for `drain` and a hard cap. See {@link WriteBufferOptions}. */
  writeBuffer?: WriteBufferOptions;
  /**
   * Dead-link detection. Node default: protocol pings every 30 s, 10 s to answer. Browsers have no ping
   * API, so there the default is `false` and enabling it requires `message`. @default node: true, browser: false
   */
  heartbeat?: boolean | HeartbeatOptions;
  /** Aborting cancels a pending attempt or a scheduled retry and closes an open link; final `close` carries an `AbortError`. */
  signal?: AbortSignal;
  /**
   * Where the Socket writes: an `error` no listener hears is reported once per Socket with `warn`; the `debug` log
   * goes to `debug` (`warn` when absent). `false` writes nothing. @default console
   */
  logger?: Logger | false;
  /**
   * Log every state change, attempt, delay and handshake detail to `logger` (never header values, query strings or
   * payloads). Node: also switched on by `DEBUG=sockline` or `NODE_DEBUG=sockline`; `false` overrides them. @default false
   */
  debug?: boolean;
}

export interface NormalizedHeartbeat {
  interval: number;
  timeout: number;
  message: string | Uint8Array | undefined;
  isPong: ((data: string | Uint8Array) => boolean) | undefined;
}

/** `SocketOptions` after validation: every field set, providers kept as functions; the runtime's own settings beside them. */
export type NormalizedOptions<S extends object = object> = CommonOptions & S;

/** The options every runtime has, after validation. */
export interface CommonOptions {
  protocols: Provider<string[]>;
  fragmentSize: number;
  connectionTimeout: number;
  reconnect: Required<ReconnectOptions> | false;
  queue: Required<QueueOptions> | false;
  writeBuffer: Required<WriteBufferOptions>;
  /** With `start`, from the heartbeat module (src/heartbeat.ts) that validated it. */
  heartbeat: (NormalizedHeartbeat & { start: HeartbeatModule['start'] }) | false;
  signal: AbortSignal | undefined;
  logger: Logger | false;
  /** The `debug` log, when on. */
  log: DebugHook | undefined;
}

const MiB = 1024 * 1024;
/** setTimeout fires at once for delays above 2^31-1 ms, so no timer option may exceed it. */
export const MAX_TIMER = 2 ** 31 - 1;

/**
 * Every default of the shared options in one place (the Node ones: `NODE_DEFAULTS`). The sections stay frozen:
 * unfrozen (−16 B gzip in browsers) they cost ~220 B more heap per Node connection (bench/heap-count.mjs: V8 then
 * gives each Socket's normalized options their own descriptor array), as spreading the merged top level into the
 * normalized object did (~400 B): thousands of idle connections matter more than those bytes.
 */
export const DEFAULTS = Object.freeze({
  protocols: Object.freeze([]) as readonly string[],
  fragmentSize: 0,
  connectionTimeout: 15_000,
  reconnect: Object.freeze({
    minDelay: 1_000,
    maxDelay: 30_000,
    factor: 2,
    maxRetries: Infinity,
    minUptime: 5_000,
    // The native-WebSocket runtimes' policy; Node's runtime has its own `reconnect` with defaultShouldReconnect.
    shouldReconnect: nativeShouldReconnect as (context: ReconnectContext) => boolean,
    random: Math.random,
  }),
  queue: Object.freeze({ maxMessages: 1_000, maxBytes: 4 * MiB }),
  writeBuffer: Object.freeze({ highWaterMark: MiB, lowWaterMark: 256 * 1024, maxBufferedAmount: 64 * MiB }),
  heartbeat: Object.freeze({ interval: 30_000, timeout: 10_000, message: undefined, isPong: undefined }),
  signal: undefined,
  logger: undefined,
  debug: undefined,
});

/** A number option's `[min, max, integer?]`. */
type Rule = readonly [min: number | string, max: number | string, integer?: 1];
const TIMER: Rule = [0, MAX_TIMER];
const COUNT: Rule = [1, Infinity, 1];
const BYTES: Rule = [0, Number.MAX_SAFE_INTEGER, 1];
const BEAT: Rule = [1, MAX_TIMER];

/**
 * How every number option is checked, by section ('' for the top level) and position: rule `i` is that of key `i` of
 * the section's `DEFAULTS` (the number options come first, but for `protocols`), so no key is spelled twice; they are
 * checked in that order (the first invalid one is reported). `reconnect.maxDelay` may not be below
 * `reconnect.minDelay`, `writeBuffer.lowWaterMark` not above `highWaterMark`, `maxBufferedAmount` not below it (each
 * checked just after). An option whose default is a function must be a function (`merge`, development build only).
 * The other options (objects, strings, the heartbeat message, the signal) are checked by `normalize`.
 */
const RULES: Record<string, readonly (Rule | undefined)[]> = {
  // protocols (no number: undefined, not a hole, which a polluted Object.prototype[0] would fill), fragmentSize,
  // connectionTimeout
  '': [undefined, [0, Infinity, 1], TIMER],
  // minDelay, maxDelay, factor, maxRetries, minUptime
  reconnect: [TIMER, ['minDelay', MAX_TIMER], [1, 1e6], [0, Infinity, 1], [0, Infinity]],
  // maxMessages, maxBytes
  queue: [COUNT, COUNT],
  // highWaterMark, lowWaterMark, maxBufferedAmount
  writeBuffer: [BYTES, [0, 'highWaterMark', 1], ['highWaterMark', Infinity, 1]],
  // interval, timeout
  heartbeat: [BEAT, BEAT],
};

export function invalid(name: string, value: unknown, allowed: string): never {
  throw new InvalidArgumentError(
    DEV ? `Invalid option ${name}: ${formatValue(value)} (expected ${allowed})` : brief('Invalid option ' + name, 'options'),
  );
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Check `value` is a number in [min, max] (an integer if `integer`) and return it. */
export function number(name: string, value: unknown, min: number, max: number, integer?: unknown): number {
  if (
    typeof value !== 'number' ||
    !(value >= min && value <= max) ||
    (integer && value !== Infinity && !Number.isInteger(value))
  ) {
    invalid(
      name,
      value,
      DEV ? `${integer ? 'an integer' : 'a number'} ${max === Infinity ? `>= ${min}` : `from ${min} to ${max}`}` : '',
    );
  }
  return value;
}

/**
 * The heartbeat's settings, by the module that implements it (src/heartbeat.ts): the one `heartbeat()` attached to the
 * options, else the runtime's own (Node). Without either (a browser build where the app did not import
 * 'sockline/heartbeat') any heartbeat but `false`/`undefined` is refused: a heartbeat that silently never runs is
 * worse than an error. Without protocol pings (browsers) the heartbeat is off unless asked for (with a message).
 */
function heartbeatOf(value: unknown, runtime: Runtime): (NormalizedHeartbeat & { start: HeartbeatModule['start'] }) | false {
  const module = (value as { [HEARTBEAT]?: HeartbeatModule } | undefined)?.[HEARTBEAT] ?? runtime.heartbeat;
  if (value === false || (value === undefined && !runtime.canPing)) return false;
  if (!module) {
    throw new InvalidArgumentError(
      DEV
        ? "Invalid option heartbeat: this build has no heartbeat unless you import it: heartbeat: heartbeat({ message, interval }) with import { heartbeat } from 'sockline/heartbeat'"
        : brief("Invalid option heartbeat: use heartbeat() from 'sockline/heartbeat'", 'heartbeat'),
    );
  }
  const settings = module.options(value, runtime.canPing);
  return settings && { ...settings, start: module.start };
}

/**
 * A section of the options ('' for the top level, which `normalize` has checked is an object): `false` off,
 * `true`/absent the defaults, an object merged over them and checked, in one pass: its own keys (`constructor`,
 * `toString` or a JSON `__proto__` key are not options, issue 9 item 19) over the defaults, `undefined` meaning "the
 * default"; then its numbers against {@link RULES}. A key not in `defaults` nor in `others` (the runtime's own options,
 * checked by `runtime.options`) is a typo the development build refuses; production ignores it (the default applies).
 */
export function merge<T extends object>(name: string, value: unknown, defaults: T, others: readonly string[] = []): T | false {
  if (value === false) return false;
  // `normalize` spreads DEFAULTS first, so an option not given arrives as the default object itself: shared, not
  // copied (a copy per Socket cost 56 B each for queue, writeBuffer and heartbeat).
  if (value === true || value === undefined || value === defaults) return defaults;
  if (!isObject(value)) return invalid(name, value, 'true, false or an object');
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  const keys = Object.keys(defaults);
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      if (!DEV || others.includes(key)) continue;
      throw new InvalidArgumentError(`Unknown option ${name && name + '.'}${key} (known: ${keys.concat(others).join(', ')})`);
    }
    if (value[key] !== undefined) merged[key] = value[key];
  }
  // A bound that is a name is that option's value; a number is never looked up (`merged[0]` would read a polluted
  // Object.prototype).
  const bound = (b: number | string): number => (typeof b === 'string' ? (merged[b] as number) : b);
  RULES[name].forEach((rule, i) => {
    const key = keys[i];
    if (rule) number(name ? name + '.' + key : key, merged[key], bound(rule[0]), bound(rule[1]), rule[2]);
  });
  // A callback of another type is a programming mistake (TypeScript catches it); in production it fails when called,
  // as a CallbackError (the Socket's callbacks are all guarded).
  if (DEV) {
    for (const key in defaults) {
      if (typeof defaults[key] === 'function' && typeof merged[key] !== 'function')
        invalid(`${name}.${key}`, merged[key], 'a function');
    }
  }
  return merged as T;
}

/**
 * Subprotocols from a string or an array, validated. RFC 6455 §4.1: subprotocols are non-empty, unique strings of
 * U+0021-U+007E without HTTP separators, i.e. RFC 7230 tokens. Duplicates are compared case-insensitively, as the
 * WHATWG constructor does (WPT `Create-protocols-repeated-case-insensitive`), so Node and browsers refuse the same lists.
 */
export function toProtocols(value: unknown): string[] {
  const list =
    typeof value === 'string'
      ? [value]
      : Array.isArray(value)
        ? [...value]
        : invalid('protocols', value, 'a string, an array of strings or a function');
  const seen = new Set<string>();
  for (const protocol of list) {
    if (typeof protocol !== 'string' || !TOKEN.test(protocol)) {
      throw new InvalidArgumentError(
        DEV
          ? `Invalid subprotocol ${formatValue(protocol)}: expected a non-empty HTTP token (letters, digits, !#$%&'*+-.^_\`|~)`
          : brief('Invalid subprotocol', 'options'),
      );
    }
    const folded = protocol.toLowerCase();
    if (seen.has(folded)) {
      throw new InvalidArgumentError(
        DEV
          ? `Duplicate subprotocol ${formatValue(protocol)}: offer each once (case-insensitive)`
          : brief('Duplicate subprotocol', 'options'),
      );
    }
    seen.add(folded);
  }
  return list;
}

/** The `logger` option: `console` (default), `false` (nothing is written), or an object with `warn` (and `debug`). */
export const toLogger = (value: unknown): Logger | false =>
  value === undefined
    ? console
    : value === false || typeof (value as Logger | null)?.warn === 'function'
      ? (value as Logger | false)
      : invalid('logger', value, 'false or an object with warn(), e.g. console');

/** A provider option: functions are kept for every attempt, values are checked now. */
export const provider = <T>(value: unknown, check: (value: unknown) => T): Provider<T> =>
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
    throw new InvalidArgumentError(
      DEV ? `Invalid URL ${formatValue(input)}: expected an absolute ws:// or wss:// URL` : brief('Invalid URL', 'api'),
    );
  }
  const shown = redact(url);
  url.protocol = url.protocol.replace(/^http/, 'ws');
  if (!/^wss?:$/.test(url.protocol)) {
    throw new InvalidArgumentError(
      DEV
        ? `Invalid URL ${shown}: the scheme must be ws: or wss: (http: and https: are converted)`
        : brief(`Invalid URL ${shown}: scheme`, 'api'),
    );
  }
  if (url.href.includes('#')) {
    throw new InvalidArgumentError(
      DEV ? `Invalid URL ${shown}#…: WebSocket URLs cannot have a fragment` : brief(`Invalid URL ${shown}#…: fragment`, 'api'),
    );
  }
  // Checked here, not when the request is built inside the socket's 'connect' listener (issue 9 item 2).
  checkUserinfo(url, shown);
  return url;
}

/**
 * `ws://host:port/path` without credentials or query string: error messages end up in logs and
 * telemetry, and tokens are often passed in the query because browsers cannot send headers.
 */
export const redact = (url: URL): string =>
  // `blob:…` and `javascript:…` have no authority: no "//" for them (issue 9 item 19).
  url.protocol + (url.href.startsWith(url.protocol + '//') ? '//' + url.host : '') + url.pathname;

/** Validate `send()`'s options and return the fragment size to use. */
export function sendFragmentSize(options: { fragmentSize?: number } | undefined, fallback: number): number {
  // Options of another type are a programming mistake (TypeScript catches it); production reads them as none.
  if (DEV && options !== undefined && (typeof options !== 'object' || options === null)) {
    invalid('send options', options, 'an object or undefined');
  }
  const size = options?.fragmentSize;
  return size === undefined ? fallback : number('fragmentSize', size, 0, Infinity, true);
}

/**
 * Validate every option and fill in the defaults. Runs once, in the Socket's constructor. The shared
 * options are checked here; `runtime.options` checks (or refuses) the ones only some runtimes have, e.g. the
 * browser throws for the Node-only options instead of ignoring them: a header that silently never reaches
 * the server is worse than an error.
 *
 * @throws InvalidArgumentError naming the option, the value received and what is allowed.
 */
export function normalize<S extends object>(options: SocketOptions, runtime: Runtime<S>): NormalizedOptions<S> {
  if (!isObject(options))
    throw new InvalidArgumentError(
      DEV ? `Invalid options ${formatValue(options)}: expected an object` : brief('Invalid options', 'options'),
    );
  // The runtime's own options are its to check (`runtime.options` below); any other unknown key is refused.
  // The runtime's defaults: DEFAULTS, or Node's with its own reconnect policy (Runtime.defaults).
  const defaults = runtime.defaults;
  const o = merge('', options, defaults, runtime.optionNames) as Record<string, unknown>;
  const reconnect = merge('reconnect', o.reconnect, defaults.reconnect);
  const queue = merge('queue', o.queue, defaults.queue);
  // Always on (`maxBufferedAmount: Infinity` disables the cap): `false` is refused, `true` means the defaults.
  const writeBuffer = merge('writeBuffer', o.writeBuffer, defaults.writeBuffer) || invalid('writeBuffer', false, 'an object');
  const heartbeat = heartbeatOf(options.heartbeat === undefined ? undefined : o.heartbeat, runtime);
  const signal = o.signal as AbortSignal | undefined;
  if (DEV && signal !== undefined && (typeof signal?.addEventListener !== 'function' || typeof signal.aborted !== 'boolean')) {
    invalid('signal', signal, 'an AbortSignal');
  }
  const logger = toLogger(o.logger);
  // Another type is a programming mistake (TypeScript catches it); production reads it as true or false.
  if (DEV && o.debug !== undefined && typeof o.debug !== 'boolean') invalid('debug', o.debug, 'a boolean');
  return {
    logger,
    log: runtime.debug(o.debug as boolean | undefined, logger),
    protocols: provider(o.protocols, toProtocols),
    ...runtime.options(options),
    fragmentSize: o.fragmentSize as number,
    connectionTimeout: o.connectionTimeout as number,
    reconnect,
    queue,
    writeBuffer,
    heartbeat,
    signal,
  };
}
