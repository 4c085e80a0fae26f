import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ConnectionClosedError,
  InvalidArgumentError,
  InvalidStateError,
  NetworkError,
  QueueOverflowError,
} from '../../src/errors.js';
import { createSocket, settle } from './helpers/script-transport.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('send()', () => {
  it('should hand data to the open transport with the fragment size', async () => {
    const { socket, s } = createSocket({ fragmentSize: 16 });
    await settle();
    s.last.open();
    socket.send('a');
    socket.send(new Uint8Array([1]), { fragmentSize: 4 });
    expect(s.last.sent.map(({ data, fragmentSize }) => [data, fragmentSize])).toEqual([
      ['a', 16],
      [new Uint8Array([1]), 4],
    ]);
    expect(socket.stats.sent).toBe(2);
  });

  it('should normalise ArrayBuffer and other views to a Uint8Array over the same memory', async () => {
    const { socket, s } = createSocket();
    await settle();
    s.last.open();
    const buffer = new ArrayBuffer(8);
    socket.send(buffer);
    const view = new DataView(buffer, 2, 4);
    socket.send(view);
    socket.send(new Uint16Array(buffer, 4, 2));
    const [a, b, c] = s.last.data as Uint8Array[];
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a.buffer).toBe(buffer);
    expect([b.buffer, b.byteOffset, b.byteLength]).toEqual([buffer, 2, 4]);
    expect([c.buffer, c.byteOffset, c.byteLength]).toEqual([buffer, 4, 4]);
  });

  it('should pass a Blob through in browsers and refuse it on Node with a clear error', async () => {
    const browser = createSocket({}, { runtime: 'browser' });
    await settle();
    browser.s.last.open();
    const blob = new Blob(['x']);
    browser.socket.send(blob);
    expect(browser.s.last.data).toEqual([blob]);

    const node = createSocket();
    expect(() => node.socket.send(blob)).toThrow(InvalidArgumentError);
    expect(() => node.socket.send(blob)).toThrow(
      'Invalid data [object Blob]: send() accepts a string, Uint8Array, ArrayBuffer or ArrayBufferView',
    );
  });

  it.each([[42], [null], [undefined], [{}], [[1, 2]]])(
    'should refuse %j with InvalidArgumentError, reporting nothing',
    (data) => {
      const { socket, events } = createSocket();
      expect(() => socket.send(data as never)).toThrow(InvalidArgumentError);
      expect(events.of('drop')).toHaveLength(0);
      expect(socket.bufferedAmount).toBe(0);
    },
  );

  it('should refuse a bad fragmentSize', () => {
    const { socket } = createSocket();
    expect(() => socket.send('x', { fragmentSize: -1 })).toThrow('Invalid option fragmentSize: -1 (expected an integer >= 0)');
  });

  describe('while not open', () => {
    it('should queue in order and flush right after open, before the open event', async () => {
      const { socket, s, events } = createSocket();
      socket.send('1');
      socket.send('2');
      await settle();
      socket.send('3');
      socket.on('open', () => socket.send('from open'));
      s.last.open();
      expect(s.last.data).toEqual(['1', '2', '3', 'from open']);
      expect(events.names()).toEqual(['state:open', 'open']);
      expect(socket.stats).toMatchObject({ queued: 3, sent: 4 });
      expect(socket.bufferedAmount).toBe(0);
    });

    it('should queue across reconnects and deliver each message exactly once', async () => {
      const { socket, s } = createSocket();
      await settle();
      s.last.open();
      socket.send('a');
      s.last.end();
      socket.send('b');
      socket.send('c');
      await vi.advanceTimersByTimeAsync(1000);
      s.last.fail(new NetworkError('refused'));
      socket.send('d');
      await vi.advanceTimersByTimeAsync(2000);
      s.last.open();
      socket.send('e');
      expect(s.transports.map((t) => t.data)).toEqual([['a'], [], ['b', 'c', 'd', 'e']]);
    });

    it('should count queued text in UTF-8 bytes in bufferedAmount', async () => {
      const { socket, s } = createSocket();
      socket.send('€€');
      socket.send(new Uint8Array(10));
      expect(socket.bufferedAmount).toBe(16);
      await settle();
      s.last.bufferedAmount = 5;
      expect(socket.bufferedAmount).toBe(21);
    });

    it('should refuse the message that overflows maxMessages: throw QueueOverflowError and emit drop', () => {
      const { socket, events } = createSocket({ queue: { maxMessages: 2 } });
      socket.send('1');
      socket.send('2');
      let thrown: unknown;
      try {
        socket.send('3');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(QueueOverflowError);
      expect(thrown).toMatchObject({ limit: 'maxMessages', data: '3' });
      expect((thrown as Error).message).toBe(
        'Send queue is full (maxMessages 2; 2 messages, 2 bytes queued): the 1-byte message was not queued',
      );
      expect(events.of('drop')).toEqual([[{ data: '3', error: thrown }]]);
      expect(socket.stats).toMatchObject({ queued: 2, dropped: 1 });
    });

    it('should refuse the message that overflows maxBytes', () => {
      const { socket, events } = createSocket({ queue: { maxBytes: 10 } });
      socket.send(new Uint8Array(8));
      expect(() => socket.send('abc')).toThrow(QueueOverflowError);
      socket.send('ab');
      expect(events.of('drop')[0][0].error).toMatchObject({ limit: 'maxBytes' });
      expect(socket.bufferedAmount).toBe(10);
    });

    it('should reject sendAsync on overflow and emit drop', async () => {
      const { socket, events } = createSocket({ queue: { maxMessages: 1 } });
      socket.send('1');
      await expect(socket.sendAsync('2')).rejects.toBeInstanceOf(QueueOverflowError);
      expect(events.of('drop')).toHaveLength(1);
    });

    it('should throw InvalidStateError saying what to do with queue: false, and report the drop', async () => {
      const { socket, events } = createSocket({ queue: false });
      expect(() => socket.send('x')).toThrow(InvalidStateError);
      expect(() => socket.send('x')).toThrow(
        "Cannot send: the socket is connecting and the queue is disabled (queue: false); wait for the 'open' event or enable the queue",
      );
      expect(events.of('drop')).toHaveLength(2);
      expect(socket.bufferedAmount).toBe(0);
    });
  });

  describe('after close', () => {
    it('should throw InvalidStateError while closing and once closed', async () => {
      const { socket, s } = createSocket();
      await settle();
      s.last.open();
      socket.close();
      expect(() => socket.send('x')).toThrow('Cannot send: the socket is closing; messages sent after close() are not delivered');
      s.last.end({ code: 1000, wasClean: true });
      expect(() => socket.send('x')).toThrow(InvalidStateError);
      await expect(socket.sendAsync('x')).rejects.toBeInstanceOf(InvalidStateError);
    });

    it('should report every queued message as unsent: in the close event, with drop, and by rejecting sendAsync', async () => {
      const { socket, events } = createSocket();
      socket.send('1');
      const pending = socket.sendAsync(new Uint8Array([2]));
      socket.send('3');
      await settle();
      socket.close();
      expect(events.of('close')[0][0].unsent).toEqual(['1', new Uint8Array([2]), '3']);
      expect(events.of('drop').map(([d]) => d.data)).toEqual(['1', new Uint8Array([2]), '3']);
      expect(events.of('drop')[0][0].error).toBeInstanceOf(ConnectionClosedError);
      await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
      expect(socket.stats.dropped).toBe(3);
      expect(events.names().slice(-5)).toEqual(['state:closed', 'drop', 'drop', 'drop', 'close']);
      expect(socket.bufferedAmount).toBe(0);
    });

    it('should report messages queued when retries run out', async () => {
      const { socket, s, events } = createSocket({ reconnect: { maxRetries: 1 } });
      await settle();
      socket.send('q');
      s.last.fail(new NetworkError('refused'));
      await vi.advanceTimersByTimeAsync(1000);
      s.last.fail(new NetworkError('refused'));
      const [close] = events.of('close')[0];
      expect(close.unsent).toEqual(['q']);
      expect(events.of('drop')[0][0].error).toMatchObject({ closeCode: 1006, cause: close.error });
    });
  });

  describe('sendAsync()', () => {
    it('should resolve once the transport handed the bytes to the network', async () => {
      const { socket, s } = createSocket();
      await settle();
      s.last.open();
      s.last.doneMode = 'manual';
      let resolved = false;
      const promise = socket.sendAsync('x').then(() => (resolved = true));
      await settle();
      expect(resolved).toBe(false);
      s.last.complete();
      await promise;
      expect(resolved).toBe(true);
    });

    it('should resolve a queued message after it was flushed', async () => {
      const { socket, s } = createSocket();
      const promise = socket.sendAsync('queued');
      await settle();
      s.last.open();
      await expect(promise).resolves.toBeUndefined();
    });

    it('should reject with ConnectionClosedError when the write fails, emit drop, and never retry it', async () => {
      const { socket, s, events } = createSocket();
      await settle();
      s.last.open();
      s.last.doneMode = 'manual';
      const promise = socket.sendAsync('lost');
      socket.send('also lost');
      const cause = new Error('EPIPE');
      s.last.failWrites(cause);
      const error = await promise.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect(error).toMatchObject({ closeCode: 1006, cause });
      expect(events.of('drop').map(([d]) => d.data)).toEqual(['lost', 'also lost']);
      s.last.end();
      await vi.advanceTimersByTimeAsync(1000);
      s.last.open();
      expect(s.last.data).toEqual([]);
      expect(socket.stats).toMatchObject({ dropped: 2, sent: 0 });
    });

    it('should keep a ConnectionClosedError from the transport as is', async () => {
      const { socket, s } = createSocket();
      await settle();
      s.last.open();
      s.last.doneMode = 'manual';
      const promise = socket.sendAsync('x');
      const error = new ConnectionClosedError('Connection lost before the data could be sent', 1006, '', false);
      s.last.failWrites(error);
      await expect(promise).rejects.toBe(error);
    });
  });

  describe('a link that is already closing', () => {
    it('should queue a message the transport refused at once (send() returned false) and send it after the reconnect', async () => {
      const { socket, s, events } = createSocket();
      await settle();
      s.last.open();
      s.last.refuse = true;
      socket.send('1');
      socket.send('2');
      expect(events.of('drop')).toHaveLength(0);
      expect(socket.stats.queued).toBe(2);
      s.last.end({ code: 1001, wasClean: true });
      await vi.advanceTimersByTimeAsync(1000);
      s.last.open();
      expect(s.last.data).toEqual(['1', '2']);
    });

    it('should keep a refused message at the head when the flush is interrupted', async () => {
      const { socket, s } = createSocket();
      socket.send('1');
      socket.send('2');
      await settle();
      const t = s.last;
      const send = t.send.bind(t);
      let calls = 0;
      t.send = (data, size, done) => {
        if (++calls === 2) t.refuse = true;
        return send(data, size, done);
      };
      t.open();
      expect(t.data).toEqual(['1']);
      expect(socket.bufferedAmount).toBe(1);
      t.end();
      await vi.advanceTimersByTimeAsync(1000);
      s.last.open();
      expect(s.last.data).toEqual(['2']);
    });

    it('should throw InvalidStateError for a refused message with queue: false', async () => {
      const { socket, s, events } = createSocket({ queue: false });
      await settle();
      s.last.open();
      s.last.refuse = true;
      expect(() => socket.send('x')).toThrow('Cannot send: the socket is closing its link and the queue is disabled');
      expect(events.of('drop')).toHaveLength(1);
    });
  });
});
