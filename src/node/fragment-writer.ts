/**
 * The writer of a streamed message on an open Node link (`socket.sendStream()`, see send-stream.ts): each chunk is
 * one fragment on the wire at once (RFC 6455 §5.4), `send()` is held until the last one, and a lost link or
 * `abort()` is reported once with `drop`. Provided by the Node runtime (`fragmentWriter`), so browsers never load it.
 */
import { AbortError, ConnectionClosedError, InvalidStateError, type SocklineError } from '../errors.js';
import type { CloseInfo } from '../protocol/events.js';
import { encodeText } from '../protocol/frame-serializer.js';
import { toChunk, type SendStreamWriter } from '../send-stream.js';
import type { StreamHost } from '../stream-host.js';
import type { Transport } from '../transport.js';

/** Ms between two looks at the transport's write buffer while a write waits for it to go under the high-water mark. */
const BUFFER_POLL = 10;
const EMPTY = new Uint8Array(0);

function closedError(info: CloseInfo, detail: string): ConnectionClosedError {
  return new ConnectionClosedError(
    `The link closed (code ${info.code}) ${detail}`,
    info.code,
    info.reason,
    info.wasClean,
    info.error,
  );
}

/** Fragments straight to one open link. */
export class FragmentWriter implements SendStreamWriter {
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
  readonly #onLost = (info: CloseInfo): void =>
    this.#lose(
      closedError(
        info,
        `in the middle of a streamed message, after ${this.#fragments} fragments (${this.#bytes} bytes): the message is lost`,
      ),
    );

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
    if (this.#over)
      return Promise.reject(new InvalidStateError('The streamed message has ended: open another with sendStream()'));
    let chunk: string | Uint8Array;
    try {
      chunk = toChunk(input, this.#binary);
    } catch (error) {
      return Promise.reject(error);
    }
    // A string chunk is whole code points: encoded on its own, no UTF-8 sequence spans two fragments.
    const bytes = typeof chunk === 'string' ? encodeText(chunk) : chunk;
    return new Promise<void>((resolve, reject) => {
      const taken =
        this.#host.transport() === this.#transport &&
        this.#transport.sendFragment!(bytes, this.#binary, this.#first, fin, (error) => {
          if (error) {
            this.#lose(
              new ConnectionClosedError(
                `A fragment of the streamed message could not be sent: ${error.message}`,
                1006,
                '',
                false,
                error,
              ),
            );
            reject(this.#error);
          } else if (fin) {
            resolve();
          } else {
            this.#whenBuffered(resolve, reject);
          }
        });
      if (!taken) {
        this.#lose(
          new ConnectionClosedError(
            `The link is closing: the streamed message was cut off after ${this.#fragments} fragments (${this.#bytes} bytes)`,
            1006,
            '',
            false,
          ),
        );
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
    if (this.#transport.bufferedAmount <= this.#host.writeBuffer.highWaterMark) return resolve();
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
