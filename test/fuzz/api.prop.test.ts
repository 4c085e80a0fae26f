/**
 * Issue 9, the systemic fix: property-based tests of the PUBLIC surface (the `Socket` an app uses), not of the
 * parser. Two properties:
 *
 * 1. Random option objects (valid and invalid values, unknown and prototype keys, JSON `__proto__`, throwing
 *    getters, Proxies with throwing traps): the constructor either throws a SocklineError with a known `code` or
 *    builds a Socket, whose `close()` then ends it at once with no timer left.
 * 2. Random sequences of send/sendAsync/ping/reconnect/close and throwing listeners on a real Node Socket, against
 *    a scripted raw-TCP server whose every connection behaves at random (accept, accept then close, reject with a
 *    random status, drop mid-frame, never answer, garbage). Invariants: no uncaught exception or unhandled
 *    rejection; every thrown or emitted error is a SocklineError with a known code; after close() exactly one
 *    final `close`; every message is delivered byte-exact or reported (drop / rejected sendAsync / throw) at most
 *    once, and never both, and every sendAsync settles; `bufferedAmount` stays within its cap; no socket survives
 *    the final close (the server sees every connection end) and no timer does either.
 *
 * Counts: see settings.ts (small in `npm test`, large under `npm run fuzz`).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Socket } from '../../src/index.node.js';
import { SocketCore } from '../../src/socket.js';
import { isSocklineError } from '../../src/errors.js';
import type { SocketEvents } from '../../src/events.js';
import { decodeFrame, frame } from '../helpers/frames.js';
import { startRawServer, upgradeResponse, type RawConnection, type RawServer } from '../helpers/raw-server.js';
import { script, scriptRuntime } from '../socket/helpers/script-transport.js';
import { withTimeout } from '../helpers/test-server.js';
import { check, runs, testTimeout } from './settings.js';

const CODES = new Set([
  'ERR_SOCKLINE_INVALID_ARGUMENT',
  'ERR_SOCKLINE_INVALID_STATE',
  'ERR_SOCKLINE_HANDSHAKE',
  'ERR_SOCKLINE_PROTOCOL',
  'ERR_SOCKLINE_TIMEOUT',
  'ERR_SOCKLINE_QUEUE_OVERFLOW',
  'ERR_SOCKLINE_CONNECTION_CLOSED',
  'ERR_SOCKLINE_NETWORK',
  'ERR_SOCKLINE_ABORTED',
  'ERR_SOCKLINE_CALLBACK',
]);

function assertSockline(error: unknown, where: string): void {
  if (!isSocklineError(error) || !CODES.has(error.code)) {
    throw new Error(`${where}: not a SocklineError with a known code: ${String((error as Error)?.stack ?? error)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Option objects
// ---------------------------------------------------------------------------------------------------------------

const anyValue = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    true,
    false,
    0,
    -1,
    1,
    1.5,
    NaN,
    Infinity,
    -Infinity,
    2 ** 31,
    '',
    'x',
    '\r\n',
    'é',
    [],
    {},
    () => 1,
  ),
  fc.integer({ min: -10, max: 100_000 }),
  fc.string({ maxLength: 8 }),
);
const numberish = fc.oneof(fc.integer({ min: 0, max: 100_000 }), anyValue);
const subObject = (keys: string[]) =>
  fc.oneof(
    fc.boolean(),
    fc.dictionary(fc.constantFrom(...keys, 'bogus', 'constructor', 'toString'), numberish, { maxKeys: 4 }),
    anyValue,
  );

const OPTION_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  protocols: fc.oneof(
    fc.constantFrom(
      'chat',
      ['a', 'b'],
      ['a', 'A'],
      ['bad token'],
      () => ['x'],
      () => {
        throw new Error('provider bug');
      },
    ),
    anyValue,
  ),
  headers: fc.oneof(
    fc.constantFrom(
      { 'X-A': '1' },
      { Origin: 'https://o.test' },
      { 'X-B': 'a\nb' },
      { Upgrade: 'x' },
      { 'bad name': '1' },
      () => ({ 'X-C': '1' }),
    ),
    anyValue,
  ),
  origin: fc.oneof(fc.constantFrom('https://o.test', 'https://ö.test', 'a\r\nb'), anyValue),
  maxPayload: numberish,
  handshakeTimeout: numberish,
  closeTimeout: numberish,
  tls: fc.oneof(
    fc.constantFrom({}, { ca: 5 }, { minVersion: 'bogus' }, { rejectUnauthorized: false }, { checkServerIdentity: 1 }),
    anyValue,
  ),
  proxy: fc.oneof(fc.constantFrom('http://127.0.0.1:9', 'socks://x', 'http://a%zz@127.0.0.1:9'), anyValue),
  noDelay: anyValue,
  fragmentSize: numberish,
  connectionTimeout: numberish,
  reconnect: subObject(['minDelay', 'maxDelay', 'factor', 'maxRetries', 'minUptime', 'shouldReconnect', 'random']),
  queue: subObject(['maxMessages', 'maxBytes']),
  writeBuffer: subObject(['highWaterMark', 'lowWaterMark', 'maxBufferedAmount']),
  heartbeat: subObject(['interval', 'timeout', 'message', 'isPong']),
  signal: fc.oneof(fc.constant(new AbortController().signal), anyValue),
  bogus: anyValue,
  constructor: anyValue,
  hasOwnProperty: anyValue,
};

/** How an option object is wrapped: plain, from JSON with `__proto__`, with a throwing getter, or a Proxy. */
const wrapping = fc.constantFrom('plain', 'json-proto', 'getter', 'proxy-get', 'proxy-keys', 'not-an-object');

