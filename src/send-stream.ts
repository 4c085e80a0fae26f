/**
 * `socket.sendStream()`: one message sent as its chunks arrive.
 *
 * - On an open link whose transport has fragment control (Node: the runtime's `fragmentWriter`, in
 *   node/fragment-writer.ts, so browsers do not download it), every chunk goes out at once as one fragment
 *   (RFC 6455 §5.4: the first with the text/binary opcode, then continuation frames, FIN on `end()`), so the
 *   message is never held whole. Until `end()`, `send()` queues (in order, under the send contract) and the queue
 *   is flushed right after the last fragment; pings, pongs and Close frames still go between fragments.
 * - Otherwise (the browser's `WebSocket` has no fragment control, or no link is open), the chunks are kept,
 *   bounded by `writeBuffer.maxBufferedAmount`, and sent as one ordinary message with `sendAsync()` on `end()`.
 */
import { AbortError, InvalidArgumentError, InvalidStateError, QueueOverflowError, type SocklineError } from './errors.js';
import { formatValue } from './protocol/format.js';
import { byteLength } from './byte-length.js';
import type { StreamHost } from './stream-host.js';
import type { Transport } from './transport.js';

export interface SendStreamOptions {
  /** A binary message (chunks: `Uint8Array`, `ArrayBuffer` or views) instead of text (chunks: strings). @default false */
  binary?: boolean;
}

/** The writer of one streamed message. */
export interface SendStreamWriter {
  /** True when the chunks go out as fragments as they are written; false when they are kept and sent on `end()`. */
  readonly fragmented: boolean;
  /**
   * Send (fragmented) or keep (buffered) one chunk. Resolves once its bytes were handed to the network and the
   * link's write buffer is at or under `writeBuffer.highWaterMark` (await it to pace a producer).
   * Rejects with `ConnectionClosedError` when the link went down, `QueueOverflowError` when a buffered message
   * would exceed `writeBuffer.maxBufferedAmount`, `InvalidArgumentError` for a chunk of the wrong type.
   */
  write(chunk: string | Uint8Array | ArrayBuffer | ArrayBufferView): Promise<void>;
  /** Write the last chunk (optional) and end the message; resolves once it was handed to the network. */
  end(chunk?: string | Uint8Array | ArrayBuffer | ArrayBufferView): Promise<void>;
  /**
   * Give up the message. RFC 6455 cannot cancel a message half-way: a fragmented message already on the wire ends
   * its link with a Close frame 1011 (the Socket then reconnects under its policy; messages queued behind stay
   * queued for the next link), reported with `drop` (an `AbortError`). A buffered message is just discarded.
   */
  abort(reason?: unknown): void;
}

/** Makes the writer of a fragmented message on an open link (the Node runtime's). */
export type FragmentWriterFactory = (host: StreamHost, transport: Transport, binary: boolean) => SendStreamWriter;

export function toChunk(chunk: unknown, binary: boolean): string | Uint8Array {
  if (!binary) {
    if (typeof chunk === 'string') return chunk;
  } else if (chunk instanceof Uint8Array) {
    return chunk;
  } else if (Object.prototype.toString.call(chunk) === '[object ArrayBuffer]') {
    return new Uint8Array(chunk as ArrayBuffer);
  } else if (ArrayBuffer.isView(chunk)) {
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  throw new InvalidArgumentError(
    `Invalid chunk ${formatValue(chunk)}: a ${binary ? 'binary sendStream() takes bytes' : 'text sendStream() takes strings'}`,
  );
}

/** Kept whole and sent on `end()` (browsers, or no open link). */
class BufferedWriter implements SendStreamWriter {
  readonly fragmented = false;
  readonly #host: StreamHost;
  readonly #binary: boolean;
  #chunks: (string | Uint8Array)[] = [];
  #bytes = 0;
  #over = false;
  #error: SocklineError | undefined;

  constructor(host: StreamHost, binary: boolean) {
    this.#host = host;
    this.#binary = binary;
    host.streaming = true;
  }

  write(chunk: string | Uint8Array | ArrayBuffer | ArrayBufferView): Promise<void> {
    try {
      this.#keep(chunk);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  end(chunk?: string | Uint8Array | ArrayBuffer | ArrayBufferView): Promise<void> {
    try {
      if (chunk !== undefined) this.#keep(chunk);
      else this.#check();
    } catch (error) {
      return Promise.reject(error);
    }
    this.#release();
    const chunks = this.#chunks;
    this.#chunks = [];
    let message: string | Uint8Array;
    if (this.#binary) {
      const whole = new Uint8Array(this.#bytes);
      let at = 0;
      for (const part of chunks as Uint8Array[]) {
        whole.set(part, at);
        at += part.byteLength;
      }
      message = whole;
    } else {
      message = (chunks as string[]).join('');
    }
    return this.#host.socket.sendAsync(message);
  }

  abort(): void {
    if (this.#over) return;
    // Nothing is on the wire yet: the kept chunks are discarded.
    this.#chunks = [];
    this.#error = new AbortError('The streamed message was aborted');
    this.#release();
  }

  #check(): void {
    if (this.#error) throw this.#error;
    if (this.#over) throw new InvalidStateError('The streamed message has ended');
  }

  #keep(input: unknown): void {
    this.#check();
    const chunk = toChunk(input, this.#binary);
    const size = byteLength(chunk);
    const max = this.#host.maxBufferedAmount;
    if (this.#bytes + size > max) {
      this.#chunks = [];
      this.#error = new QueueOverflowError(
        `sendStream() keeps the message until end() here, and it went over writeBuffer.maxBufferedAmount (${max}): discarded`,
        'maxBufferedAmount',
        chunk,
      );
      this.#release();
      this.#host.drop(chunk, this.#error);
      throw this.#error;
    }
    // Copied: the caller may reuse its buffer before end().
    this.#chunks.push(typeof chunk === 'string' ? chunk : new Uint8Array(chunk));
    this.#bytes += size;
  }

  #release(): void {
    this.#over = true;
    this.#host.streaming = false;
  }
}

/**
 * @throws InvalidStateError after `close()`, or while another streamed message is open.
 * @throws InvalidArgumentError for options of the wrong type.
 */
export function openSendStream(
  host: StreamHost,
  options: SendStreamOptions | undefined,
  fragmented?: FragmentWriterFactory,
): SendStreamWriter {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidArgumentError(`Invalid sendStream() options ${formatValue(options)}: { binary }`);
  }
  const binary = options?.binary ?? false;
  if (typeof binary !== 'boolean') throw new InvalidArgumentError(`Invalid sendStream() option binary: ${formatValue(binary)}`);
  if (host.closed() || host.streaming) {
    throw new InvalidStateError(
      `Cannot sendStream(): ${host.streaming ? 'another streamed message is open' : 'the socket is closed'}`,
    );
  }
  const transport = host.transport();
  return transport?.sendFragment && fragmented ? fragmented(host, transport, binary) : new BufferedWriter(host, binary);
}
