import { describe, expect, it } from 'vitest';
import { defaultShouldReconnect } from '../../src/backoff.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { browserRuntime } from '../../src/browser/runtime.js';
import { NODE_DEFAULTS, NODE_OPTION_NAMES } from '../../src/node/node-options.js';
import { nodeRuntime } from '../../src/node/runtime.js';
import { heartbeat, heartbeatModule } from '../../src/heartbeat.js';
import { DEFAULTS, normalize, toWebSocketUrl, type SocketOptions } from '../../src/options.js';
import type { Runtime } from '../../src/runtime.js';
import { SocketCore } from '../../src/socket.js';
import { script, scriptRuntime } from './helpers/script-transport.js';

/** `normalize` with the Node or the browser runtime's option rules. */
const normalizeOptions = (options: SocketOptions, runtime: 'node' | 'browser') =>
  normalize(options, (runtime === 'node' ? nodeRuntime : browserRuntime) as Runtime<any>);

const invalid =
  (options: unknown, runtime: 'node' | 'browser' = 'node') =>
  () =>
    normalizeOptions(options as SocketOptions, runtime);

describe('normalizeOptions', () => {
  it('should fill every default on Node', () => {
    const o = normalizeOptions({}, 'node');
    expect(o).toEqual({
      protocols: [],
      headers: {},
      transport: {
        origin: undefined,
        maxPayload: 100 * 1024 * 1024,
        handshakeTimeout: 10_000,
        closeTimeout: 5_000,
        tls: {},
        proxy: undefined,
        noDelay: true,
        perMessageDeflate: true,
        followRedirects: false,
        maxRedirects: 10,
      },
      fragmentSize: 0,
      connectionTimeout: 15_000,
      reconnect: {
        minDelay: 1000,
        maxDelay: 30_000,
        factor: 2,
        maxRetries: Infinity,
        minUptime: 5000,
        shouldReconnect: defaultShouldReconnect,
        random: Math.random,
      },
      queue: { maxMessages: 1000, maxBytes: 4 * 1024 * 1024 },
      writeBuffer: { highWaterMark: 1024 * 1024, lowWaterMark: 256 * 1024, maxBufferedAmount: 64 * 1024 * 1024 },
      // `start`: the heartbeat module that validated it (src/heartbeat.ts, the Node runtime's own).
      heartbeat: { interval: 30_000, timeout: 10_000, message: undefined, isPong: undefined, start: heartbeatModule.start },
      signal: undefined,
      logger: console,
      log: undefined,
    });
  });

  it('should turn the heartbeat off by default in browsers, and accept default options there', () => {
    expect(normalizeOptions({}, 'browser').heartbeat).toBe(false);
    expect(() => new SocketCore('ws://x.test/', {}, scriptRuntime(script(), 'browser')).close()).not.toThrow();
  });

  it('should keep DEFAULTS frozen and unshared', () => {
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
    expect(Object.isFrozen(DEFAULTS.reconnect)).toBe(true);
    const o = normalizeOptions({}, 'node');
    expect(o.transport.tls).not.toBe(NODE_DEFAULTS.tls);
    (o.protocols as string[]).push('x');
    expect(DEFAULTS.protocols).toEqual([]);
  });

  it('should merge partial sub-options over their defaults and treat undefined as absent', () => {
    const o = normalizeOptions(
      { reconnect: { maxDelay: 5000, factor: undefined }, queue: { maxMessages: 5 }, heartbeat: { interval: 100 } },
      'node',
    );
    expect(o.reconnect).toMatchObject({ minDelay: 1000, maxDelay: 5000, factor: 2 });
    expect(o.queue).toEqual({ maxMessages: 5, maxBytes: 4 * 1024 * 1024 });
    expect(o.heartbeat).toMatchObject({ interval: 100, timeout: 10_000 });
    expect(normalizeOptions({ reconnect: true, queue: true, heartbeat: true }, 'node').reconnect).toBe(
      nodeRuntime.defaults.reconnect,
    );
    expect(normalizeOptions({ reconnect: true }, 'browser').reconnect).toBe(DEFAULTS.reconnect);
    expect(normalizeOptions({ reconnect: false, queue: false, heartbeat: false }, 'node')).toMatchObject({
      reconnect: false,
      queue: false,
      heartbeat: false,
    });
  });

  it('should accept a single protocol string and keep providers as functions', () => {
    expect(normalizeOptions({ protocols: 'chat' }, 'node').protocols).toEqual(['chat']);
    const provider = () => ['x'];
    const headers = async () => ({});
    const o = normalizeOptions({ protocols: provider, headers }, 'node');
    expect(o.protocols).toBe(provider);
    expect(o.headers).toBe(headers);
  });

  it.each<[string, unknown, string]>([
    ['options', null, 'Invalid options null: expected an object'],
    [
      'unknown key',
      { reconect: true },
      'Unknown option reconect (known: protocols, fragmentSize, connectionTimeout, reconnect, queue, writeBuffer, heartbeat, signal, logger, debug, headers, origin,',
    ],
    [
      'unknown nested key',
      { reconnect: { retries: 3 } },
      'Unknown option reconnect.retries (known: minDelay, maxDelay, factor, maxRetries, minUptime, shouldReconnect, random)',
    ],
    ['maxPayload', { maxPayload: 0 }, 'Invalid option maxPayload: 0 (expected an integer from 1 to'],
    ['maxPayload type', { maxPayload: '1' }, 'Invalid option maxPayload: "1"'],
    [
      'handshakeTimeout',
      { handshakeTimeout: -1 },
      'Invalid option handshakeTimeout: -1 (expected a number from 0 to 2147483647)',
    ],
    ['closeTimeout', { closeTimeout: NaN }, 'Invalid option closeTimeout: NaN'],
    [
      'connectionTimeout',
      { connectionTimeout: 2 ** 31 },
      'Invalid option connectionTimeout: 2147483648 (expected a number from 0 to 2147483647)',
    ],
    ['fragmentSize', { fragmentSize: 1.5 }, 'Invalid option fragmentSize: 1.5 (expected an integer >= 0)'],
    ['reconnect', { reconnect: 'yes' }, 'Invalid option reconnect: "yes" (expected true, false or an object)'],
    ['reconnect.minDelay', { reconnect: { minDelay: -5 } }, 'Invalid option reconnect.minDelay: -5'],
    [
      'reconnect.maxDelay below minDelay',
      { reconnect: { minDelay: 500, maxDelay: 100 } },
      'Invalid option reconnect.maxDelay: 100 (expected a number from 500 to 2147483647)',
    ],
    ['reconnect.factor', { reconnect: { factor: 0.5 } }, 'Invalid option reconnect.factor: 0.5'],
    [
      'reconnect.maxRetries',
      { reconnect: { maxRetries: 1.5 } },
      'Invalid option reconnect.maxRetries: 1.5 (expected an integer >= 0)',
    ],
    ['reconnect.minUptime', { reconnect: { minUptime: -1 } }, 'Invalid option reconnect.minUptime: -1'],
    [
      'reconnect.shouldReconnect',
      { reconnect: { shouldReconnect: true } },
      'Invalid option reconnect.shouldReconnect: true (expected a function)',
    ],
    ['reconnect.random', { reconnect: { random: 0.5 } }, 'Invalid option reconnect.random: 0.5 (expected a function)'],
    ['queue', { queue: 10 }, 'Invalid option queue: 10 (expected true, false or an object)'],
    ['queue.maxMessages', { queue: { maxMessages: 0 } }, 'Invalid option queue.maxMessages: 0 (expected an integer >= 1)'],
    ['queue.maxBytes', { queue: { maxBytes: -1 } }, 'Invalid option queue.maxBytes: -1'],
    ['heartbeat.interval', { heartbeat: { interval: 0 } }, 'Invalid option heartbeat.interval: 0'],
    ['heartbeat.timeout', { heartbeat: { timeout: 'soon' } }, 'Invalid option heartbeat.timeout: "soon"'],
    [
      'heartbeat.message',
      { heartbeat: { message: 42 } },
      'Invalid option heartbeat.message: 42 (expected a string or a Uint8Array)',
    ],
    [
      'heartbeat.isPong',
      { heartbeat: { message: 'p', isPong: 'pong' } },
      'Invalid option heartbeat.isPong: "pong" (expected a function)',
    ],
    [
      'heartbeat.isPong without message',
      { heartbeat: { isPong: () => true } },
      'Invalid option heartbeat: isPong needs heartbeat.message',
    ],
    ['protocols', { protocols: 42 }, 'Invalid option protocols: 42 (expected a string, an array of strings or a function)'],
    ['protocols token', { protocols: ['a b'] }, 'Invalid subprotocol "a b"'],
    ['protocols duplicate', { protocols: ['a', 'A'] }, 'Duplicate subprotocol "A"'],
    ['headers', { headers: 'x' }, 'Invalid option headers: "x" (expected an object of name → value or a function)'],
    ['headers reserved', { headers: { 'Sec-WebSocket-Key': 'x' } }, 'Header "Sec-WebSocket-Key" cannot be set'],
    ['origin', { origin: 1 }, 'Invalid option origin: 1 (expected a string)'],
    ['proxy', { proxy: 'ftp://x:1' }, 'Invalid option proxy: unsupported scheme "ftp:" in "ftp://x:1"'],
    ['proxy without a port', { proxy: 'nope' }, 'Invalid option proxy: "http://nope" has no port'],
    ['tls', { tls: null }, 'Invalid option tls: null (expected an object of tls.connect options)'],
    ['noDelay', { noDelay: 1 }, 'Invalid option noDelay: 1 (expected true or false)'],
    ['signal', { signal: {} }, 'Invalid option signal: [object Object] (expected an AbortSignal)'],
  ])('should refuse an invalid %s, naming the option, the value and what is allowed', (_, options, message) => {
    expect(invalid(options)).toThrow(InvalidArgumentError);
    expect(invalid(options)).toThrow(message);
  });

  // Every number option's range at both ends (src/options.ts RULES is matched to DEFAULTS by position: a key moved in
  // DEFAULTS without its rule would check the wrong range, and this fails).
  const MAX_TIMER = 2 ** 31 - 1;
  it.each([
    // [option path, min, max, integer, other options the bounds depend on]
    ['fragmentSize', 0, Infinity, true],
    ['connectionTimeout', 0, MAX_TIMER, false],
    ['reconnect.minDelay', 0, MAX_TIMER, false, { maxDelay: MAX_TIMER }],
    ['reconnect.maxDelay', 1000, MAX_TIMER, false],
    ['reconnect.factor', 1, 1e6, false],
    ['reconnect.maxRetries', 0, Infinity, true],
    ['reconnect.minUptime', 0, Infinity, false],
    ['queue.maxMessages', 1, Infinity, true],
    ['queue.maxBytes', 1, Infinity, true],
    ['writeBuffer.highWaterMark', 256 * 1024, Number.MAX_SAFE_INTEGER, true, { maxBufferedAmount: Infinity }],
    ['writeBuffer.lowWaterMark', 0, 1024 * 1024, true],
    ['writeBuffer.maxBufferedAmount', 1024 * 1024, Infinity, true],
    ['heartbeat.interval', 1, MAX_TIMER, false],
    ['heartbeat.timeout', 1, MAX_TIMER, false],
  ] as [string, number, number, boolean, object?][])(
    'should check %s against [%d, %d] (integer: %s)',
    (path, min, max, integer, others = {}) => {
      const [section, key] = path.includes('.') ? path.split('.') : ['', path];
      const options = (value: number) => (section ? { [section]: { ...others, [key]: value } } : { [key]: value });
      const accepts = (value: number) => expect(invalid(options(value)), `${path}: ${value}`).not.toThrow();
      const refuses = (value: number) => expect(invalid(options(value)), `${path}: ${value}`).toThrow(`Invalid option ${path}`);
      accepts(min);
      accepts(max);
      refuses(min - 0.5);
      if (max !== Infinity) refuses(max + 1);
      if (integer) refuses(min + 0.5);
      else accepts(min + 0.5);
      refuses(Number.NaN);
    },
  );

  it('should not read a range bound from a polluted Object.prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto[0] = 5000;
    proto.Infinity = 1;
    try {
      expect(invalid({ reconnect: { minDelay: 1, maxRetries: 3 } })).not.toThrow();
      expect(invalid({ queue: { maxMessages: 2 } })).not.toThrow();
    } finally {
      delete proto[0];
      delete proto.Infinity;
    }
  });

  it.each(['headers', 'origin', 'maxPayload', 'handshakeTimeout', 'closeTimeout', 'tls', 'proxy', 'noDelay'])(
    'should refuse the Node-only option %s in browsers instead of ignoring it',
    (name) => {
      const value = {
        headers: {},
        origin: 'x',
        maxPayload: 1,
        handshakeTimeout: 1,
        closeTimeout: 1,
        tls: {},
        proxy: 'http://p:1',
        noDelay: true,
      }[name];
      expect(invalid({ [name]: value }, 'browser')).toThrow(
        `Option ${name} is not supported in browsers: the native WebSocket cannot apply it (Node build only)`,
      );
      expect(() => normalizeOptions({ [name]: value }, 'node')).not.toThrow();
    },
  );

  it('should know the same Node-only option names in both runtimes (browsers refuse them by name)', () => {
    expect(browserRuntime.optionNames).toEqual(NODE_OPTION_NAMES);
    expect(Object.keys(DEFAULTS)).not.toContain('headers');
  });

  it('should require a heartbeat message in browsers', () => {
    expect(invalid({ heartbeat: heartbeat() }, 'browser')).toThrow('browsers have no ping API, so it needs heartbeat.message');
    expect(normalizeOptions({ heartbeat: heartbeat({ message: 'ping' }) }, 'browser').heartbeat).toMatchObject({
      message: 'ping',
    });
  });

  // Issue 16: the browser build carries the heartbeat only when the app imports it (`heartbeat()`).
  it('should refuse a plain heartbeat object or true in browsers, naming sockline/heartbeat', () => {
    for (const value of [true, { message: 'ping' }]) {
      expect(invalid({ heartbeat: value }, 'browser')).toThrow("import { heartbeat } from 'sockline/heartbeat'");
    }
    expect(normalizeOptions({ heartbeat: false }, 'browser').heartbeat).toBe(false);
  });

  it('should accept heartbeat() on Node too, with the same settings as the plain object', () => {
    const plain = normalizeOptions({ heartbeat: { interval: 500, message: 'p' } }, 'node').heartbeat;
    expect(normalizeOptions({ heartbeat: heartbeat({ interval: 500, message: 'p' }) }, 'node').heartbeat).toEqual(plain);
    expect(plain).toMatchObject({ interval: 500, timeout: 10_000, message: 'p' });
  });
});