function build(entries: Record<string, unknown>, how: string): unknown {
  switch (how) {
    case 'json-proto':
      return Object.assign(JSON.parse('{"__proto__": {"minDelay": 1}}'), entries);
    case 'getter':
      return Object.defineProperty({ ...entries }, 'fragmentSize', {
        enumerable: true,
        get: () => {
          throw new Error('getter bug');
        },
      });
    case 'proxy-get':
      return new Proxy(
        { ...entries },
        {
          get: () => {
            throw new Error('trap bug');
          },
        },
      );
    case 'proxy-keys':
      return new Proxy(
        { ...entries },
        {
          ownKeys: () => {
            throw new Error('trap bug');
          },
        },
      );
    case 'not-an-object':
      return entries.bogus;
    default:
      return entries;
  }
}

describe('the public API under fuzzed input', () => {
  it(
    'options: the constructor throws a typed error or builds a Socket that close() ends at once',
    async () => {
      // Not Date/performance: fast-check's time limit (npm run fuzz) and settings.ts's timing read the real clock.
      vi.useFakeTimers({
        toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate'],
      });
      try {
        await check(
          'api: options',
          fc.asyncProperty(
            fc
              .dictionary(fc.constantFrom(...Object.keys(OPTION_VALUES)), fc.constant(0), { maxKeys: 6 })
              .chain((keys) => fc.record(Object.fromEntries(Object.keys(keys).map((key) => [key, OPTION_VALUES[key]])))),
            wrapping,
            fc.constantFrom('node', 'browser'),
            fc.constantFrom(
              'ws://127.0.0.1:9/',
              'wss://u:p@127.0.0.1:9/x?y',
              'ws://a%zz@127.0.0.1:9/',
              'ftp://x/',
              'blob:https://x/y',
              () => 'ws://127.0.0.1:9/',
            ),
            async (entries, how, runtime, url) => {
              const s = script();
              let socket: SocketCore;
              try {
                socket = new SocketCore(
                  url as string,
                  build(entries, how) as never,
                  scriptRuntime(s, runtime as 'node' | 'browser'),
                );
              } catch (error) {
                assertSockline(error, 'constructor');
                expect(vi.getTimerCount()).toBe(0);
                return;
              }
              const closes: unknown[] = [];
              socket.on('error', (error) => assertSockline(error, 'error event'));
              socket.on('close', (event) => closes.push(event));
              await vi.advanceTimersByTimeAsync(0);
              socket.close();
              await vi.advanceTimersByTimeAsync(0);
              expect(closes).toHaveLength(1);
              expect(socket.state).toBe('closed');
              expect(vi.getTimerCount()).toBe(0);
            },
          ),
          runs(300, 0.5),
        );
      } finally {
        vi.useRealTimers();
      }
    },
    testTimeout(30_000),
  );
});

