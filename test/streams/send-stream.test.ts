/**
 * socket.sendStream() on the scripted transport: fragments in order, send() held until end() and flushed after it,
 * abort, a link lost mid-stream, and the buffered path of a transport without fragment control (browser-like).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  ConnectionClosedError,
  InvalidArgumentError,
  InvalidStateError,
  QueueOverflowError,
} from '../../src/errors.js';
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

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('sendStream() with fragment control', () => {
  it('sends each chunk as a fragment: first, continuations, fin on end()', async () => {
    const { socket, s } = await openSocket();
    const writer = socket.sendStream();
    expect(writer.fragmented).toBe(true);
    await writer.write('hé');
    await writer.write('llo');
    await writer.end('!');
    expect(s.last.fragments.map(({ data, binary, first, fin }) => [text(data), binary, first, fin])).toEqual([
      ['hé', false, true, false],
      ['llo', false, false, false],
      ['!', false, false, true],
    ]);
  });

  it('end() without a chunk sends an empty final fragment; binary chunks may be ArrayBuffers or views', async () => {
    const { socket, s } = await openSocket();
    const writer = socket.sendStream({ binary: true });
    await writer.write(new Uint8Array([1]).buffer);
    await writer.write(new DataView(new Uint8Array([2, 3]).buffer));
    await writer.end();
    expect(s.last.fragments.map(({ data, binary, fin }) => [[...data], binary, fin])).toEqual([
      [[1], true, false],
      [[2, 3], true, false],
      [[], true, true],
    ]);
  });

  it('holds send() until end(), then sends the queued messages in order', async () => {
    const { socket, s } = await openSocket();
    const writer = socket.sendStream();
    await writer.write('part1');
    socket.send('other1');
    socket.send('other2');
    expect(s.last.data).toHaveLength(1);
    await writer.end('part2');
    expect(s.last.sent.map(({ data }) => (typeof data === 'string' ? data : text(data as Uint8Array)))).toEqual([
      'part1',
      'part2',
      'other1',
      'other2',
    ]);
    // And send() writes directly again.
    socket.send('after');
    expect(s.last.data.at(-1)).toBe('after');
  });

  it('write() waits while the write buffer is over highWaterMark', async () => {
    const { socket, s } = await openSocket({ writeBuffer: { highWaterMark: 100, lowWaterMark: 10 } });
    const writer = socket.sendStream();
    s.last.bufferedAmount = 500;
    let resolved = false;
    const written = writer.write('x').then(() => (resolved = true));
    await vi.advanceTimersByTimeAsync(100);
    expect(resolved).toBe(false);
    s.last.bufferedAmount = 100;
    await vi.advanceTimersByTimeAsync(20);
    await written;
    expect(resolved).toBe(true);
  });

  it('a chunk of the wrong type rejects with InvalidArgumentError; a second stream is refused', async () => {
    const { socket } = await openSocket();
    const writer = socket.sendStream();
    await expect(writer.write(new Uint8Array(1))).rejects.toThrow(InvalidArgumentError);
    expect(() => socket.sendStream()).toThrow(InvalidStateError);
    await writer.end('still fine');
    const binary = socket.sendStream({ binary: true });
    await expect(binary.write('x')).rejects.toThrow(InvalidArgumentError);
    await binary.end();
    expect(() => socket.sendStream({ binary: 1 as never })).toThrow(InvalidArgumentError);
  });

  it('the link lost mid-stream: writes reject with ConnectionClosedError, one drop, queued messages go on the next link', async () => {
    const { socket, s, events } = await openSocket();
    const writer = socket.sendStream();
    await writer.write('a');
    socket.send('queued');
    const first = s.last;
    first.end({ code: 1006 });
    await settle();
    await expect(writer.write('b')).rejects.toThrow(ConnectionClosedError);
    await expect(writer.end()).rejects.toThrow(ConnectionClosedError);
    const drops = events.of('drop');
    expect(drops).toHaveLength(1);
    expect(drops[0]![0].error).toBeInstanceOf(ConnectionClosedError);
    expect(drops[0]![0].error.message).toMatch(/after 1 fragments \(1 bytes\)/);
    await vi.advanceTimersByTimeAsync(60_000);
    s.last.open();
    expect(s.last).not.toBe(first);
    expect(s.last.data).toEqual(['queued']);
  });

  it('a write whose done reports an error rejects and drops once', async () => {
    const { socket, s, events } = await openSocket();
    s.last.doneMode = 'manual';
    const writer = socket.sendStream();
    const written = writer.write('a');
    s.last.failWrites();
    await expect(written).rejects.toThrow(ConnectionClosedError);
    expect(events.of('drop')).toHaveLength(1);
  });

  it('abort() closes the link with 1011, drops once with AbortError; queued messages stay queued', async () => {
    const { socket, s, events } = await openSocket();
    const writer = socket.sendStream();
    await writer.write('a');
    socket.send('queued');
    s.last.refuse = true; // the link is closing now, as a real transport after close()
    writer.abort('changed my mind');
    expect(s.last.closeCalls).toEqual([{ code: 1011, reason: 'sockline: streamed message aborted' }]);
    const drops = events.of('drop');
    expect(drops).toHaveLength(1);
    expect(drops[0]![0].error).toBeInstanceOf(AbortError);
    expect(drops[0]![0].error.message).toMatch(/changed my mind/);
    await expect(writer.write('b')).rejects.toThrow(AbortError);
    expect(s.last.data).toHaveLength(1);
    // The queued message goes on the next link.
    s.last.end({ code: 1011, wasClean: true });
    await vi.advanceTimersByTimeAsync(60_000);
    s.last.open();
    expect(s.last.data).toEqual(['queued']);
  });
});

describe('sendStream() without fragment control (browser-like, or no open link)', () => {
  it('keeps the chunks and sends one message on end()', async () => {
    const { socket, s } = await openSocket({}, true);
    const writer = socket.sendStream();
    expect(writer.fragmented).toBe(false);
    await writer.write('a');
    socket.send('not held');
    await writer.write('b');
    expect(s.last.data).toEqual(['not held']);
    await writer.end('c');
    expect(s.last.data).toEqual(['not held', 'abc']);
  });

  it('binary chunks are copied and joined', async () => {
    const { socket, s } = await openSocket({}, true);
    const writer = socket.sendStream({ binary: true });
    const chunk = new Uint8Array([1, 2]);
    await writer.write(chunk);
    chunk[0] = 9;
    await writer.end(new Uint8Array([3]));
    expect(s.last.data).toEqual([new Uint8Array([1, 2, 3])]);
  });

  it('a message over maxBufferedAmount rejects with QueueOverflowError and is reported with drop', async () => {
    const { socket, events } = await openSocket(
      { writeBuffer: { highWaterMark: 2, lowWaterMark: 1, maxBufferedAmount: 4 } },
      true,
    );
    const writer = socket.sendStream();
    await writer.write('abc');
    await expect(writer.write('dé')).rejects.toThrow(QueueOverflowError);
    expect(events.of('drop')).toHaveLength(1);
    await expect(writer.end()).rejects.toThrow(QueueOverflowError);
  });

  it('abort() discards the chunks: nothing is sent', async () => {
    const { socket, s } = await openSocket({}, true);
    const writer = socket.sendStream();
    await writer.write('a');
    writer.abort();
    await expect(writer.end('b')).rejects.toThrow(AbortError);
    expect(s.last.data).toEqual([]);
  });

  it('started while the link is down, it is buffered and queued on end()', async () => {
    const { socket, s } = createSocket();
    await settle();
    const writer = socket.sendStream();
    expect(writer.fragmented).toBe(false);
    await writer.write('a');
    const ended = writer.end('b');
    s.last.open();
    await ended;
    expect(s.last.data).toEqual(['ab']);
  });

  it('after close() it throws InvalidStateError', async () => {
    const { socket } = await openSocket({}, true);
    socket.close();
    expect(() => socket.sendStream()).toThrow(InvalidStateError);
  });
});
