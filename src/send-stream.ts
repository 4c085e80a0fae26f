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
 *
 * The buffered writer is a closure rather than a class (issue 16): this file is in every browser bundle, a
 * closure's locals minify to one letter and it needs none of a class's method and field boilerplate.
 */
import { DEV } from './dev.js';
import { AbortError, InvalidArgumentError, InvalidStateError, QueueOverflowError, type SocklineError } from './errors.js';
import { formatValue } from './protocol/format.js';
import { byteLength } from './byte-length.js';
import { notObject, refuse, type StreamHost } from './stream-host.js';
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
  refuse(
    InvalidArgumentError,
    DEV
      ? `Invalid chunk ${formatValue(chunk)}: a ${binary ? 'binary sendStream() takes bytes' : 'text sendStream() takes strings'}`
      : 'Invalid sendStream() chunk',
  );
}

/** Kept whole and sent on `end()` (browsers, or no open link). */
function bufferedWriter(host: StreamHost, binary: boolean): SendStreamWriter {
  let chunks: (string | Uint8Array)[] = [];
  let bytes = 0;
  let over = false;
  let error: SocklineError | undefined;
  host.streaming = true;

  /** The message is over (sent, discarded or aborted): the chunks are handed back and no longer kept. */
  const release = (): (string | Uint8Array)[] => {
    const kept = chunks;
    chunks = [];
    over = true;
    host.streaming = false;
    return kept;
  };

  const keep = (input: unknown): void => {
    if (error) throw error;
    if (over) refuse(InvalidStateError, 'The streamed message has ended');
    const chunk = toChunk(input, binary);
    const size = byteLength(chunk);
    const max = host.writeBuffer.maxBufferedAmount;
    if (bytes + size > max) {
      error = new QueueOverflowError(
        `sendStream() keeps the message until end() here, and it went over writeBuffer.maxBufferedAmount (${max}): discarded`,
        'maxBufferedAmount',
        chunk,
      );
      release();
      host.drop(chunk, error);
      throw error;
    }
    // Copied: the caller may reuse its buffer before end().
    chunks.push(binary ? new Uint8Array(chunk as Uint8Array) : chunk);
    bytes += size;
  };

  return {
    fragmented: false,
    async write(chunk) {
      keep(chunk);
    },
    async end(chunk) {
      // No last chunk: an empty one, which checks the state as write() does, cannot overflow and adds nothing.
      keep(chunk === undefined ? (binary ? new Uint8Array() : '') : chunk);
      const parts = release();
      let message: string | Uint8Array;
      if (binary) {
        message = new Uint8Array(bytes);
        let at = 0;
        for (const part of parts as Uint8Array[]) {
          message.set(part, at);
          at += part.length;
        }
      } else {
        message = (parts as string[]).join('');
      }
      return host.socket.sendAsync(message);
    },
    abort() {
      // Nothing is on the wire yet: the kept chunks are discarded.
      if (!over) {
        error = new AbortError('The streamed message was aborted');
        release();
      }
    },
  };
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
  // Read before the object check: a primitive has no `binary`, and the check below refuses it anyway.
  const binary = options?.binary ?? false;
  if (notObject(options) || typeof binary !== 'boolean') {
    refuse(
      InvalidArgumentError,
      DEV
        ? notObject(options)
          ? `Invalid sendStream() options ${formatValue(options)}: { binary }`
          : `Invalid sendStream() option binary: ${formatValue(binary)}`
        : 'Invalid sendStream() options',
    );
  }
  if (host.socket.readyState > 1 || host.streaming) {
    refuse(
      InvalidStateError,
      DEV
        ? `Cannot sendStream(): ${host.streaming ? 'another streamed message is open' : 'the socket is closed'}`
        : 'Cannot sendStream(): ' + (host.streaming ? 'one is open' : 'closed'),
    );
  }
  const transport = host.transport();
  return transport?.sendFragment && fragmented ? fragmented(host, transport, binary) : bufferedWriter(host, binary);
}