// ---------------------------------------------------------------------------------------------------------------
// 2. Method sequences against scripted servers
// ---------------------------------------------------------------------------------------------------------------

type Behaviour =
  | { kind: 'accept'; send: boolean; closeAfter: number | undefined }
  | { kind: 'reject'; status: number }
  | { kind: 'drop-mid-frame' }
  | { kind: 'silent' }
  | { kind: 'garbage' };

const behaviourArb: fc.Arbitrary<Behaviour> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('accept' as const),
      send: fc.boolean(),
      closeAfter: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('reject' as const),
      status: fc.constantFrom(400, 401, 403, 404, 408, 429, 500, 503),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'drop-mid-frame' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'silent' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'garbage' as const }) },
);

type Op =
  | { op: 'send' | 'sendAsync'; binary: boolean; size: number; fragmentSize: number | undefined }
  | { op: 'ping' }
  | { op: 'reconnect' }
  | { op: 'wait'; ms: number }
  | { op: 'throwing-listener'; event: keyof SocketEvents }
  | { op: 'closing-listener'; event: keyof SocketEvents };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constantFrom('send' as const, 'sendAsync' as const),
      binary: fc.boolean(),
      size: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 70_000 })),
      fragmentSize: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'ping' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reconnect' as const }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 30 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('throwing-listener' as const),
      event: fc.constantFrom<keyof SocketEvents>(
        'open',
        'message',
        'state',
        'drop',
        'disconnect',
        'reconnecting',
        'close',
        'ping',
        'pong',
        'drain',
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('closing-listener' as const),
      event: fc.constantFrom<keyof SocketEvents>('open', 'message', 'disconnect', 'reconnecting', 'drop'),
    }),
  },
);

const optionsArb = fc.record({
  fragmentSize: fc.constantFrom(0, 7, 1000),
  maxRetries: fc.integer({ min: 0, max: 3 }),
  queue: fc.constantFrom<false | { maxMessages: number; maxBytes: number }>(
    false,
    { maxMessages: 3, maxBytes: 100_000 },
    { maxMessages: 1000, maxBytes: 1_000_000 },
  ),
  writeBuffer: fc.constantFrom(
    { highWaterMark: 1000, lowWaterMark: 10, maxBufferedAmount: 50_000 },
    { highWaterMark: 1 << 20, lowWaterMark: 1 << 18, maxBufferedAmount: 64 << 20 },
  ),
  heartbeat: fc.constantFrom<false | { interval: number; timeout: number }>(false, { interval: 20, timeout: 20 }),
  throwingRandom: fc.boolean(),
});

/** Message `id` as bytes or text; the content says which message it is and is checked byte for byte. */
function payloadOf(id: number, binary: boolean, size: number): string | Uint8Array {
  const text = `m${id}:`.padEnd(Math.max(size, String(id).length + 2), String.fromCharCode(97 + (id % 26)));
  return binary ? new TextEncoder().encode(text) : text;
}

/** The data messages a client sent on one connection, reassembled (unmasked); stops at an incomplete frame. */
function messagesOf(connection: RawConnection): string[] {
  const bytes = connection.received();
  const messages: string[] = [];
  let offset = 0;
  let parts: Buffer[] = [];
  while (offset < bytes.length) {
    const decoded = decodeFrame(bytes.subarray(offset));
    if (!decoded) break;
    offset += decoded.size;
    const { opcode, fin, payload } = decoded.frame;
    if (opcode >= 0x8) continue;
    parts.push(payload);
    if (fin) {
      messages.push(Buffer.concat(parts).toString('utf8'));
      parts = [];
    }
  }
  return messages;
}

