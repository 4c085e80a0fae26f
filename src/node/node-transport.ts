/**
 * The Node transport: moves bytes between a net/tls socket and the sans-I/O `ClientConnection`,
 * owns the deadlines (handshake, closing handshake) and batches writes.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import * as crypto from 'node:crypto';
import type { Socket } from 'node:net';
import { ConnectionClosedError, NetworkError, TimeoutError, type SocklineError } from '../errors.js';
import { ClientConnection, type ConnectionHandler } from '../protocol/connection.js';
import { CloseCode } from '../protocol/constants.js';
import { recycleFrame } from '../protocol/frame-serializer.js';
import type {
  CloseInfo,
  OpenInfo,
  OutgoingData,
  Transport,
  TransportFactory,
  TransportHandler,
  TransportOptions,
} from '../transport.js';
import { dial } from './dial.js';
import { tlsNetworkError } from './tls-errors.js';

/** One-shot `crypto.hash` (Node >= 20.12) skips the Hash object a handshake otherwise builds and throws away. */
const hashOnce = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;
const sha1 = hashOnce
  ? (input: string): Uint8Array => hashOnce('sha1', input, 'buffer')
  : (input: string): Uint8Array => crypto.createHash('sha1').update(input).digest();

/** Requests up to this size (a 16-byte handshake nonce) are served from `randomPool`. */
const SMALL_RANDOM = 64;
const RANDOM_POOL_SIZE = 4096;
let randomPool: Buffer | undefined;
let randomOffset = RANDOM_POOL_SIZE;

/**
 * node:crypto rather than globalThis.crypto, which Node 18 only has behind a flag. One function for every
 * connection. Small requests are cut from a 4 KiB CSPRNG pool, each byte handed out once, so a connection's
 * nonce costs no `randomFillSync` call of its own (Node's `randomUUID` caches random bytes the same way).
 */
function fillRandom(bytes: Uint8Array): void {
  const length = bytes.byteLength;
  if (length > SMALL_RANDOM) {
    crypto.randomFillSync(bytes);
    return;
  }
  if (randomPool === undefined || randomOffset + length > RANDOM_POOL_SIZE) {
    randomPool = crypto.randomFillSync(Buffer.allocUnsafeSlow(RANDOM_POOL_SIZE));
    randomOffset = 0;
  }
  bytes.set(randomPool.subarray(randomOffset, randomOffset + length));
  // Never hand the same bytes out twice.
  randomPool.fill(0, randomOffset, randomOffset + length);
  randomOffset += length;
}

/**
 * Frames up to this size are held until the end of the tick and, when there are several, copied into one batch
 * handed to the socket as one write: a burst of small sends then costs one stream write and one syscall instead
 * of one per message (issue #6: send 1M × 16 B), and a lone send costs no copy.
 */
const SMALL_FRAME = 1024;
/** Frames from this size on are handed back to the serializer for reuse once written (`recycleFrame`). */
const RECYCLE_FRAME = 64 * 1024;
/** Size of a batch buffer; a burst larger than this becomes several batches, still in one corked writev. */
const BATCH_BYTES = 16 * 1024;

/** Back-reference from a net.Socket to its transport, so the socket listeners are shared functions (no closures). */
const kTransport = Symbol('sockline.transport');
type OwnedSocket = Socket & { [kTransport]?: NodeTransport };

