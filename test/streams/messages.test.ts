/**
 * socket.messages() on the scripted transport: backpressure through setReading (the Node-like transport), the
 * bounded buffer and its QueueOverflowError (a browser-like transport, which cannot pause), reconnects, the end.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError, InvalidStateError, QueueOverflowError } from '../../src/errors.js';
import { createSocket, settle } from '../socket/helpers/script-transport.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function openSocket(options: Parameters<typeof createSocket>[0] = {}, browserLike = false) {
  const made = createSocket(options);
  made.s.browserLike = browserLike;
  await settle();
  made.s.last.open();
  return made;
}

describe('messages()', () => {
  it('yields text as strings and binary as Uint8Array, in order, and still emits message events', async () => {
    const { socket, s, events } = await openSocket();
    const iterator = socket.messages();
    s.last.receive('a');
    s.last.receive(new Uint8Array([1, 2]));
    expect(await iterator.next()).toEqual({ done: false, value: 'a' });
    expect(await iterator.next()).toEqual({ done: false, value: new Uint8Array([1, 2]) });
    expect(events.of('message').map(([data]) => data)).toEqual(['a', new Uint8Array([1, 2])]);
  });

  it('a waiting next() gets the next message', async () => {
    const { socket, s } = await openSocket();
    const iterator = socket.messages();
    const pending = iterator.next();
    s.last.receive('x');
    expect(await pending).toEqual({ done: false, value: 'x' });
  });

  it('pauses reading over highWaterMark.messages and resumes under half of it', async () => {
    const { socket, s } = await openSocket();
    const iterator = socket.messages({ highWaterMark: { messages: 4 } });
    for (let i = 0; i < 6; i++) s.last.receive(String(i));
    // 4 buffered, the 5th goes over: paused once; what was already read is still kept.
    expect(s.last.reading).toEqual([false]);
    const got: string[] = [];
    for (let i = 0; i < 3; i++) got.push((await iterator.next()).value as string);
    expect(s.last.reading).toEqual([false]); // 3 left: not under half of 4 yet
    got.push((await iterator.next()).value as string);
    expect(s.last.reading).toEqual([false, true]);
    got.push((await iterator.next()).value as string, (await iterator.next()).value as string);
    expect(got).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('pauses reading over highWaterMark.bytes (UTF-8 bytes)', async () => {
    const { socket, s } = await openSocket();
    socket.messages({ highWaterMark: { bytes: 10 } });
    s.last.receive('ééé'); // 6 bytes
    expect(s.last.reading).toEqual([]);
    s.last.receive(new Uint8Array(5)); // 11 > 10
    expect(s.last.reading).toEqual([false]);
  });

  it('a new link starts paused while the loop still lags, and the loop spans the reconnect', async () => {
    const { socket, s } = await openSocket();
    const iterator = socket.messages({ highWaterMark: { messages: 2 } });
    for (let i = 0; i < 3; i++) s.last.receive(String(i));
    const first = s.last;
    expect(first.reading).toEqual([false]);
    first.end();
    await vi.advanceTimersByTimeAsync(60_000);
    const second = s.last;
    expect(second).not.toBe(first);
    second.open();
    expect(second.reading).toEqual([false]);
    expect((await iterator.next()).value).toBe('0');
    expect((await iterator.next()).value).toBe('1');
    expect(second.reading).toEqual([false, true]);
    second.receive('after');
    expect((await iterator.next()).value).toBe('2');
    expect((await iterator.next()).value).toBe('after');
  });

  it('ends after the final close, once the buffered messages were taken', async () => {
    const { socket, s } = await openSocket();
    const got: unknown[] = [];
    const loop = (async () => {
      for await (const data of socket.messages()) got.push(data);
    })();
    s.last.receive('a');
    socket.close();
    s.last.end({ code: 1000, wasClean: true });
    await loop;
    expect(got).toEqual(['a']);
    expect(socket.state).toBe('closed');
    // After the final close: done at once.
    expect(await socket.messages().next()).toEqual({ done: true, value: undefined });
  });

  it('break does not close the Socket, resumes reading, and allows a new loop', async () => {
    const { socket, s } = await openSocket();
    const iterator = socket.messages({ highWaterMark: { messages: 1 } });
    s.last.receive('x');
    s.last.receive('y');
    expect(s.last.reading).toEqual([false]);
    for await (const data of iterator) {
      expect(data).toBe('x');
      break;
    }
    expect(s.last.reading).toEqual([false, true]);
    expect(socket.state).toBe('open');
    const again = socket.messages();
    s.last.receive('z');
    expect((await again.next()).value).toBe('z');
  });

  it('refuses a second loop at once with InvalidStateError', async () => {
    const { socket } = await openSocket();
    socket.messages();
    expect(() => socket.messages()).toThrow(InvalidStateError);
  });

  it('rejects a bad highWaterMark with InvalidArgumentError', async () => {
    const { socket } = await openSocket();
    expect(() => socket.messages({ highWaterMark: { messages: 0 } })).toThrow(InvalidArgumentError);
    expect(() => socket.messages({ highWaterMark: { bytes: 1.5 } })).toThrow(/highWaterMark.bytes/);
    expect(() => socket.messages({ highWaterMark: 5 as never })).toThrow(InvalidArgumentError);
  });

  describe('on a transport that cannot pause (browser-like)', () => {
    it('yields what fit, then throws QueueOverflowError naming the limit, then is done; the Socket stays open', async () => {
      const { socket, s, events } = await openSocket({}, true);
      const iterator = socket.messages({ highWaterMark: { messages: 2 } });
      for (let i = 0; i < 4; i++) s.last.receive(String(i));
      expect((await iterator.next()).value).toBe('0');
      expect((await iterator.next()).value).toBe('1');
      const error = await iterator.next().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(QueueOverflowError);
      expect(error).toMatchObject({ limit: 'maxMessages', data: '2' });
      expect(String((error as Error).message)).toMatch(/highWaterMark.messages \(2\)/);
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
      expect(socket.state).toBe('open');
      // Listeners heard every message, the ones past the overflow too.
      expect(events.of('message').map(([data]) => data)).toEqual(['0', '1', '2', '3']);
      // A new loop may start.
      expect(() => socket.messages()).not.toThrow();
    });

    it('a loop that keeps up never overflows', async () => {
      const { socket, s } = await openSocket({}, true);
      const iterator = socket.messages({ highWaterMark: { messages: 1 } });
      for (let i = 0; i < 100; i++) {
        s.last.receive(String(i));
        expect((await iterator.next()).value).toBe(String(i));
      }
    });
  });
});
