/**
 * The Node transport: moves bytes between a net/tls socket and the sans-I/O `ClientConnection`,
 * owns the deadlines (handshake, closing handshake) and batches writes.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import { createHash, randomFillSync } from 'node:crypto';
import type { Socket } from 'node:net';
import { ConnectionClosedError, NetworkError, TimeoutError, type SocklineError } from '../errors.js';
import { ClientConnection } from '../protocol/connection.js';
import { CloseCode } from '../protocol/constants.js';
import type { CloseInfo, OutgoingData, Transport, TransportFactory, TransportHandler, TransportOptions } from '../transport.js';
import { dial } from './dial.js';

const sha1 = (input: string): Uint8Array => createHash('sha1').update(input).digest();

/** Buffer's decoder is several times faster than TextDecoder for short strings; `isUtf8` keeps it strict. */
function decodeText(bytes: Uint8Array): string {
  if (!isUtf8(bytes)) throw new TypeError('invalid UTF-8');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

export class NodeTransport implements Transport {
  readonly canPing = true;
  lastReceivedAt = Date.now();
  #handler: TransportHandler;
  #options: TransportOptions;
  #connection: ClientConnection;
  #socket: Socket | undefined;
  #cancelDial: (() => void) | undefined;
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #corked = false;
  #finished = false;

  constructor(url: URL, options: TransportOptions, handler: TransportHandler) {
    this.#handler = handler;
    this.#options = options;
    this.#connection = new ClientConnection(
      {
        url,
        protocols: options.protocols,
        headers: options.headers,
        origin: options.origin,
        maxPayload: options.maxPayload,
        sha1,
        decodeText,
        // node:crypto rather than globalThis.crypto, which Node 18 only has behind a flag.
        fillRandom: (bytes) => void randomFillSync(bytes),
      },
      {
        write: (bytes, done) => this.#write(bytes, done),
        end: (abort) => this.#end(abort),
        onOpen: (info) => {
          clearTimeout(this.#handshakeTimer);
          handler.onOpen(info);
        },
        onMessage: (data, binary) => handler.onMessage(data, binary),
        onPing: (data) => handler.onPing(data),
        onPong: (data) => handler.onPong(data),
      },
    );
    if (options.handshakeTimeout > 0) {
      this.#handshakeTimer = setTimeout(() => {
        const ms = options.handshakeTimeout;
        this.terminate(new TimeoutError('handshake', ms, `Opening handshake with ${url.host} timed out after ${ms} ms`));
      }, options.handshakeTimeout);
    }
    this.#cancelDial = dial(url, options, (error, socket) => {
      this.#cancelDial = undefined;
      if (error) {
        this.#connection.abort(error);
        this.#finish();
      } else {
        this.#attach(socket!);
      }
    });
  }

  get bufferedAmount(): number {
    return this.#socket ? this.#socket.writableLength : 0;
  }

  send(data: OutgoingData | Blob, fragmentSize: number, done?: (error?: Error) => void): void {
    if (typeof data === 'string') this.#connection.sendText(data, fragmentSize, done);
    else if (data instanceof Uint8Array) this.#connection.sendBinary(data, fragmentSize, done);
    else throw new TypeError('The Node transport sends strings and Uint8Arrays; convert Blobs first');
  }

  ping(data?: Uint8Array): boolean {
    this.#connection.sendPing(data);
    return true;
  }

  close(code?: number, reason?: string): void {
    if (this.#finished) return;
    if (!this.#socket) {
      this.terminate(new ConnectionClosedError(CloseCode.Abnormal, '', false, 'Connection closed before it was established'));
      return;
    }
    this.#connection.sendClose(code, reason);
    this.#startCloseTimer();
  }

  terminate(error?: SocklineError): void {
    if (this.#finished) return;
    this.#connection.abort(error ?? new ConnectionClosedError(CloseCode.Abnormal, '', false, 'Connection terminated'));
    if (this.#cancelDial) {
      this.#cancelDial();
      this.#cancelDial = undefined;
      // Report on a later tick, like a socket's 'close' would be, so callers never see re-entrant events.
      process.nextTick(() => this.#finish());
    } else {
      this.#socket?.destroy();
    }
  }

  #attach(socket: Socket): void {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.lastReceivedAt = Date.now();
      this.#connection.receiveData(chunk);
    });
    socket.on('end', () => this.#connection.receiveEof());
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.#connection.abort(new NetworkError(`Connection error: ${error.message}`, error));
    });
    socket.on('close', () => this.#finish());
    socket.resume();
    this.#connection.start();
  }

  #write(bytes: Uint8Array, done?: (error?: Error) => void): void {
    const socket = this.#socket;
    if (!socket || socket.destroyed || !socket.writable) {
      done?.(new ConnectionClosedError(CloseCode.Abnormal, '', false, 'Connection lost before the data could be sent'));
      return;
    }
    // A burst of sends in one tick becomes one writev syscall.
    if (!this.#corked) {
      this.#corked = true;
      socket.cork();
      process.nextTick(uncork, this, socket);
    }
    socket.write(bytes, done as ((error?: Error | null) => void) | undefined);
  }

  /** @internal */
  uncorked(): void {
    this.#corked = false;
  }

  #end(abort: boolean): void {
    const socket = this.#socket;
    if (!socket) return;
    if (abort) {
      socket.destroy();
      return;
    }
    if (this.#corked) {
      this.#corked = false;
      socket.uncork();
    }
    socket.end();
    this.#startCloseTimer();
  }

  #startCloseTimer(): void {
    if (this.#closeTimer || this.#finished || this.#options.closeTimeout <= 0) return;
    const ms = this.#options.closeTimeout;
    this.#closeTimer = setTimeout(() => {
      this.terminate(new TimeoutError('close', ms, `Server did not complete the closing handshake within ${ms} ms`));
    }, ms);
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#handshakeTimer);
    clearTimeout(this.#closeTimer);
    this.#connection.connectionLost();
    const info: CloseInfo = this.#connection.closeInfo();
    this.#handler.onClose(info);
  }
}

function uncork(transport: NodeTransport, socket: Socket): void {
  transport.uncorked();
  if (!socket.destroyed) socket.uncork();
}

export const connectNode: TransportFactory = (url, options, handler) => new NodeTransport(url, options, handler);