/** Buffer's decoder is several times faster than TextDecoder for short strings; `isUtf8` keeps it strict. */
function decodeText(bytes: Uint8Array): string {
  if (!isUtf8(bytes)) throw new TypeError('invalid UTF-8');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

export class NodeTransport implements Transport {
  readonly canPing = true;
  lastReceivedAt = Date.now();
  #handler: TransportHandler;
  /** All this keeps of its options: the attempt's options object is not held for the connection's lifetime. */
  #closeTimeout: number;
  #connection: ClientConnection;
  #socket: Socket | undefined;
  #cancelDial: (() => void) | undefined;
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #corked = false;
  #tickScheduled = false;
  #finished = false;
  /**
   * Small frames of this tick not handed to the socket yet. The first one is kept as it is (`#lone`), so a
   * single send per tick costs no copy; from the second one on they are copied into `#batch`.
   */
  #lone: Uint8Array | undefined;
  #loneDone: ((error?: Error) => void) | undefined;
  #batch: Buffer | undefined;
  #batchUsed = 0;
  #batchDone: ((error?: Error) => void)[] | undefined;
  /** Bytes in `#lone` or `#batch`. */
  #pendingBytes = 0;

  constructor(url: URL, options: TransportOptions, handler: TransportHandler) {
    this.#handler = handler;
    this.#closeTimeout = options.closeTimeout;
    this.#connection = new ClientConnection(
      {
        url,
        protocols: options.protocols,
        headers: options.headers,
        origin: options.origin,
        maxPayload: options.maxPayload,
        sha1,
        decodeText,
        fillRandom,
      },
      // One small object rather than six closures: it matters with thousands of idle connections.
      new ConnectionEvents(this, handler),
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
    return this.#socket ? this.#socket.writableLength + this.#pendingBytes : 0;
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

  #attach(socket: OwnedSocket): void {
    this.#socket = socket;
    socket[kTransport] = this;
    socket.on('data', socketOnData);
    socket.on('end', socketOnEnd);
    socket.on('error', socketOnError);
    socket.on('close', socketOnClose);
    socket.resume();
    this.#connection.start();
  }

  /** @internal Bytes from the socket. */
  received(chunk: Buffer): void {
    this.lastReceivedAt = Date.now();
    // A plain Uint8Array view: the reader cuts messages out of it with subarray(), which is several times
    // cheaper on a Uint8Array than on a Buffer (Buffer#subarray is JS that constructs a FastBuffer).
    this.#connection.receiveData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  /** @internal The server ended its side of TCP. */
  receivedEof(): void {
    this.#connection.receiveEof();
  }

  /** @internal */
  failed(error: NodeJS.ErrnoException): void {
    // issue 11: a TLS failure after the dial (e.g. a renegotiation) gets the same message as in dial.ts.
    this.#connection.abort(tlsNetworkError(error, 'the server') ?? new NetworkError(`Connection error: ${error.message}`, error));
  }

  /** @internal The socket closed. */
  closed(): void {
    this.#finish();
  }

  /** @internal The opening handshake completed. */
  opened(): void {
    clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = undefined;
  }

  /** @internal Bytes the connection wants sent, in order. */
  write(bytes: Uint8Array, done?: (error?: Error) => void): void {
    const socket = this.#socket;
    if (!socket || socket.destroyed || !socket.writable) {
      done?.(lostBeforeSent());
      return;
    }
    // Everything written in one tick leaves in one write or writev syscall, at the end of the tick.
    if (!this.#tickScheduled) {
      this.#tickScheduled = true;
      process.nextTick(endOfTick, this, socket);
    }
    const length = bytes.byteLength;
    if (length > SMALL_FRAME) {
      this.#cork(socket);
      if (this.#pendingBytes > 0) this.#flushPending(socket);
      if (length < RECYCLE_FRAME) {
        socket.write(bytes, done as ((error?: Error | null) => void) | undefined);
      } else {
        // Once written, a large frame's buffer can serve the next frame of the same size.
        socket.write(bytes, (error) => {
          recycleFrame(bytes);
          done?.(error ?? undefined);
        });
      }
      return;
    }
    let batch = this.#batch;
    if (this.#pendingBytes === 0) {
      this.#lone = bytes;
      this.#loneDone = done;
      this.#pendingBytes = length;
      return;
    }
    if (batch === undefined) {
      // The second small frame of this tick: start a batch with the first one.
      const lone = this.#lone as Uint8Array;
      batch = this.#batch = Buffer.allocUnsafe(BATCH_BYTES);
      batch.set(lone, 0);
      this.#batchUsed = lone.byteLength;
      if (this.#loneDone) this.#batchDone = [this.#loneDone];
      this.#lone = this.#loneDone = undefined;
    } else if (this.#batchUsed + length > batch.length) {
      this.#cork(socket);
      this.#flushPending(socket);
      this.#lone = bytes;
      this.#loneDone = done;
      this.#pendingBytes = length;
      return;
    }
    batch.set(bytes, this.#batchUsed);
    this.#batchUsed += length;
    this.#pendingBytes += length;
    if (done) (this.#batchDone ??= []).push(done);
  }

  /** Hand the pending small frames to the (corked) socket as one chunk. */
  #flushPending(socket: Socket): void {
    const lone = this.#lone;
    const loneDone = this.#loneDone;
    const batch = this.#batch;
    const used = this.#batchUsed;
    const callbacks = this.#batchDone;
    this.#lone = this.#loneDone = this.#batch = this.#batchDone = undefined;
    this.#batchUsed = this.#pendingBytes = 0;
    if (socket.destroyed || !socket.writable) {
      loneDone?.(lostBeforeSent());
      if (callbacks) for (const done of callbacks) done(lostBeforeSent());
      return;
    }
    if (lone !== undefined) {
      socket.write(lone, loneDone as ((error?: Error | null) => void) | undefined);
      return;
    }
    if (batch === undefined || used === 0) return;
    const chunk = batch.subarray(0, used);
    if (callbacks === undefined) socket.write(chunk);
    else if (callbacks.length === 1) socket.write(chunk, callbacks[0] as (error?: Error | null) => void);
    else {
      socket.write(chunk, (error) => {
        for (const done of callbacks) done(error ?? undefined);
      });
    }
  }

  /** Hold the socket's writes until the end of the tick (several chunks then leave in one writev). */
  #cork(socket: Socket): void {
    if (!this.#corked) {
      this.#corked = true;
      socket.cork();
    }
  }

  /** @internal The tick is over: hand over what is pending and let corked writes go out. */
  endOfTick(socket: Socket): void {
    this.#tickScheduled = false;
    if (this.#pendingBytes > 0) this.#flushPending(socket);
    if (this.#corked) {
      this.#corked = false;
      if (!socket.destroyed) socket.uncork();
    }
  }

  /** @internal The connection is done with TCP: destroy it at once (`abort`) or end our side gracefully. */
  end(abort: boolean): void {
    const socket = this.#socket;
    if (!socket) return;
    if (abort) {
      socket.destroy();
      return;
    }
    if (this.#pendingBytes > 0) this.#flushPending(socket);
    if (this.#corked) {
      this.#corked = false;
      socket.uncork();
    }
    socket.end();
    this.#startCloseTimer();
  }

  #startCloseTimer(): void {
    const ms = this.#closeTimeout;
    if (this.#closeTimer || this.#finished || ms <= 0) return;
    this.#closeTimer = setTimeout(() => {
      this.terminate(new TimeoutError('close', ms, `Server did not complete the closing handshake within ${ms} ms`));
    }, ms);
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#handshakeTimer);
    clearTimeout(this.#closeTimer);
    this.#handshakeTimer = this.#closeTimer = undefined;
    if (this.#pendingBytes > 0 && this.#socket) this.#flushPending(this.#socket);
    this.#connection.connectionLost();
    const info: CloseInfo = this.#connection.closeInfo();
    this.#handler.onClose(info);
  }
}

function endOfTick(transport: NodeTransport, socket: Socket): void {
  transport.endOfTick(socket);
}

function lostBeforeSent(): ConnectionClosedError {
  return new ConnectionClosedError(CloseCode.Abnormal, '', false, 'Connection lost before the data could be sent');
}

// Socket listeners shared by every connection (ws's `socketOnData` style): `this` is the socket.
function socketOnData(this: OwnedSocket, chunk: Buffer): void {
  this[kTransport]!.received(chunk);
}
function socketOnEnd(this: OwnedSocket): void {
  this[kTransport]!.receivedEof();
}
function socketOnError(this: OwnedSocket, error: NodeJS.ErrnoException): void {
  this[kTransport]!.failed(error);
}
function socketOnClose(this: OwnedSocket): void {
  this[kTransport]!.closed();
}

/** What the sans-I/O connection calls: bytes to write and TCP to end go to the transport, events to the handler. */
class ConnectionEvents implements ConnectionHandler {
  readonly #transport: NodeTransport;
  readonly #handler: TransportHandler;

  constructor(transport: NodeTransport, handler: TransportHandler) {
    this.#transport = transport;
    this.#handler = handler;
  }

  write(bytes: Uint8Array, done?: (error?: Error) => void): void {
    this.#transport.write(bytes, done);
  }

  end(abort: boolean): void {
    this.#transport.end(abort);
  }

  onOpen(info: OpenInfo): void {
    this.#transport.opened();
    this.#handler.onOpen(info);
  }

  onMessage(data: string | Uint8Array, binary: boolean): void {
    this.#handler.onMessage(data, binary);
  }

  onPing(data: Uint8Array): void {
    this.#handler.onPing(data);
  }

  onPong(data: Uint8Array): void {
    this.#handler.onPong(data);
  }
}

export const connectNode: TransportFactory = (url, options, handler) => new NodeTransport(url, options, handler);
