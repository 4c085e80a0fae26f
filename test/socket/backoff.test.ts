import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultShouldReconnect, nativeShouldReconnect, nextDelay, parseRetryAfter, retryAfterOf } from '../../src/backoff.js';
import {
  AbortError,
  HandshakeError,
  InvalidArgumentError,
  InvalidStateError,
  NetworkError,
  ProtocolError,
  TimeoutError,
  type HandshakeFailure,
  type SocklineError,
} from '../../src/errors.js';
import type { CloseInfo } from '../../src/transport.js';
import { browserRuntime } from '../../src/browser/runtime.js';
import { nodeRuntime } from '../../src/node/runtime.js';
import { DEFAULTS, normalize } from '../../src/options.js';

const policy = { minDelay: 1000, maxDelay: 30_000, factor: 2 };
const fixed = (value: number) => () => value;

describe('nextDelay', () => {
  it('should stay within [minDelay, min(maxDelay, minDelay * factor ** attempt)] for every attempt', () => {
    const expected = [
      [1, 1000, 2000],
      [2, 1000, 4000],
      [3, 1000, 8000],
      [4, 1000, 16_000],
      [5, 1000, 30_000],
      [20, 1000, 30_000],
    ];
    for (const [attempt, low, high] of expected) {
      expect(nextDelay(attempt, policy, fixed(0))).toBe(low);
      expect(nextDelay(attempt, policy, fixed(0.999999))).toBe(high);
      expect(nextDelay(attempt, policy, fixed(0.5))).toBe(Math.round(low + (high - low) / 2));
    }
  });

  it('should jitter every delay, including the first', () => {
    expect(nextDelay(1, policy, fixed(0.25))).toBe(1250);
    expect(nextDelay(1, policy, fixed(0.75))).toBe(1750);
  });

  it('should keep a constant delay when factor is 1 or minDelay equals maxDelay', () => {
    expect(nextDelay(7, { ...policy, factor: 1 }, fixed(0.9))).toBe(1000);
    expect(nextDelay(7, { minDelay: 500, maxDelay: 500, factor: 2 }, fixed(0.9))).toBe(500);
  });

  it('should never return NaN for minDelay 0 and a huge attempt number', () => {
    expect(nextDelay(5000, { minDelay: 0, maxDelay: 1000, factor: 2 }, fixed(0.5))).toBe(0);
  });

  it('should start the window at Retry-After and still jitter it', () => {
    // Retry-After 5 s on attempt 1: [5000, 10000].
    expect(nextDelay(1, policy, fixed(0), 5000)).toBe(5000);
    expect(nextDelay(1, policy, fixed(0.5), 5000)).toBe(7500);
    // A small Retry-After never shortens the exponential window of a later attempt: [1000, 16000].
    expect(nextDelay(4, policy, fixed(0.999999), 0)).toBe(16_000);
    expect(nextDelay(4, policy, fixed(0), 0)).toBe(1000);
  });

  it('should cap Retry-After at maxDelay and jitter below it', () => {
    // Retry-After 120 s with maxDelay 30 s: [15000, 30000].
    expect(nextDelay(1, policy, fixed(0), 120_000)).toBe(15_000);
    expect(nextDelay(1, policy, fixed(0.999999), 120_000)).toBe(30_000);
    // Retry-After 20 s: [20000, 30000], never earlier than the server asked.
    expect(nextDelay(1, policy, fixed(0), 20_000)).toBe(20_000);
    expect(nextDelay(1, policy, fixed(0.999999), 20_000)).toBe(30_000);
  });

  it('should stay within bounds for any policy, attempt and random value (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.option(fc.integer({ min: 0, max: 500_000 }), { nil: undefined }),
        (minDelay, extra, factor, attempt, r, retryAfter) => {
          const p = { minDelay, maxDelay: minDelay + extra, factor };
          const delay = nextDelay(attempt, p, () => r, retryAfter);
          expect(delay).toBeGreaterThanOrEqual(minDelay);
          expect(delay).toBeLessThanOrEqual(p.maxDelay);
          if (retryAfter !== undefined && retryAfter <= p.maxDelay / factor) {
            expect(delay).toBeGreaterThanOrEqual(Math.min(retryAfter, p.maxDelay) - 0.5);
          }
        },
      ),
    );
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('should read delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });
  it('should read an HTTP-date relative to now', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
  });
  it('should give 0 for a date in the past', () => {
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });
  it('should ignore a missing or unreadable value', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
  it('should only be read from 429 and 503 handshake rejections', () => {
    const rejected = (status: number): CloseInfo => ({
      code: 1006,
      reason: '',
      wasClean: false,
      error: new HandshakeError('x', 'status', { status, headers: { 'retry-after': '7' } }),
    });
    expect(retryAfterOf(rejected(503), now)).toBe(7000);
    expect(retryAfterOf(rejected(429), now)).toBe(7000);
    expect(retryAfterOf(rejected(500), now)).toBeUndefined();
    expect(retryAfterOf({ code: 1006, reason: '', wasClean: false }, now)).toBeUndefined();
    expect(retryAfterOf(undefined, now)).toBeUndefined();
  });
});

