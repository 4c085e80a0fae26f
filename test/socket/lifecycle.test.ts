import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionClosedError, InvalidArgumentError, InvalidStateError, NetworkError } from '../../src/errors.js';
import { createSocket, settle, URL_ } from './helpers/script-transport.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('Socket lifecycle', () => {
  it('should connect at once, on a microtask, with the resolved URL and transport options', async () => {
    const { socket, s } = createSocket({ protocols: ['chat.v1'], headers: { 'X-Id': '1' }, origin: 'https://app.test' });
    expect(socket.state).toBe('connecting');
    expect(socket.readyState).toBe(0);
    expect(socket.url).toBe(URL_);
    expect(s.transports).toHaveLength(0);
    await settle();
    expect(s.transports).toHaveLength(1);
    const t = s.last;
    expect(t.url.href).toBe(URL_);
    expect(t.options).toMatchObject({
      protocols: ['chat.v1'],
      headers: { 'X-Id': '1' },
      origin: 'https://app.test',
      maxPayload: 100 * 1024 * 1024,
      noDelay: true,
    });
    expect(socket.stats.attempts).toBe(1);
  });

  it('should emit state then open with the negotiated details, and expose them as properties', async () => {
    const { socket, s, events } = createSocket();
    await settle();
    const handshake = { key: 'k', expectedAccept: 'a', receivedAccept: 'a', status: 101, headers: {} };
    s.last.open({ protocol: 'chat.v1', extensions: 'permessage-deflate', handshake });
    expect(events.names()).toEqual(['state:open', 'open']);
    expect(events.of('state')[0]).toEqual(['open', 'connecting']);
    expect(events.of('open')[0][0]).toEqual({
      protocol: 'chat.v1',
      extensions: 'permessage-deflate',
      handshake,
      reconnected: false,
      attempt: 0,
    });
    expect(socket.state).toBe('open');
    expect(socket.readyState).toBe(1);
    expect(socket.protocol).toBe('chat.v1');
    expect(socket.extensions).toBe('permessage-deflate');
    expect(socket.handshake).toBe(handshake);
  });

  it('should emit messages with their kind and count them', async () => {
    const { socket, s, events } = createSocket();
    await settle();
    s.last.open();
    s.last.receive('hello');
    s.last.receive(new Uint8Array([1, 2]));
    expect(events.of('message')).toEqual([
      ['hello', { binary: false }],
      [new Uint8Array([1, 2]), { binary: true }],
    ]);
    expect(socket.stats.received).toBe(2);
  });

  it('should keep going when a listener throws, and rethrow its error on a microtask when nobody listens to error', async () => {
    const { socket, s, events } = createSocket();
    await settle();
    s.last.open();
    // With an 'error' listener the error would be emitted there (test/hostile/script.test.ts).
    socket.removeAllListeners('error');
    const bug = new Error('listener bug');
    socket.once('message', () => {
      throw bug;
    });
    const reported: (() => void)[] = [];
    const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => void reported.push(task));
    try {
      s.last.receive('first');
      s.last.receive('second');
    } finally {
      spy.mockRestore();
    }
    expect(events.of('message').map(([data]) => data)).toEqual(['first', 'second']);
    expect(socket.stats.received).toBe(2);
    expect(reported).toHaveLength(1);
    expect(() => reported[0]()).toThrow(bug);
  });

  it('should emit ping and pong from the transport', async () => {
    const { s, events } = createSocket();
    await settle();
    s.last.open();
    s.last.serverPing(new Uint8Array([1]));
    s.last.pong(new Uint8Array([2]));
    expect(events.of('ping')).toEqual([[new Uint8Array([1])]]);
    expect(events.of('pong')).toEqual([[new Uint8Array([2])]]);
  });

  it('should send a protocol ping with ping(), encoding text', async () => {
    const { socket, s } = createSocket();
    expect(() => socket.ping()).toThrow(InvalidStateError);
    expect(() => socket.ping()).toThrow('Cannot ping: the socket is connecting');
    await settle();
    s.last.open();
    socket.ping();
    socket.ping('hi');
    socket.ping(new Uint8Array([9]).buffer);
    expect(s.last.pings).toEqual([undefined, new Uint8Array([104, 105]), new Uint8Array([9])]);
    expect(() => socket.ping(new Blob(['x']) as never)).toThrow(InvalidArgumentError);
  });

  it('should explain that browsers cannot ping', async () => {
    const { socket, s } = createSocket({}, { runtime: 'browser' });
    await settle();
    s.last.canPing = false;
    s.last.open();
    expect(() => socket.ping()).toThrow(/no ping API; use heartbeat\.message/);
  });

  describe('close()', () => {
    it('should run the closing handshake on an open link and emit the final close once the transport ends', async () => {
      const { socket, s, events } = createSocket();
      await settle();
      s.last.open();
      socket.close(1000, 'bye');
      expect(socket.state).toBe('closing');
      expect(socket.readyState).toBe(2);
      expect(s.last.closeCalls).toEqual([{ code: 1000, reason: 'bye' }]);
      expect(events.of('close')).toHaveLength(0);
      s.last.end({ code: 1000, reason: 'bye', wasClean: true });
      expect(socket.state).toBe('closed');
      expect(socket.readyState).toBe(3);
      // The state first (issue 11 item 9): a `disconnect` listener reads `closed`.
      expect(events.names()).toEqual(['state:open', 'open', 'state:closing', 'state:closed', 'disconnect', 'close']);
      expect(events.of('close')[0][0]).toEqual({ code: 1000, reason: 'bye', wasClean: true, unsent: [] });
      expect(vi.getTimerCount()).toBe(0);
    });

    it('should not reconnect after close(), whatever the server answers', async () => {
      const { s, socket } = createSocket();
      await settle();
      s.last.open();
      socket.close();
      s.last.end({ code: 1006 });
      await vi.advanceTimersByTimeAsync(60_000);
      expect(s.transports).toHaveLength(1);
      expect(socket.state).toBe('closed');
    });

    it('should end at once while connecting: terminate the attempt, close synchronously with the code given', async () => {
      const { socket, s, events } = createSocket({ connectionTimeout: 5000 });
      await settle();
      expect(vi.getTimerCount()).toBe(1);
      socket.close(4000, 'changed my mind');
      expect(s.last.terminated).toHaveLength(1);
      expect(socket.state).toBe('closed');
      expect(events.of('close')[0][0]).toEqual({ code: 4000, reason: 'changed my mind', wasClean: false, unsent: [] });
      expect(vi.getTimerCount()).toBe(0);
      // The terminated transport's own close report is ignored.
      expect(events.names()).toEqual(['state:closed', 'close']);
    });

    it('should report 1005 when closed without a code and no link', async () => {
      const { socket, events } = createSocket();
      socket.close();
      expect(events.of('close')[0][0]).toMatchObject({ code: 1005, reason: '', wasClean: false });
    });

    it('should cancel a scheduled retry at once, leaving no timer', async () => {
      const { socket, s } = createSocket();
      await settle();
      s.last.open();
      s.last.end();
      expect(socket.state).toBe('reconnecting');
      expect(vi.getTimerCount()).toBe(1);
      socket.close();
      expect(vi.getTimerCount()).toBe(0);
      expect(socket.state).toBe('closed');
      await vi.advanceTimersByTimeAsync(120_000);
      expect(s.transports).toHaveLength(1);
    });

    it('should cancel a pending provider: its late answer starts nothing', async () => {
      let release!: (url: string) => void;
      const { socket, s } = createSocket({}, { url: () => new Promise<string>((r) => (release = r)) });
      await settle();
      socket.close();
      release(URL_);
      await settle();
      expect(s.transports).toHaveLength(0);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('should stop the heartbeat and connection timers of an open link at once', async () => {
      const { socket, s } = createSocket({ heartbeat: { interval: 1000, timeout: 500 }, connectionTimeout: 3000 });
      await settle();
      s.last.open();
      expect(vi.getTimerCount()).toBe(1);
      socket.close();
      expect(vi.getTimerCount()).toBe(0);
      s.last.end({ code: 1000, wasClean: true });
      expect(vi.getTimerCount()).toBe(0);
    });

    it('should validate the code and reason', async () => {
      const { socket } = createSocket();
      expect(() => socket.close(1001)).toThrow(InvalidArgumentError);
      expect(() => socket.close(1005)).toThrow('close() accepts 1000 or 3000-4999');
      expect(() => socket.close(1000, 'x'.repeat(124))).toThrow(/124 bytes/);
      expect(() => socket.close(undefined, 'why')).toThrow(InvalidArgumentError);
      expect(socket.state).toBe('connecting');
    });

    it('should do nothing when called again', async () => {
      const { socket, s, events } = createSocket();
      await settle();
      s.last.open();
      socket.close();
      socket.close(4000);
      expect(s.last.closeCalls).toHaveLength(1);
      s.last.end({ code: 1000, wasClean: true });
      socket.close();
      expect(events.of('close')).toHaveLength(1);
    });

    it('should report the error of a closing handshake that failed', async () => {
      const { socket, s, events } = createSocket();
      await settle();
      s.last.open();
      socket.close();
      const error = new NetworkError('reset');
      s.last.fail(error);
      expect(events.of('error')).toEqual([[error]]);
      expect(events.of('close')[0][0].error).toBe(error);
    });

    it('should remove every listener it added to the transport: later events change nothing', async () => {
      const { socket, s, events } = createSocket();
      await settle();
      const t = s.last;
      t.open();
      socket.close();
      t.end({ code: 1000, wasClean: true });
      const count = events.length;
      t.receive('late');
      t.open();
      t.finished = false;
      t.end();
      expect(events.length).toBe(count);
    });
  });

  describe('late events of a detached transport', () => {
    it('should ignore everything an old transport reports after a reconnect', async () => {
      const { socket, s, events } = createSocket();
      await settle();
      const old = s.last;
      old.open();
      socket.reconnect();
      await settle();
      expect(s.transports).toHaveLength(2);
      const before = events.length;
      old.receive('stale');
      old.serverPing();
      old.pong();
      old.open();
      old.end({ code: 1000 });
      expect(events.length).toBe(before);
      expect(socket.state).toBe('connecting');
      s.last.open();
      expect(socket.state).toBe('open');
    });

    it('should ignore an attempt that reports after the connection timeout replaced it', async () => {
      const { socket, s } = createSocket({ connectionTimeout: 1000 });
      await settle();
      const first = s.last;
      await vi.advanceTimersByTimeAsync(1000);
      expect(first.terminated).toHaveLength(1);
      expect(socket.state).toBe('reconnecting');
      first.open();
      expect(socket.state).toBe('reconnecting');
    });
  });

  describe('reconnect()', () => {
    it('should close the open link, announce it, and connect again at once', async () => {
      const { socket, s, events } = createSocket();
      await settle();
      s.last.open();
      socket.reconnect(4001, 'rotate');
      expect(s.transports[0].closeCalls).toEqual([{ code: 4001, reason: 'rotate' }]);
      expect(events.names()).toEqual([
        'state:open',
        'open',
        'state:reconnecting',
        'disconnect',
        'reconnecting',
        'state:connecting',
      ]);
      expect(events.of('disconnect')[0][0]).toEqual({ code: 4001, reason: 'rotate', wasClean: false });
      expect(events.of('reconnecting')[0][0]).toMatchObject({ attempt: 1, delay: 0 });
      await settle();
      s.last.open();
      expect(events.of('open')[1][0]).toMatchObject({ reconnected: true, attempt: 1 });
      expect(socket.stats.reconnects).toBe(1);
    });

    it('should replace a pending attempt or skip a scheduled delay', async () => {
      const { socket, s } = createSocket({ reconnect: { minDelay: 10_000 } });
      await settle();
      socket.reconnect();
      expect(s.transports[0].terminated).toHaveLength(1);
      await settle();
      expect(s.transports).toHaveLength(2);
      s.last.end();
      expect(socket.state).toBe('reconnecting');
      socket.reconnect();
      await settle();
      expect(s.transports).toHaveLength(3);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('should refuse after close()', async () => {
      const { socket } = createSocket();
      socket.close();
      expect(() => socket.reconnect()).toThrow(InvalidStateError);
      expect(() => socket.reconnect()).toThrow('create a new Socket');
    });
  });

  describe('listeners that act during events', () => {
    it('should stop everything when close() is called from a disconnect listener', async () => {
      const { socket, s, events } = createSocket();
      await settle();
      s.last.open();
      socket.on('disconnect', () => socket.close(4000));
      s.last.end();
      expect(socket.state).toBe('closed');
      expect(events.of('reconnecting')).toHaveLength(0);
      expect(vi.getTimerCount()).toBe(0);
      expect(events.of('close')[0][0]).toMatchObject({ code: 4000 });
    });

    it('should not emit open when a state listener closed the socket during the open', async () => {
      const { socket, s, events } = createSocket();
      await settle();
      socket.on('state', (state) => state === 'open' && socket.close());
      s.last.open();
      expect(events.of('open')).toHaveLength(0);
      expect(socket.state).toBe('closing');
    });

    it('should start exactly one attempt when reconnect() is called from a reconnecting listener', async () => {
      const { socket, s } = createSocket({ reconnect: { minDelay: 5000 } });
      await settle();
      s.last.open();
      socket.once('reconnecting', () => socket.reconnect());
      s.last.end();
      await settle();
      expect(s.transports).toHaveLength(2);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  it('should count a factory that throws as a failed attempt, and not retry one that will repeat', async () => {
    const { socket, s, events } = createSocket();
    s.throwOnConnect = new InvalidStateError('WebSocket is not available in this runtime');
    await settle();
    expect(events.of('error')[0][0]).toBe(s.throwOnConnect);
    expect(socket.state).toBe('closed');
    expect(events.of('close')[0][0]).toMatchObject({ code: 1006, error: s.throwOnConnect });
  });

  it('should wrap a non-sockline factory error in a NetworkError and retry it', async () => {
    const { socket, s, events } = createSocket();
    s.throwOnConnect = new TypeError('boom');
    await settle();
    const error = events.of('error')[0][0];
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toContain('boom');
    expect(error.cause).toBe(s.throwOnConnect);
    expect(socket.state).toBe('reconnecting');
  });

  it('should report unsent messages rejected with ConnectionClosedError carrying the close details', async () => {
    const { socket, events } = createSocket();
    const pending = socket.sendAsync('later');
    socket.close(4000, 'done');
    await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(pending).rejects.toMatchObject({ closeCode: 4000, reason: 'done' });
    expect(events.of('close')[0][0].unsent).toEqual(['later']);
  });
});
