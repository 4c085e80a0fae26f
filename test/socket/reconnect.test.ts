import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  HandshakeError,
  InvalidArgumentError,
  NetworkError,
  ProtocolError,
  TimeoutError,
  type SocklineError,
} from '../../src/errors.js';
import { createSocket, settle, URL_ } from './helpers/script-transport.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const refused = () => new NetworkError('Could not connect to example.test:80: ECONNREFUSED');

describe('reconnection', () => {
  it('should wait the exact jittered backoff before each retry', async () => {
    // random 0.5: the middle of [1000, 1000 * 2 ** n] capped at 30000.
    const { socket, s, events } = createSocket({ reconnect: { random: () => 0.5 } });
    await settle();
    const expected = [1500, 2500, 4500, 8500, 15_500, 15_500];
    for (const [i, delay] of expected.entries()) {
      s.last.fail(refused());
      expect(events.of('reconnecting')[i][0]).toMatchObject({ attempt: i + 1, delay });
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(s.transports).toHaveLength(i + 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(s.transports).toHaveLength(i + 2);
    }
    expect(socket.stats.attempts).toBe(7);
  });

  it('should keep each delay within its jitter window for any random value', async () => {
    for (const r of [0, 0.3, 0.999]) {
      const { s, events, socket } = createSocket({ reconnect: { minDelay: 200, maxDelay: 5000, factor: 3, random: () => r } });
      await settle();
      for (let n = 1; n <= 5; n++) {
        s.last.fail(refused());
        const { delay } = events.of('reconnecting')[n - 1][0];
        expect(delay).toBeGreaterThanOrEqual(200);
        expect(delay).toBeLessThanOrEqual(Math.min(5000, 200 * 3 ** n));
        await vi.advanceTimersByTimeAsync(delay);
      }
      socket.close();
    }
  });

  it('should emit state, error, disconnect and reconnecting in that order when a link drops', async () => {
    const { s, events } = createSocket();
    await settle();
    s.last.open();
    const error = new NetworkError('reset');
    s.last.fail(error);
    expect(events.names()).toEqual(['state:open', 'open', 'state:reconnecting', 'error', 'disconnect', 'reconnecting']);
    expect(events.of('reconnecting')[0][0]).toEqual({
      attempt: 1,
      delay: 1000,
      lastClose: { code: 1006, reason: '', wasClean: false, error },
    });
  });

  it('should not emit disconnect for an attempt that never opened', async () => {
    const { s, events } = createSocket();
    await settle();
    s.last.fail(refused());
    expect(events.names()).toEqual(['state:reconnecting', 'error', 'reconnecting']);
  });

  it('should report open with reconnected and the attempt number that succeeded', async () => {
    const { socket, s, events } = createSocket();
    await settle();
    s.last.fail(refused());
    await vi.advanceTimersByTimeAsync(1000);
    s.last.fail(refused());
    await vi.advanceTimersByTimeAsync(1000);
    s.last.open();
    expect(events.of('open')[0][0]).toMatchObject({ reconnected: false, attempt: 2 });
    s.last.end();
    await vi.advanceTimersByTimeAsync(1000);
    s.last.open();
    expect(events.of('open')[1][0]).toMatchObject({ reconnected: true, attempt: 3 });
    expect(socket.stats).toMatchObject({ attempts: 4, reconnects: 1 });
  });

  it('should stop after maxRetries and close for good with the last error', async () => {
    const { socket, s, events } = createSocket({ reconnect: { maxRetries: 3 } });
    await settle();
    let last: SocklineError | undefined;
    for (let i = 0; i < 4; i++) {
      last = refused();
      s.last.fail(last);
      await vi.advanceTimersByTimeAsync(60_000);
    }
    expect(s.transports).toHaveLength(4);
    expect(events.of('reconnecting')).toHaveLength(3);
    expect(socket.state).toBe('closed');
    expect(events.of('close')[0][0]).toMatchObject({ code: 1006, error: last });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('should never reconnect with reconnect: false', async () => {
    const { socket, s, events } = createSocket({ reconnect: false });
    await settle();
    s.last.open();
    s.last.end();
    expect(socket.state).toBe('closed');
    expect(events.names()).toEqual(['state:open', 'open', 'state:closed', 'disconnect', 'close']);
  });

  it('should make maxRetries: 0 behave like no reconnection', async () => {
    const { socket, s } = createSocket({ reconnect: { maxRetries: 0 } });
    await settle();
    s.last.fail(refused());
    expect(socket.state).toBe('closed');
  });

  it('should reset the retry count only after the link stayed up for minUptime', async () => {
    const { s, events } = createSocket({ reconnect: { minUptime: 5000 } });
    await settle();
    s.last.fail(refused());
    await vi.advanceTimersByTimeAsync(1000);
    // Opens, then flaps after 4.999 s: the count goes on (attempt 2).
    s.last.open();
    await vi.advanceTimersByTimeAsync(4999);
    s.last.end();
    expect(events.of('reconnecting')[1][0]).toMatchObject({ attempt: 2, delay: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    // Stays up 5 s: the next loss starts again from attempt 1.
    s.last.open();
    await vi.advanceTimersByTimeAsync(5000);
    s.last.end();
    expect(events.of('reconnecting')[2][0]).toMatchObject({ attempt: 1 });
  });

  it('should let a flapping link exhaust maxRetries', async () => {
    const { socket, s } = createSocket({ reconnect: { maxRetries: 2, minUptime: 10_000 } });
    await settle();
    for (let i = 0; i < 3; i++) {
      s.last.open();
      await vi.advanceTimersByTimeAsync(100);
      s.last.end();
      await vi.advanceTimersByTimeAsync(60_000);
    }
    expect(socket.state).toBe('closed');
    expect(s.transports).toHaveLength(3);
  });

  describe('Retry-After', () => {
    const rejected = (status: number, retryAfter: string) =>
      new HandshakeError(`Unexpected server response: ${status}`, 'status', {
        status,
        headers: { 'retry-after': retryAfter },
      });

    it.each([429, 503])('should wait at least the seconds a %i asks for, jittered', async (status) => {
      const { s, events } = createSocket({ reconnect: { random: () => 0.5 } });
      await settle();
      s.last.fail(rejected(status, '10'));
      // [10000, 20000] → 15000.
      expect(events.of('reconnecting')[0][0].delay).toBe(15_000);
      await vi.advanceTimersByTimeAsync(14_999);
      expect(s.transports).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(s.transports).toHaveLength(2);
    });

    it('should read an HTTP-date', async () => {
      vi.setSystemTime(Date.parse('2026-01-01T00:00:00Z'));
      const { s, events } = createSocket();
      await settle();
      s.last.fail(rejected(503, 'Thu, 01 Jan 2026 00:00:08 GMT'));
      expect(events.of('reconnecting')[0][0].delay).toBe(8000);
    });

    it('should cap a long Retry-After at maxDelay', async () => {
      const { s, events } = createSocket({ reconnect: { maxDelay: 20_000, random: () => 0.999999 } });
      await settle();
      s.last.fail(rejected(503, '3600'));
      expect(events.of('reconnecting')[0][0].delay).toBe(20_000);
    });
  });

  describe('default shouldReconnect through the Socket', () => {
    const server = (code: number) => ({ code, reason: '', wasClean: code !== 1006 });
    it.each([
      [1001, true],
      [1006, true],
      [1011, true],
      [1012, true],
      [1013, true],
      [1014, true],
      [1000, false],
      [1002, false],
      [1003, false],
      [1007, false],
      [1008, false],
      [1009, false],
      [1010, false],
    ])('should handle a server close with %i → reconnect %s', async (code, expected) => {
      const { socket, s, events } = createSocket();
      await settle();
      s.last.open();
      s.last.end(server(code));
      expect(socket.state).toBe(expected ? 'reconnecting' : 'closed');
      if (!expected) expect(events.of('close')[0][0]).toMatchObject({ code });
    });

    it.each([
      [500, true],
      [502, true],
      [503, true],
      [429, true],
      [408, true],
      [400, false],
      [401, false],
      [403, false],
      [404, false],
      [409, false],
    ])('should handle a handshake answered with %i → reconnect %s', async (status, expected) => {
      const { socket, s, events } = createSocket();
      await settle();
      const error = new HandshakeError(`Unexpected server response: ${status}`, 'status', { status });
      s.last.fail(error);
      expect(socket.state).toBe(expected ? 'reconnecting' : 'closed');
      if (!expected) expect(events.of('close')[0][0]).toMatchObject({ code: 1006, error });
    });

    it.each(['accept', 'subprotocol', 'extension', 'upgrade', 'connection'] as const)(
      'should not retry a handshake that failed with reason %s',
      async (reason) => {
        const { socket, s } = createSocket();
        await settle();
        s.last.fail(new HandshakeError('x', reason));
        expect(socket.state).toBe('closed');
      },
    );

    it('should not retry when we failed the connection with 1002', async () => {
      const { socket, s } = createSocket();
      await settle();
      s.last.open();
      s.last.fail(new ProtocolError('invalid opcode 3', 1002));
      expect(socket.state).toBe('closed');
    });

    it('should pass the context to a custom shouldReconnect', async () => {
      const shouldReconnect = vi.fn(() => true);
      const { s } = createSocket({ reconnect: { shouldReconnect } });
      await settle();
      s.last.open();
      s.last.end({ code: 1000, wasClean: true });
      expect(shouldReconnect).toHaveBeenCalledWith({
        lastClose: { code: 1000, reason: '', wasClean: true },
        attempt: 1,
        wasOpen: true,
        everOpened: true,
        causeHidden: false,
      });
      await vi.advanceTimersByTimeAsync(1000);
      s.last.fail(refused());
      expect(shouldReconnect).toHaveBeenLastCalledWith(expect.objectContaining({ attempt: 2, wasOpen: false }));
    });
  });

  describe('providers', () => {
    it('should call the url, protocols and headers providers before every attempt', async () => {
      let n = 0;
      const url = vi.fn(() => `${URL_}?token=${++n}`);
      const protocols = vi.fn(async () => [`v${n}`]);
      const headers = vi.fn(async () => ({ Authorization: `Bearer ${n}` }));
      const { socket, s } = createSocket({ protocols, headers }, { url });
      expect(socket.url).toBe('');
      await settle();
      s.last.fail(refused());
      await vi.advanceTimersByTimeAsync(1000);
      expect(url).toHaveBeenCalledTimes(2);
      expect(protocols).toHaveBeenCalledTimes(2);
      expect(headers).toHaveBeenCalledTimes(2);
      expect(s.transports.map((t) => t.url.search)).toEqual(['?token=1', '?token=2']);
      expect(s.transports[1].options.headers).toEqual({ Authorization: 'Bearer 2' });
      expect(socket.url).toBe(`${URL_}?token=2`);
    });

    it('should count a throwing provider as a failed attempt, report it, and retry', async () => {
      const boom = new Error('token service down');
      let calls = 0;
      const url = async () => {
        if (++calls < 3) throw boom;
        return URL_;
      };
      const { socket, s, events } = createSocket({}, { url });
      await settle();
      const [error] = events.of('error')[0];
      expect(error).toBeInstanceOf(NetworkError);
      expect(error.message).toBe('The url provider failed: Error: token service down');
      expect(error.cause).toBe(boom);
      expect(socket.state).toBe('reconnecting');
      await vi.advanceTimersByTimeAsync(1000);
      expect(events.of('error')).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1000);
      expect(s.transports).toHaveLength(1);
      expect(socket.stats.attempts).toBe(3);
    });

    it('should retry a provider failure even when shouldReconnect would refuse, within maxRetries', async () => {
      const { socket, events } = createSocket({
        reconnect: { shouldReconnect: () => false, maxRetries: 2 },
        protocols: () => {
          throw new Error('x');
        },
      });
      await settle();
      await vi.advanceTimersByTimeAsync(10_000);
      expect(events.of('error')).toHaveLength(3);
      expect(socket.state).toBe('closed');
    });

    it('should report an invalid value from a provider as an InvalidArgumentError', async () => {
      const { events, s } = createSocket({ protocols: () => ['bad token'] }, { url: () => 'ftp://x.test/' });
      await settle();
      expect(events.of('error')[0][0]).toBeInstanceOf(InvalidArgumentError);
      expect(s.transports).toHaveLength(0);
    });

    it('should let an error listener stop the retries with close()', async () => {
      const { socket, events } = createSocket({}, { url: () => Promise.reject(new Error('revoked')) });
      socket.on('error', () => socket.close());
      await settle();
      expect(socket.state).toBe('closed');
      expect(events.of('reconnecting')).toHaveLength(0);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe('connectionTimeout', () => {
    it('should terminate a hung handshake with TimeoutError(connect) and count it as a failed attempt', async () => {
      const { socket, s, events } = createSocket({ connectionTimeout: 2000 });
      await settle();
      await vi.advanceTimersByTimeAsync(1999);
      expect(s.last.terminated).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      const [{ error }] = s.transports[0].terminated;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({ phase: 'connect', ms: 2000 });
      expect(events.of('error')[0][0]).toBe(error);
      expect(socket.state).toBe('reconnecting');
    });

    it('should cover a provider that never answers', async () => {
      const { socket, events } = createSocket({ connectionTimeout: 2000 }, { url: () => new Promise<string>(() => {}) });
      await settle();
      await vi.advanceTimersByTimeAsync(2000);
      expect(events.of('error')[0][0]).toMatchObject({ phase: 'connect' });
      expect(socket.state).toBe('reconnecting');
    });

    it('should stop counting once the link is open', async () => {
      const { socket, s } = createSocket({ connectionTimeout: 2000 });
      await settle();
      s.last.open();
      await vi.advanceTimersByTimeAsync(10_000);
      expect(s.last.terminated).toHaveLength(0);
      expect(socket.state).toBe('open');
    });

    it('should work with a transport that reports the termination later', async () => {
      const { socket, s } = createSocket({ connectionTimeout: 2000 });
      await settle();
      await vi.advanceTimersByTimeAsync(2000);
      expect(socket.state).toBe('reconnecting');
      await vi.advanceTimersByTimeAsync(1000);
      expect(s.transports).toHaveLength(2);
    });
  });

  describe('online / offline', () => {
    class FakeWindow extends EventTarget {}
    let win: FakeWindow;
    let online: boolean;
    beforeEach(() => {
      win = new FakeWindow();
      online = true;
      vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
      vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win));
      vi.stubGlobal('navigator', {
        get onLine() {
          return online;
        },
      });
    });
    afterEach(() => {
      vi.unstubAllGlobals();
    });
    const goOffline = () => {
      online = false;
      win.dispatchEvent(new Event('offline'));
    };
    const goOnline = () => {
      online = true;
      win.dispatchEvent(new Event('online'));
    };

    it('should cancel the scheduled retry while offline and retry at once when back online', async () => {
      const { socket, s, events } = createSocket({ reconnect: { minDelay: 5000 } });
      await settle();
      s.last.open();
      s.last.end();
      expect(vi.getTimerCount()).toBe(1);
      goOffline();
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(600_000);
      expect(s.transports).toHaveLength(1);
      expect(socket.state).toBe('reconnecting');
      goOnline();
      expect(events.of('reconnecting').at(-1)![0]).toMatchObject({ attempt: 1, delay: 0 });
      await settle();
      expect(s.transports).toHaveLength(2);
    });

    it('should not burn retries while offline', async () => {
      const { socket, s, events } = createSocket({ reconnect: { maxRetries: 1 } });
      await settle();
      s.last.open();
      goOffline();
      s.last.end();
      // Paused: no retry scheduled, none counted.
      expect(events.of('reconnecting')).toHaveLength(0);
      expect(socket.state).toBe('reconnecting');
      expect(vi.getTimerCount()).toBe(0);
      goOffline();
      goOnline();
      await settle();
      expect(s.transports).toHaveLength(2);
      s.last.open();
      expect(socket.state).toBe('open');
    });

    it('should ignore online while open', async () => {
      const { s } = createSocket();
      await settle();
      s.last.open();
      goOnline();
      await settle();
      expect(s.transports).toHaveLength(1);
    });

    it('should remove its listeners at the final close', async () => {
      const remove = vi.fn(win.removeEventListener.bind(win));
      vi.stubGlobal('removeEventListener', remove);
      const { socket, s } = createSocket();
      await settle();
      socket.close();
      expect(remove.mock.calls.map(([type]) => type).sort()).toEqual(['offline', 'online']);
      goOffline();
      goOnline();
      await settle();
      expect(s.transports).toHaveLength(1);
    });
  });
});