let server: RawServer;
let behaviours: Behaviour[] = [];
beforeAll(async () => {
  server = await startRawServer((socket, request) => {
    const behaviour = behaviours.shift() ?? { kind: 'accept', send: false, closeAfter: undefined };
    socket.on('error', () => {});
    switch (behaviour.kind) {
      case 'accept':
        socket.write(upgradeResponse(request.key));
        if (behaviour.send) {
          socket.write(frame({ opcode: 0x1, payload: 'hello' }));
          socket.write(frame({ opcode: 0x9, payload: 'p' }));
          socket.write(frame({ opcode: 0xa, payload: 'q' }));
        }
        if (behaviour.closeAfter !== undefined) {
          setTimeout(() => {
            if (!socket.destroyed) socket.end(frame({ opcode: 0x8, payload: Buffer.from([0x03, 0xe9]) }));
          }, behaviour.closeAfter);
        }
        return;
      case 'reject':
        socket.end(`HTTP/1.1 ${behaviour.status} No\r\nContent-Length: 0\r\nRetry-After: 0\r\n\r\n`);
        return;
      case 'drop-mid-frame':
        socket.write(upgradeResponse(request.key));
        socket.write(frame({ opcode: 0x2, payload: Buffer.alloc(100) }).subarray(0, 20));
        setTimeout(() => socket.destroy(), 5);
        return;
      case 'garbage':
        socket.end('SSH-2.0-nope\r\n\r\n');
        return;
      case 'silent':
        return;
    }
  });
});
afterAll(() => server.close());

