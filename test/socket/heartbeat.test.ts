import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimeoutError } from '../../src/errors.js';
import { heartbeat as withModule } from '../../src/heartbeat.js';
import { createSocket, settle } from './helpers/script-transport.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const heartbeat = { interval: 1000, timeout: 300 };

describe('heartbeat', () => {
  it('should ping every interval and stay open while pongs come back', async () => {
    const { socket, s } = createSocket({ heartbeat });
    await settle();
    const t = s.last;
    t.open();
    for (let i = 1; i <= 5; i++) {
      await vi.advanceTimersByTimeAsync(1000);
      expect(t.pings).toHaveLength(i);
      await vi.advanceTimersByTimeAsync(10);
      t.pong();
    }
    await vi.advanceTimersByTimeAsync(290);
    expect(t.terminated).toHaveLength(0);
    expect(socket.state).toBe('open');
  });

  it('should terminate with TimeoutError(heartbeat) when no pong arrives within timeout, then reconnect', async () => {
    const { socket, s, events } = createSocket({ heartbeat });
    await settle();
    const t = s.last;
    t.open();
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.pings).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(299);
    expect(t.terminated).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    const [{ error }] = t.terminated;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: 'heartbeat', ms: 300, message: 'Heartbeat failed: no reply within 300 ms' });
    expect(events.of('error')[0][0]).toBe(error);
    expect(events.of('disconnect')[0][0]).toMatchObject({ code: 1006, error });
    expect(socket.state).toBe('reconnecting');
    // Only the retry timer is left: the heartbeat stopped with the link.
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.transports).toHaveLength(2);
  });

  it('should count any inbound message as a reply', async () => {
    const { s } = createSocket({ heartbeat });
    await settle();
    const t = s.last;
    t.open();
    await vi.advanceTimersByTimeAsync(1100);
    t.receive('data');
    await vi.advanceTimersByTimeAsync(5000);
    expect(t.terminated).toHaveLength(1);
    // …but only for the probe it answered: the next probes went unanswered.
    expect(t.pings.length).toBeGreaterThanOrEqual(2);
  });

  it('should detect frozen timers by wall clock and terminate at once', async () => {
    const { s } = createSocket({ heartbeat });
    await settle();
    const t = s.last;
    t.open();
    await vi.advanceTimersByTimeAsync(999);
    // The laptop sleeps for an hour: the clock moves, no timer fires.
    vi.setSystemTime(Date.now() + 3_600_000);
    await vi.advanceTimersByTimeAsync(1);
    const [{ error }] = t.terminated;
    expect(error).toMatchObject({ phase: 'heartbeat' });
    expect(error!.message).toMatch(
      /^Heartbeat failed: nothing received for \d+ ms, more than interval \+ timeout \(1300 ms\); timers were suspended/,
    );
    expect((error as TimeoutError).ms).toBeGreaterThan(3_600_000);
    // At once: no probe was sent and no reply was waited for.
    expect(t.pings).toHaveLength(0);
  });

  it('should not run without a way to probe (browser transport, no message)', async () => {
    const { socket, s } = createSocket({ heartbeat });
    await settle();
    s.last.canPing = false;
    s.last.open();
    expect(vi.getTimerCount()).toBe(0);
    expect(socket.state).toBe('open');
  });

  it('should be off by default in browsers and on by default on Node (30 s / 10 s)', async () => {
    const browser = createSocket({ heartbeat: undefined }, { runtime: 'browser' });
    await settle();
    browser.s.last.canPing = false;
    browser.s.last.open();
    expect(vi.getTimerCount()).toBe(0);
    browser.socket.close();

    const node = createSocket({ heartbeat: undefined });
    await settle();
    node.s.last.open();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(node.s.last.pings).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(node.s.last.terminated).toHaveLength(1);
  });

  describe('application-level heartbeat', () => {
    // The browser build has no heartbeat unless the app imports it (issue 16): `heartbeat()` from sockline/heartbeat.
    const appHeartbeat = withModule({ ...heartbeat, message: 'ping', isPong: (data: string | Uint8Array) => data === 'pong' });

    it('should send the message, swallow matching replies, and deliver everything else', async () => {
      const { socket, s, events } = createSocket({ heartbeat: appHeartbeat }, { runtime: 'browser' });
      await settle();
      const t = s.last;
      t.canPing = false;
      t.open();
      await vi.advanceTimersByTimeAsync(1000);
      expect(t.data).toEqual(['ping']);
      t.receive('pong');
      t.receive('news');
      await vi.advanceTimersByTimeAsync(1000);
      t.receive('pong');
      expect(events.of('message')).toEqual([['news', { binary: false }]]);
      expect(socket.stats.received).toBe(1);
      expect(socket.stats.sent).toBe(0);
      expect(t.terminated).toHaveLength(0);
    });

    it('should terminate when the reply does not come', async () => {
      const { socket, s } = createSocket({ heartbeat: appHeartbeat }, { runtime: 'browser' });
      await settle();
      s.last.canPing = false;
      s.last.open();
      await vi.advanceTimersByTimeAsync(1300);
      expect(s.last.terminated[0].error).toMatchObject({ phase: 'heartbeat' });
      expect(socket.state).toBe('reconnecting');
    });

    it('should use the message on Node too, instead of protocol pings', async () => {
      const { s } = createSocket({ heartbeat: { ...heartbeat, message: new Uint8Array([0]) } });
      await settle();
      s.last.open();
      await vi.advanceTimersByTimeAsync(1000);
      expect(s.last.pings).toHaveLength(0);
      expect(s.last.data).toEqual([new Uint8Array([0])]);
    });

    it('should survive a link that refuses the probe because it is closing', async () => {
      const { s } = createSocket({ heartbeat: { ...heartbeat, message: 'ping' } });
      await settle();
      s.last.open();
      s.last.refuse = true;
      await vi.advanceTimersByTimeAsync(1000);
      expect(s.last.terminated).toHaveLength(0);
    });
  });
});