describe('toWebSocketUrl', () => {
  it('should accept ws: and wss: URLs and URL objects', () => {
    expect(toWebSocketUrl('ws://example.test/a?b=1').href).toBe('ws://example.test/a?b=1');
    expect(toWebSocketUrl(new URL('wss://[::1]:8443/')).href).toBe('wss://[::1]:8443/');
  });

  it('should convert http: and https: like the WHATWG constructor', () => {
    expect(toWebSocketUrl('http://example.test:80/x').href).toBe('ws://example.test/x');
    expect(toWebSocketUrl('https://example.test/x').href).toBe('wss://example.test/x');
    expect(toWebSocketUrl('http://example.test:8080/').href).toBe('ws://example.test:8080/');
  });

  it('should refuse other schemes without echoing the query', () => {
    expect(() => toWebSocketUrl('ftp://example.test/p?token=secret')).toThrow(
      'Invalid URL ftp://example.test/p: the scheme must be ws: or wss: (http: and https: are converted)',
    );
    expect(() => toWebSocketUrl('ftp://example.test/p?token=secret')).not.toThrow(/secret/);
  });

  it('should refuse fragments, even empty ones', () => {
    expect(() => toWebSocketUrl('ws://example.test/p#frag')).toThrow('WebSocket URLs cannot have a fragment');
    expect(() => toWebSocketUrl('ws://example.test/p#')).toThrow(InvalidArgumentError);
  });

  it('should refuse relative and unparsable URLs where there is no location', () => {
    expect(() => toWebSocketUrl('/socket')).toThrow('Invalid URL "/socket": expected an absolute ws:// or wss:// URL');
    expect(() => toWebSocketUrl(42)).toThrow('Invalid URL 42');
  });

  it('should be checked synchronously by the Socket constructor for a static URL', () => {
    const s = script();
    expect(() => new SocketCore('nope', {}, scriptRuntime(s))).toThrow(InvalidArgumentError);
    expect(() => new SocketCore('ws://x.test/', { maxPayload: -1 }, scriptRuntime(s))).toThrow('maxPayload');
    expect(s.transports).toHaveLength(0);
  });
});