describe('defaultShouldReconnect', () => {
  const decide = (code: number, error?: SocklineError): boolean =>
    defaultShouldReconnect({ lastClose: { code, reason: '', wasClean: false, error }, attempt: 1, wasOpen: true });

  it.each([
    [1001, true],
    [1005, true],
    [1006, true],
    [1011, true],
    [1012, true],
    [1013, true],
    [1014, true],
    [4000, true],
    [3008, true],
    [1000, false],
    [1002, false],
    [1003, false],
    [1007, false],
    [1008, false],
    [1009, false],
    [1010, false],
    [1015, false],
    [3000, false],
    [3003, false],
  ])('should decide %i from the server → %s', (code, expected) => {
    expect(decide(code)).toBe(expected);
  });

  it.each([
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [429, true],
    [408, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [410, false],
    [426, false],
    [200, false],
    [302, false],
  ])('should decide a handshake answered with status %i → %s', (status, expected) => {
    expect(decide(1006, new HandshakeError('x', 'status', { status }))).toBe(expected);
    expect(decide(1006, new HandshakeError('x', 'proxy', { status }))).toBe(expected);
  });

  it.each<[HandshakeFailure, boolean]>([
    ['accept', false],
    ['subprotocol', false],
    ['extension', false],
    ['upgrade', false],
    ['connection', false],
    ['headers-too-large', false],
    ['malformed', true],
  ])('should decide a handshake failing with reason %s → %s', (reason, expected) => {
    expect(decide(1006, new HandshakeError('x', reason))).toBe(expected);
  });

  it('should retry network failures and timeouts', () => {
    expect(decide(1006, new NetworkError('refused'))).toBe(true);
    expect(decide(1006, new TimeoutError('x', 'connect', 1))).toBe(true);
    expect(decide(1006, new TimeoutError('x', 'heartbeat', 1))).toBe(true);
    expect(decide(1006, new TimeoutError('x', 'handshake', 1))).toBe(true);
  });

  it('should decide a protocol error by the close code we sent', () => {
    expect(decide(1006, new ProtocolError('x', 1002))).toBe(false);
    expect(decide(1006, new ProtocolError('x', 1007))).toBe(false);
    expect(decide(1006, new ProtocolError('x', 1009))).toBe(false);
    expect(decide(1006, new ProtocolError('x', 1011))).toBe(true);
  });

  it('should stop on errors that will repeat', () => {
    expect(decide(1006, new InvalidArgumentError('x'))).toBe(false);
    expect(decide(1006, new InvalidStateError('no WebSocket'))).toBe(false);
    expect(decide(1006, new AbortError('x'))).toBe(false);
  });
});

describe('nativeShouldReconnect', () => {
  // issue 16: the browsers' default decides as defaultShouldReconnect for every error the native-WebSocket build
  // produces: connectBrowser's NetworkError (no reason), handshakeErrorFromEvent's HandshakeError (reason 'status'),
  // the connection and heartbeat TimeoutErrors, a factory's InvalidArgumentError/InvalidStateError, or none.
  const browserError = fc.oneof(
    fc.constant(undefined),
    fc.constant(new NetworkError('Could not connect to ws://x.test/ (cause in the browser console)', new Event('error'))),
    fc.constant(new NetworkError('The url provider failed: boom', new Error('boom'))),
    fc.integer({ min: 100, max: 999 }).map((status) => new HandshakeError(`HTTP ${status}`, 'status', { status })),
    fc.constantFrom('connect', 'heartbeat').map((phase) => new TimeoutError('timeout', phase as 'connect', 1000)),
    fc.constant(new InvalidArgumentError('Cannot open a WebSocket')),
    fc.constant(new InvalidStateError('No WebSocket in this runtime')),
  );
  it('should decide as defaultShouldReconnect for every error the browser build produces', () => {
    fc.assert(
      fc.property(
        browserError,
        fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constantFrom(1000, 1002, 1006, 1015, 3000, 3003)),
        fc.integer({ min: 1, max: 30 }),
        fc.boolean(),
        fc.option(fc.boolean(), { nil: undefined }),
        fc.option(fc.boolean(), { nil: undefined }),
        (error, code, attempt, wasOpen, everOpened, causeHidden) => {
          const context = { lastClose: { code, reason: '', wasClean: false, error }, attempt, wasOpen, everOpened, causeHidden };
          expect(nativeShouldReconnect(context)).toBe(defaultShouldReconnect(context));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('should be the default of the browser runtime, and defaultShouldReconnect the Node one', () => {
    expect(DEFAULTS.reconnect.shouldReconnect).toBe(nativeShouldReconnect);
    expect(browserRuntime.defaults.reconnect).toBe(DEFAULTS.reconnect);
    expect(nodeRuntime.defaults.reconnect).toEqual({ ...DEFAULTS.reconnect, shouldReconnect: defaultShouldReconnect });
    expect(Object.isFrozen(nodeRuntime.defaults.reconnect)).toBe(true);
  });

  it('should be what normalize() gives each runtime for an absent, true or partial reconnect option', () => {
    for (const reconnect of [undefined, true, { minDelay: 5 }]) {
      const node = normalize({ reconnect }, nodeRuntime).reconnect;
      const browser = normalize({ reconnect }, browserRuntime).reconnect;
      expect(node, String(reconnect)).toMatchObject({ shouldReconnect: defaultShouldReconnect });
      expect(browser, String(reconnect)).toMatchObject({ shouldReconnect: nativeShouldReconnect });
    }
    const own = () => true;
    expect(normalize({ reconnect: { shouldReconnect: own } }, nodeRuntime).reconnect).toMatchObject({ shouldReconnect: own });
  });
});
