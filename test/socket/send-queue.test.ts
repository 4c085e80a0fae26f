import { describe, expect, it } from 'vitest';
import { byteLength, SendQueue } from '../../src/send-queue.js';

const item = (name: string, size = 1) => ({ name, size });

describe('SendQueue', () => {
  it('should keep FIFO order and count messages and bytes', () => {
    const queue = new SendQueue<ReturnType<typeof item>>(10, 100);
    expect(queue.push(item('a', 3))).toBeUndefined();
    expect(queue.push(item('b', 4))).toBeUndefined();
    expect(queue.length).toBe(2);
    expect(queue.bytes).toBe(7);
    expect(queue.shift()?.name).toBe('a');
    expect(queue.bytes).toBe(4);
    expect(queue.shift()?.name).toBe('b');
    expect(queue.shift()).toBeUndefined();
    expect(queue.bytes).toBe(0);
  });

  it('should refuse the message that would exceed maxMessages and leave the queue unchanged', () => {
    const queue = new SendQueue<ReturnType<typeof item>>(2, 100);
    queue.push(item('a'));
    queue.push(item('b'));
    expect(queue.push(item('c'))).toBe('maxMessages');
    expect(queue.length).toBe(2);
    expect(queue.bytes).toBe(2);
  });

  it('should refuse the message that would exceed maxBytes, but accept one that fits exactly', () => {
    const queue = new SendQueue<ReturnType<typeof item>>(10, 10);
    expect(queue.push(item('a', 6))).toBeUndefined();
    expect(queue.push(item('b', 5))).toBe('maxBytes');
    expect(queue.push(item('c', 4))).toBeUndefined();
    expect(queue.bytes).toBe(10);
    expect(queue.drain().map((i) => i.name)).toEqual(['a', 'c']);
  });

  it('should refuse a single message bigger than maxBytes even when empty', () => {
    const queue = new SendQueue<ReturnType<typeof item>>(10, 10);
    expect(queue.push(item('big', 11))).toBe('maxBytes');
    expect(queue.length).toBe(0);
  });

  it('should put an item back at the head with unshift', () => {
    const queue = new SendQueue<ReturnType<typeof item>>(2, 100);
    queue.push(item('a', 2));
    queue.push(item('b', 3));
    const head = queue.shift()!;
    queue.unshift(head);
    expect(queue.bytes).toBe(5);
    expect(queue.drain().map((i) => i.name)).toEqual(['a', 'b']);
  });

  it('should empty the queue with drain', () => {
    const queue = new SendQueue<ReturnType<typeof item>>(5, 100);
    queue.push(item('a', 2));
    queue.push(item('b', 2));
    expect(queue.drain()).toHaveLength(2);
    expect(queue.length).toBe(0);
    expect(queue.bytes).toBe(0);
    expect(queue.drain()).toEqual([]);
  });

  it('should accept unbounded limits', () => {
    const queue = new SendQueue<ReturnType<typeof item>>(Infinity, Infinity);
    for (let i = 0; i < 10_000; i++) expect(queue.push(item(String(i), 1000))).toBeUndefined();
    expect(queue.bytes).toBe(10_000_000);
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
