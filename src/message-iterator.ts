/**
 * `socket.messages()`: the Socket's messages as an async iterator, with backpressure.
 *
 * It listens to the Socket's own `message` and `close` events (listeners still hear every message) and keeps
 * what the consumer has not taken yet. When that goes over the high-water mark (messages or bytes), it asks the
 * Socket to stop reading (`StreamHost.setReading(false)`): on Node the TCP socket is paused and the server's writes
 * block; reading resumes once the consumer is back under half of both limits. A runtime that cannot pause its
 * socket (the browser's `WebSocket`) cannot slow the server down: there the buffer is bounded by the same limits
 * and overflowing it ends the iterator with a `QueueOverflowError` (after the messages that fit).
 *
 * Written as one closure rather than a class (issue 16): this file is in every browser bundle, and a closure's
 * locals minify to one letter and it needs none of a class's method and field boilerplate.
 */
import { DEV } from './dev.js';
import { InvalidArgumentError, InvalidStateError, QueueOverflowError, type SocklineError } from './errors.js';
import { byteLength } from './byte-length.js';
import { notObject, refuse, type StreamHost } from './stream-host.js';

/** How far `messages()` lets the consumer lag before the Socket stops reading. */
export interface MessagesOptions {
  highWaterMark?: {
    /** Messages received but not yet taken by the loop. @default 1024 */
    messages?: number;
    /** Bytes (UTF-8 bytes for text) of those messages. @default 16 MiB */
    bytes?: number;
  };
}

type Data = string | Uint8Array;

function invalid(name: string, value: unknown): never {
  refuse(
    InvalidArgumentError,
    DEV
      ? `Invalid messages() option highWaterMark${name && '.' + name}: ${String(value)} (${name ? 'a positive integer' : '{ messages, bytes }'})`
      : 'Invalid messages() option highWaterMark',
  );
}

function limit(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  // Number.isInteger is false for anything but a finite integral number.
  if (!Number.isInteger(value) || (value as number) < 1) invalid(name, value);
  return value as number;
}

const DONE: IteratorResult<Data> = Object.freeze({ done: true, value: undefined });

/**
 * @throws InvalidArgumentError for a bad `highWaterMark`.
 * @throws InvalidStateError while another iterator is active.
 */
export function messageIterator(host: StreamHost, options: MessagesOptions | undefined): AsyncIterableIterator<Data> {
  const hwm = options?.highWaterMark;
  if (notObject(hwm)) invalid('', hwm);
  const maxMessages = limit(hwm?.messages, 'messages', 1024);
  const maxBytes = limit(hwm?.bytes, 'bytes', 16 * 1024 * 1024);
  const socket = host.socket;
  /** Not yet taken, from `head` on (the array is compacted now and then, not shifted). */
  let buffer: (Data | undefined)[] = [];
  let head = 0;
  let bytes = 0;
  let paused = false;
  /** No longer listening: after the final close there is nothing to listen to. */
  let ended = socket.readyState > 1;
  let error: SocklineError | undefined;
  /** The pending `next()` (the buffer is then empty). */
  let waiting: ((result: IteratorResult<Data>) => void) | undefined;

  if (!ended) {
    if (host.iterating) {
      refuse(
        InvalidStateError,
        DEV ? 'messages() is already being iterated: end that loop first' : 'messages() is already being iterated',
      );
    }
    host.iterating = true;
    socket.on('message', push);
    socket.on('close', finish);
  }

  const resume = (): void => {
    paused = false;
    host.setReading(true);
  };

  function push(data: Data): void {
    // An emit that removed this listener (return() in an earlier listener) still calls it.
    if (ended) return;
    if (waiting) {
      waiting({ done: false, value: data });
      waiting = undefined;
      return;
    }
    const size = byteLength(data);
    const full = buffer.length - head >= maxMessages;
    // Over the mark. Node: stop reading (what was already read still comes, and is kept). A runtime that cannot
    // pause its socket cannot keep more without growing without bound: the iterator ends with an error.
    if ((full || bytes + size > maxBytes) && !(paused ||= host.setReading(false))) {
      error = new QueueOverflowError(
        `messages() fell over highWaterMark.${full ? 'messages' : 'bytes'} (${full ? maxMessages : maxBytes}) behind; this runtime cannot pause its socket: handle messages faster or raise it`,
        full ? 'maxMessages' : 'maxBytes',
        data,
      );
      return detach();
    }
    buffer.push(data);
    bytes += size;
  }

  function detach(): void {
    if (ended) return;
    ended = true;
    socket.off('message', push);
    socket.off('close', finish);
    host.iterating = false;
    if (paused) resume();
  }

  /** The final close (or `return()`): the buffered messages are still handed out, then `done`. */
  function finish(): void {
    detach();
    waiting?.(DONE);
    waiting = undefined;
  }

  return {
    [Symbol.asyncIterator]() {
      return this;
    },

    async next() {
      if (head < buffer.length) {
        const data = buffer[head]!;
        // Taken messages must not stay reachable until the next compaction (1024 × 64 KiB would be 64 MiB); the
        // emptied slots are dropped every 1024 taken.
        buffer[head++] = undefined;
        bytes -= byteLength(data);
        if (head >= 1024) {
          buffer = buffer.slice(head);
          head = 0;
        }
        // Resume under half of both marks, not at the mark itself: reading is not toggled for every message.
        if (paused && buffer.length - head <= maxMessages / 2 && bytes <= maxBytes / 2) resume();
        return { done: false, value: data };
      }
      if (error) {
        const thrown = error;
        error = undefined;
        throw thrown;
      }
      return ended || waiting ? DONE : new Promise((resolve) => (waiting = resolve));
    },

    /** `break`, `return` or a throw in the loop: stop listening and resume reading; the Socket stays open. */
    async return() {
      finish();
      buffer = [];
      error = undefined;
      return DONE;
    },
  };
}
