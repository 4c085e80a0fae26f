// The send queue (held in the Socket since issue 16): bounded by message count and bytes, FIFO, and a message the
// transport refuses while flushing stays at the head. Driven through the public API over a scripted transport.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { byteLength } from '../../src/byte-length.js';
import { QueueOverflowError } from '../../src/errors.js';
import { createSocket, settle } from './helpers/script-transport.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the send queue', () => {
  it('should accept a message that fits maxBytes exactly after refusing a larger one, in FIFO order', async () => {
    const { socket, s, events } = createSocket({ queue: { maxBytes: 10 } });
    socket.send(new Uint8Array(6));
    expect(() => socket.send('12345')).toThrow(QueueOverflowError);
    socket.send('1234');
    expect(socket.bufferedAmount).toBe(10);
    expect(events.of('drop').map(([d]) => d.data)).toEqual(['12345']);
    await settle();
    s.last.open();
    expect(s.last.data).toEqual([new Uint8Array(6), '1234']);
    expect(socket.bufferedAmount).toBe(0);
  });

  it('should refuse a single message bigger than maxBytes even when empty', () => {
    const { socket, events } = createSocket({ queue: { maxBytes: 10 } });
    expect(() => socket.send(new Uint8Array(11))).toThrow(
      'Send queue is full (maxBytes 10; 0 messages, 0 bytes queued): the 11-byte message was not queued',
    );
    expect(events.of('drop')).toHaveLength(1);
    expect(socket.bufferedAmount).toBe(0);
  });

  it('should leave the queue unchanged when maxMessages refuses a message, and take one again once flushed', async () => {
    const { socket, s } = createSocket({ queue: { maxMessages: 2 } });
    socket.send('a');
    socket.send('b');
    expect(() => socket.send('c')).toThrow(QueueOverflowError);
    expect(socket.stats).toMatchObject({ queued: 2, dropped: 1 });
    await settle();
    s.last.open();
    socket.close(); // closing: the next send is refused by state, not by the (now empty) queue
    expect(s.last.data).toEqual(['a', 'b']);
  });

  it('should keep a message the transport refuses while flushing at the head, with its bytes counted', async () => {
    const { socket, s, events } = createSocket();
    socket.send('first');
    socket.send('second');
    await settle();
    s.last.refuse = true; // the link is closing as it opens: it takes nothing
    s.last.open();
    expect(s.last.data).toEqual([]);
    expect(socket.bufferedAmount).toBe(11);
    s.last.end({ code: 1006 });
    await vi.advanceTimersByTimeAsync(1000);
    s.last.open();
    expect(s.last.data).toEqual(['first', 'second']);
    expect(socket.bufferedAmount).toBe(0);
    expect(events.of('drop')).toEqual([]);
  });

  it('should accept unbounded limits', async () => {
    const { socket, s } = createSocket({ queue: { maxMessages: Infinity, maxBytes: Infinity } });
    for (let i = 0; i < 10_000; i++) socket.send(new Uint8Array(1000));
    expect(socket.bufferedAmount).toBe(10_000_000);
    await settle();
    s.last.open();
    expect(s.last.data).toHaveLength(10_000);
  });
});

describe('byteLength', () => {
  it('should count text in UTF-8 bytes, not UTF-16 units', () => {
    expect(byteLength('')).toBe(0);
    expect(byteLength('abc')).toBe(3);
    expect(byteLength('é')).toBe(2);
    expect(byteLength('€')).toBe(3);
    expect(byteLength('😀')).toBe(4);
    // A lone surrogate goes out as U+FFFD (3 bytes).
    expect(byteLength('\ud800')).toBe(3);
  });

  it('should count bytes of binary data and Blobs', () => {
    expect(byteLength(new Uint8Array(5))).toBe(5);
    expect(byteLength(new Uint8Array(new ArrayBuffer(10), 2, 3))).toBe(3);
    expect(byteLength(new Blob(['hello']))).toBe(5);
  });
});
