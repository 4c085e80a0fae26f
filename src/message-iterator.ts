/**
 * `socket.messages()`: the Socket's messages as an async iterator, with backpressure.
 *
 * It listens to the Socket's own `message` and `close` events (listeners still hear every message) and keeps
 * what the consumer has not taken yet. When that goes over the high-water mark (messages or bytes), it asks the
 * Socket to stop reading (`StreamHost.setReading(false)`): on Node the TCP socket is paused and the server's writes
 * block; reading resumes once the consumer is back under half of both limits. A runtime that cannot pause its
 * socket (the browser's `WebSocket`) cannot slow the server down: there the buffer is bounded by the same limits
 * and overflowing it ends the iterator with a `QueueOverflowError` (after the messages that fit).
 */
import { InvalidArgumentError, InvalidStateError, QueueOverflowError } from './errors.js';
import type { SocklineError } from './errors.js';
import { byteLength } from './byte-length.js';
import type { StreamHost } from './stream-host.js';

/** How far `messages()` lets the consumer lag before the Socket stops reading. */
export interface MessagesOptions {
  highWaterMark?: {
    /** Messages received but not yet taken by the loop. @default 1024 */
    messages?: number;
    /** Bytes (UTF-8 bytes for text) of those messages. @default 16 MiB */
    bytes?: number;
  };
}

export const MESSAGES_DEFAULTS = Object.freeze({ messages: 1024, bytes: 16 * 1024 * 1024 });

type Data = string | Uint8Array;

function invalid(name: string, value: unknown): never {
  throw new InvalidArgumentError(
    `Invalid messages() option highWaterMark${name && '.' + name}: ${String(value)} (${name ? 'a positive integer' : '{ messages, bytes }'})`,
  );
}

function limit(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) invalid(name, value);
  return value;
}

const DONE: IteratorResult<Data> = Object.freeze({ done: true, value: undefined });

export class MessageIterator implements AsyncIterableIterator<Data> {
  readonly #host: StreamHost;
  readonly #maxMessages: number;
  readonly #maxBytes: number;
  #buffer: (Data | undefined)[] = [];
  /** Index of the next message to hand out (the buffer is compacted now and then, not shifted). */
  #head = 0;
  #bytes = 0;
  #paused = false;
  #ended = false;
  #error: SocklineError | undefined;
  #waiting: { resolve: (result: IteratorResult<Data>) => void; reject: (error: unknown) => void } | undefined;
  readonly #onMessage = (data: unknown): void => this.#push(data as Data);
  readonly #onClose = (): void => this.#finish();

  constructor(host: StreamHost, options: MessagesOptions | undefined) {
    const hwm = options?.highWaterMark;
    if (hwm !== undefined && (typeof hwm !== 'object' || !hwm)) invalid('', hwm);
    this.#maxMessages = limit(hwm?.messages, 'messages', MESSAGES_DEFAULTS.messages);
    this.#maxBytes = limit(hwm?.bytes, 'bytes', MESSAGES_DEFAULTS.bytes);
    this.#host = host;
    if (host.closed()) {
      this.#ended = true;
      return;
    }
    if (host.iterating) throw new InvalidStateError('messages() is already being iterated: end that loop first');
    host.iterating = true;
    host.socket.on('message', this.#onMessage);
    host.socket.on('close', this.#onClose);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Data>> {
    if (this.#head < this.#buffer.length) return Promise.resolve({ done: false, value: this.#take() });
    const error = this.#error;
    if (error) {
      this.#error = undefined;
      return Promise.reject(error);
    }
    if (this.#ended || this.#waiting) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => (this.#waiting = { resolve, reject }));
  }

  /** `break`, `return` or a throw in the loop: stop listening and resume reading; the Socket stays open. */
  return(): Promise<IteratorResult<Data>> {
    this.#finish();
    this.#buffer = [];
    this.#head = this.#bytes = 0;
    this.#error = undefined;
    return Promise.resolve(DONE);
  }

  #push(data: Data): void {
    if (this.#ended) return;
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting.resolve({ done: false, value: data });
      return;
    }
    const size = byteLength(data);
    const count = this.#buffer.length - this.#head;
    if (count >= this.#maxMessages || this.#bytes + size > this.#maxBytes) {
      // Over the mark. Node: stop reading (what was already read still comes, and is kept). A runtime that cannot
      // pause its socket cannot keep more without growing without bound: the iterator ends with an error.
      if (!this.#paused) this.#paused = this.#host.setReading(false);
      if (!this.#paused) return this.#overflow(data, count >= this.#maxMessages ? 'messages' : 'bytes');
    }
    this.#buffer.push(data);
    this.#bytes += size;
  }

  #take(): Data {
    const data = this.#buffer[this.#head]!;
    // Taken messages must not stay reachable until the next compaction (1024 × 64 KiB would be 64 MiB).
    this.#buffer[this.#head++] = undefined;
    this.#bytes -= byteLength(data);
    if (this.#head === this.#buffer.length) {
      this.#buffer = [];
      this.#head = 0;
    } else if (this.#head >= 1024) {
      this.#buffer = this.#buffer.slice(this.#head);
      this.#head = 0;
    }
    // Resume under half of both marks, not at the mark itself: reading is not toggled for every message.
    if (this.#paused && this.#buffer.length - this.#head <= this.#maxMessages / 2 && this.#bytes <= this.#maxBytes / 2) {
      this.#paused = false;
      this.#host.setReading(true);
    }
    return data;
  }

  #overflow(data: Data, which: 'messages' | 'bytes'): void {
    const max = which === 'messages' ? this.#maxMessages : this.#maxBytes;
    // Kept short: this file is in the browser bundle. The README's Streams section says the rest.
    this.#error = new QueueOverflowError(
      `messages() fell over highWaterMark.${which} (${max}) behind; this runtime cannot pause its socket: handle messages faster or raise it`,
      which === 'messages' ? 'maxMessages' : 'maxBytes',
      data,
    );
    this.#detach();
  }

  /** The final close (or `return()`): the buffered messages are still handed out, then `done`. */
  #finish(): void {
    this.#detach();
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve(DONE);
  }

  #detach(): void {
    if (this.#ended) return;
    this.#ended = true;
    const host = this.#host;
    host.socket.off('message', this.#onMessage);
    host.socket.off('close', this.#onClose);
    host.iterating = false;
    if (this.#paused) {
      this.#paused = false;
      host.setReading(true);
    }
  }
}
