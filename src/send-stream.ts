/**
 * `socket.sendStream()`: one message sent as its chunks arrive.
 *
 * - On an open link whose transport has fragment control (Node), every chunk goes out at once as one fragment
 *   (RFC 6455 §5.4: the first with the text/binary opcode, then continuation frames, FIN on `end()`), so the
 *   message is never held whole. Until `end()`, `send()` queues (in order, under the send contract) and the queue
 *   is flushed right after the last fragment; pings, pongs and Close frames still go between fragments.
 * - Otherwise (the browser's `WebSocket` has no fragment control, or no link is open), the chunks are kept,
 *   bounded by `writeBuffer.maxBufferedAmount`, and sent as one ordinary message with `sendAsync()` on `end()`.
 */
import { AbortError, ConnectionClosedError, InvalidArgumentError, InvalidStateError, QueueOverflowError, type SocklineError } from './errors.js';
import type { CloseInfo } from './protocol/events.js';
import { formatValue } from './protocol/format.js';
import { byteLength } from './send-queue.js';
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

/** Ms between two looks at the transport's write buffer while a write waits for it to go under the high-water mark. */
const BUFFER_POLL = 10;
const EMPTY = new Uint8Array(0);
/** Made on first use (most Sockets never stream). */
let encoder: TextEncoder | undefined;

function toChunk(chunk: unknown, binary: boolean): string | Uint8Array {
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
    `Invalid chunk ${formatValue(chunk)}: a ${binary ? 'binary' : 'text'} sendStream() takes ` +
      (binary ? 'Uint8Array, ArrayBuffer or ArrayBufferView chunks' : 'string chunks (open it with { binary: true } for bytes)'),
  );
}

function closedError(info: CloseInfo, detail: string): ConnectionClosedError {
  return new ConnectionClosedError(`The link closed (code ${info.code}) ${detail}`, info.code, info.reason, info.wasClean, info.error);
}

/** Fragments straight to one open link (Node). */
class FragmentWriter implements SendStreamWriter {
  readonly fragmented = true;
  readonly #host: StreamHost;
  readonly #transport: Transport;
  readonly #binary: boolean;
  #first = true;
  #over = false;
  #error: SocklineError | undefined;
  #bytes = 0;
  #fragments = 0;
  /** Writes waiting for the write buffer to go down: rejected if the link goes first. */
  readonly #waiting = new Set<(error: SocklineError) => void>();
  readonly #onLost = (info: CloseInfo): void => this.#lose(closedError(info, `in the middle of a streamed message, after ${this.#fragments} fragments (${this.#bytes} bytes): the message is lost`));