const timers = (): number => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the public API under fuzzed use and fuzzed servers', () => {
  it(
    'never crashes, types every error, closes once, accounts for every message and leaks nothing',
    async () => {
      const uncaught: unknown[] = [];
      const onUncaught = (error: unknown) => void uncaught.push(error);
      process.on('uncaughtException', onUncaught);
      process.on('unhandledRejection', onUncaught);
      try {
        await check(
          'api: sequences',
          fc.asyncProperty(
            fc.array(behaviourArb, { maxLength: 5 }),
            optionsArb,
            fc.array(opArb, { maxLength: 14 }),
            async (serverScript, o, ops) => {
              behaviours = [...serverScript];
              uncaught.length = 0; // what a run reports is checked at its end (a late report would land in the next run)
              const firstConnection = server.connections.length;
              const timersBefore = timers();
              const socket = new Socket(server.url + '/fuzz', {
                connectionTimeout: 400,
                handshakeTimeout: 150,
                closeTimeout: 100,
                fragmentSize: o.fragmentSize,
                queue: o.queue,
                writeBuffer: o.writeBuffer,
                heartbeat: o.heartbeat && { ...o.heartbeat, message: 'hb' },
                reconnect: {
                  minDelay: 2,
                  maxDelay: 10,
                  maxRetries: o.maxRetries,
                  random: o.throwingRandom
                    ? () => {
                        throw new Error('random bug');
                      }
                    : Math.random,
                },
              });
              const expected = new Map<string, string>(); // id → payload text
              const dropped = new Map<string, number>();
              const settled = new Map<string, 'resolved' | 'rejected'>();
              const threw = new Set<string>();
              const pending: Promise<unknown>[] = [];
              let closes = 0;
              const idOf = (data: unknown): string => {
                const text = typeof data === 'string' ? data : new TextDecoder().decode(data as Uint8Array);
                return text.slice(0, text.indexOf(':'));
              };
              socket.on('error', (error) => assertSockline(error, 'error event'));
              socket.on('drop', ({ data, error }) => {
                assertSockline(error, 'drop event');
                if (typeof data === 'string' && data === 'hb') return;
                const id = idOf(data);
                dropped.set(id, (dropped.get(id) ?? 0) + 1);
              });
              socket.on('close', () => closes++);
              let next = 0;
              for (const op of ops) {
                try {
                  switch (op.op) {
                    case 'send':
                    case 'sendAsync': {
                      const id = `m${next}`;
                      const data = payloadOf(next++, op.binary, op.size);
                      expected.set(id, typeof data === 'string' ? data : new TextDecoder().decode(data));
                      const options = op.fragmentSize === undefined ? undefined : { fragmentSize: op.fragmentSize };
                      if (op.op === 'send') {
                        try {
                          socket.send(data, options);
                        } catch (error) {
                          threw.add(id);
                          throw error;
                        }
                      } else {
                        pending.push(
                          socket.sendAsync(data, options).then(
                            () => void settled.set(id, 'resolved'),
                            (error) => {
                              assertSockline(error, 'sendAsync rejection');
                              settled.set(id, 'rejected');
                            },
                          ),
                        );
                      }
                      break;
                    }
                    case 'ping':
                      socket.ping('p');
                      break;
                    case 'reconnect':
                      socket.reconnect();
                      break;
                    case 'wait':
                      await sleep(op.ms);
                      break;
                    case 'throwing-listener':
                      socket.on(op.event, () => {
                        throw new Error(`${op.event} listener bug`);
                      });
                      break;
                    case 'closing-listener':
                      socket.once(op.event, () => socket.close());
                      break;
                  }
                } catch (error) {
                  assertSockline(error, `${op.op}()`);
                }
                const cap = o.writeBuffer.maxBufferedAmount + 80_000 + (o.queue ? o.queue.maxBytes : 0);
                expect(socket.bufferedAmount).toBeLessThanOrEqual(cap);
              }
              const closed = new Promise<void>((resolve) => {
                if (socket.state === 'closed') resolve();
                else socket.once('close', () => resolve());
              });
              try {
                socket.close();
              } catch (error) {
                assertSockline(error, 'close()');
              }
              await withTimeout(closed, 3000, `the final close (state ${socket.state})`);
              await Promise.all(pending);
              expect(closes).toBe(1);
              expect(socket.state).toBe('closed');

              // Every connection this run opened ends (no socket survives the final close).
              const connections = server.connections.slice(firstConnection);
              await withTimeout(
                Promise.all(connections.map((c) => c.closed)),
                2000,
                'every TCP connection to end after the final close',
              );
              // No timer either (the server's own closeAfter timers are bounded by 40 ms: wait them out).
              await sleep(50);
              expect(timers()).toBeLessThanOrEqual(timersBefore);

              // Accounting: delivered byte-exact, at most once, never also reported.
              const delivered = new Map<string, number>();
              for (const connection of connections) {
                for (const text of messagesOf(connection)) {
                  if (text === 'hb') continue;
                  const id = idOf(text);
                  expect(expected.get(id), `delivered message ${id} is byte-exact`).toBe(text);
                  delivered.set(id, (delivered.get(id) ?? 0) + 1);
                }
              }
              for (const id of expected.keys()) {
                const reports = dropped.get(id) ?? 0;
                expect(delivered.get(id) ?? 0, `${id} delivered at most once`).toBeLessThanOrEqual(1);
                expect(reports, `${id} dropped at most once`).toBeLessThanOrEqual(1);
                if (delivered.has(id)) expect(reports, `${id} delivered and reported`).toBe(0);
                const outcome = settled.get(id);
                if (outcome === 'rejected') expect(dropped.get(id) ?? 0, `${id} rejected and dropped`).toBeLessThanOrEqual(1);
                if (outcome === 'resolved') expect(dropped.get(id) ?? 0, `${id} resolved but dropped`).toBe(0);
                if (threw.has(id)) expect(delivered.get(id) ?? 0, `${id} threw but was delivered`).toBe(0);
              }
              expect(uncaught).toEqual([]);
            },
          ),
          runs(8, 0.01),
        );
      } finally {
        process.off('uncaughtException', onUncaught);
        process.off('unhandledRejection', onUncaught);
      }
    },
    testTimeout(60_000),
  );
});