  constructor(host: StreamHost, transport: Transport, binary: boolean) {
    this.#host = host;
    this.#transport = transport;
    this.#binary = binary;
    host.streaming = true;
    host.hold(true);
    host.socket.on('disconnect', this.#onLost);
    host.socket.on('close', this.#onLost);
  }

  write(chunk: string | Uint8Array | ArrayBuffer | ArrayBufferView): Promise<void> {
    return this.#send(chunk, false);
  }

  end(chunk?: string | Uint8Array | ArrayBuffer | ArrayBufferView): Promise<void> {
    return this.#send(chunk ?? (this.#binary ? EMPTY : ''), true);
  }

  abort(reason?: unknown): void {
    if (this.#over) return;
    // RFC 6455 has no way to cancel a message: the receiver would take whatever came next as its continuation.
    // The link is closed instead (1011: "an unexpected condition that prevented it from fulfilling the request").
    this.#transport.close(1011, 'sockline: streamed message aborted');
    this.#lose(
      new AbortError(
        `The streamed message was aborted after ${this.#fragments} fragments (${this.#bytes} bytes)` +
          (reason === undefined ? '' : `: ${String(reason)}`) +
          '; its link was closed with 1011, since a WebSocket message cannot be cancelled half-way',
        reason,
      ),
    );
  }

  #send(input: unknown, fin: boolean): Promise<void> {
    if (this.#error) return Promise.reject(this.#error);
    if (this.#over) return Promise.reject(new InvalidStateError('The streamed message has ended: open another with sendStream()'));
    let chunk: string | Uint8Array;
    try {
      chunk = toChunk(input, this.#binary);
    } catch (error) {
      return Promise.reject(error);
    }
    // A string chunk is whole code points: encoded on its own, no UTF-8 sequence spans two fragments.
    const bytes = typeof chunk === 'string' ? (encoder ??= new TextEncoder()).encode(chunk) : chunk;
    return new Promise<void>((resolve, reject) => {
      const taken = this.#host.transport() === this.#transport &&
        this.#transport.sendFragment!(bytes, this.#binary, this.#first, fin, (error) => {
          if (error) {
            this.#lose(new ConnectionClosedError(`A fragment of the streamed message could not be sent: ${error.message}`, 1006, '', false, error));
            reject(this.#error);
          } else if (fin) {
            resolve();
          } else {
            this.#whenBuffered(resolve, reject);
          }
        });
      if (!taken) {
        this.#lose(new ConnectionClosedError(`The link is closing: the streamed message was cut off after ${this.#fragments} fragments (${this.#bytes} bytes)`, 1006, '', false));
        reject(this.#error);
        return;
      }
      this.#first = false;
      this.#fragments++;
      this.#bytes += bytes.byteLength;
      if (fin) this.#release();
    });
  }

  /** Resolve once the link's write buffer is at or under the high-water mark. */
  #whenBuffered(resolve: () => void, reject: (error: unknown) => void): void {
    if (this.#error) return reject(this.#error);
    if (this.#transport.bufferedAmount <= this.#host.highWaterMark) return resolve();
    const settle = (error: SocklineError): void => {
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(() => {
      this.#waiting.delete(settle);
      this.#whenBuffered(resolve, reject);
    }, BUFFER_POLL);
    this.#waiting.add(settle);
  }

  /** The message failed: reported once with `drop`; every pending and later write rejects with `error`. */
  #lose(error: SocklineError): void {
    if (this.#over) return;
    this.#error = error;
    this.#release();
    // The chunks were not kept (the point of streaming): the drop names the message by its type and size.
    this.#host.drop(this.#binary ? EMPTY : '', error);
    for (const settle of this.#waiting) settle(error);
    this.#waiting.clear();
  }

  #release(): void {
    this.#over = true;
    const host = this.#host;
    host.socket.off('disconnect', this.#onLost);
    host.socket.off('close', this.#onLost);
    host.streaming = false;
    host.hold(false);
  }
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
    if (this.#over) throw new InvalidStateError('The streamed message has ended: open another with sendStream()');
  }

  #keep(input: unknown): void {
    this.#check();
    const chunk = toChunk(input, this.#binary);
    const size = byteLength(chunk);
    const max = this.#host.maxBufferedAmount;
    if (this.#bytes + size > max) {
      this.#chunks = [];
      this.#error = new QueueOverflowError(
        `sendStream(): this runtime cannot send fragments, so the message is kept until end(), and it would exceed ` +
          `writeBuffer.maxBufferedAmount (${max} bytes); the message was discarded`,
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
export function openSendStream(host: StreamHost, options: SendStreamOptions | undefined): SendStreamWriter {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidArgumentError(`Invalid sendStream() options ${formatValue(options)}: an object { binary }`);
  }
  const binary = options?.binary ?? false;
  if (typeof binary !== 'boolean') throw new InvalidArgumentError(`Invalid sendStream() option binary: ${formatValue(binary)} (true or false)`);
  if (host.closed()) throw new InvalidStateError('Cannot sendStream(): the socket is closed; messages sent after close() are not delivered');
  if (host.streaming) throw new InvalidStateError('Cannot sendStream(): another streamed message is still open; end() or abort() it first');
  const transport = host.transport();
  return transport?.sendFragment ? new FragmentWriter(host, transport, binary) : new BufferedWriter(host, binary);
}
