/**
 * The Node transport: moves bytes between a net/tls socket and the sans-I/O `ClientConnection`, and owns the
 * deadlines (handshake, closing handshake). Write batching is `WriteBatcher`'s (write-batcher.ts), the injected
 * SHA-1/CSPRNG/UTF-8 helpers are in node-crypto.ts, the large-frame buffer pool in frame-pool.ts.
 */
import type { Socket } from 'node:net';
import { ConnectionClosedError, isSocklineError, NetworkError, TimeoutError, type SocklineError } from '../errors.js';
import { checkSingleOrigin } from '../request-checks.js';
import { ClientConnection, type ConnectionOptions, type ConnectionOutput } from '../protocol/connection.js';
import { resolvePerMessageDeflate, type DeflateSettings } from '../protocol/permessage-deflate.js';
import { CloseCode, Opcode } from '../protocol/constants.js';
import type { CloseInfo } from '../protocol/events.js';
import type { OutgoingData, Transport, TransportFactory, TransportHandler } from '../transport.js';
import { dial, type DialHandle } from './dial.js';
import { allocateFrame, allocatePayload } from './frame-pool.js';
import { createZlibCodec } from './zlib-codec.js';
import type { DeflateCodec } from '../protocol/deflate-codec.js';
import { decodeText, fillRandom, sha1 } from './node-crypto.js';
import type { NodeTransportOptions } from './node-options.js';
import { connectWithRedirects, explainRedirect } from './redirect.js';
import { tlsNetworkError } from './tls-errors.js';
import { lostBeforeSent, WriteBatcher } from './write-batcher.js';

/** Back-reference from a net.Socket to its transport, so the socket listeners are shared functions (no closures). */
const kTransport = Symbol('sockline.transport');
type OwnedSocket = Socket & { [kTransport]?: NodeTransport };

/**
 * One attempt and, once open, the connection. It is the connection's `ConnectionOutput` (bytes to the socket,
 * TCP ends) and hands the Socket's handler to it as its events, so a message goes from the frame reader to the
 * Socket with no forwarding object of its own. After every input it feeds the connection, it reads the
 * connection's state once to adjust the deadlines (`#afterInput`).
 */
/** What the connection needs for the `perMessageDeflate` option (validated already, at construction). */
function deflateOption(value: NodeTransportOptions['perMessageDeflate']): ConnectionOptions['deflate'] {
  if (value === false) return undefined;
  // The default (`true`) shares one settings object: every open connection keeps a reference, not a copy.
  const settings =
    value === true || value === undefined
      ? (defaultDeflate ??= Object.freeze(resolvePerMessageDeflate(true)!))
      : resolvePerMessageDeflate(value);
  return settings ? { settings, codec: zlibCodec() } : undefined;
}

let defaultDeflate: DeflateSettings | undefined;

let codec: DeflateCodec | undefined;
/** The process's zlib codec, made on first use (it feature-detects the native handle once). */
function zlibCodec(): DeflateCodec {
  return (codec ??= createZlibCodec());
}

export class NodeTransport extends WriteBatcher implements Transport, ConnectionOutput {
  /** A getter, not a field: a constant costs no slot per connection. */
  get canPing(): boolean {
    return true;
  }
  #lastReceivedAt = Date.now();
  /** Reading was stopped by `setReading(false)` (a lagging `messages()` consumer). */
  #paused = false;
  #handler: TransportHandler;
  /** All this keeps of its options: the attempt's options object is not held for the connection's lifetime. */
  #closeTimeout: number;
  #connection: ClientConnection;
  #socket: Socket | undefined;
  #cancelDial: DialHandle | undefined;
  /** The URL of this attempt, to resolve a 3xx's relative Location in the error message; dropped once open. */
  #url: URL | undefined;
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #finished = false;

  constructor(url: URL, options: NodeTransportOptions, handler: TransportHandler) {
    super();
    // Thrown to the Socket, which fails the attempt with it (issue 9 item 1: an Origin header from a provider that
    // clashes with the origin option; checked before any connection or timer is made).
    checkSingleOrigin(options.headers, options.origin);
    this.#handler = handler;
    this.#closeTimeout = options.closeTimeout;
    this.#url = url;
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
        allocate: allocateFrame,
        // permessage-deflate (issue 12): offered unless `perMessageDeflate: false`; one zlib codec per process.
        deflate: deflateOption(options.perMessageDeflate),
        allocatePayload,
      },
      this,
      handler,
    );
    const ms = options.handshakeTimeout;
    if (ms > 0) this.#handshakeTimer = setTimeout(handshakeTimedOut, ms, this, url.host, ms);
    try {
      this.#cancelDial = dial(url, options, (error, socket, via) => {
        this.#cancelDial = undefined;
        if (error) {
          this.#connection.receiveEof(error);
          this.#finish();
        } else {
          this.#attach(socket!, via);
        }
      });
    } catch (error) {
      // dial() reports Node's own option refusals as a final InvalidArgumentError itself (dial.ts `optionError`);
      // anything it throws is already typed: stop the deadline and let the Socket fail the attempt with it.
      clearTimeout(this.#handshakeTimer);
      throw error;
    }
  }

  /** @internal What the dial is waiting for (e.g. the proxy's answer), while it runs. */
  get dialStage(): string | undefined {
    return this.#cancelDial?.stage;
  }

  /** While reading is paused on purpose nothing can arrive, and the link is not dead for it: it reads as now. */
  get lastReceivedAt(): number {
    return this.#paused ? Date.now() : this.#lastReceivedAt;
  }

  get bufferedAmount(): number {
    return this.#socket ? this.#socket.writableLength + this.pendingBytes : 0;
  }

  send(data: OutgoingData | Blob, fragmentSize: number, done?: (error?: Error) => void): boolean {
    // A socket that can no longer write takes nothing: the message stays the caller's.
    if (!this.#writable()) return false;
    if (typeof data === 'string') return this.#connection.sendText(data, fragmentSize, done);
    if (data instanceof Uint8Array) return this.#connection.sendBinary(data, fragmentSize, done);
    throw new TypeError('The Node transport sends strings and Uint8Arrays; convert Blobs first');
  }

  sendFragment(data: Uint8Array, binary: boolean, first: boolean, fin: boolean, done?: (error?: Error) => void): boolean {
    if (!this.#writable()) return false;
    return this.#connection.sendFragment(first ? (binary ? Opcode.Binary : Opcode.Text) : Opcode.Continuation, data, fin, done);
  }

  /**
   * Pause or resume the net/tls socket: a paused socket reads nothing more, the kernel's receive buffer fills and
   * the server's writes block (TCP flow control). What was already read is still delivered.
   */
  setReading(reading: boolean): void {
    const socket = this.#socket;
    if (this.#paused === !reading || !socket) return;
    this.#paused = !reading;
    if (reading) {
      this.#lastReceivedAt = Date.now();
      socket.resume();
    } else {
      socket.pause();
    }
  }

  ping(data?: Uint8Array): boolean {
    return this.#writable() && this.#connection.sendPing(data);
  }

  close(code?: number, reason?: string): void {
    if (this.#finished) return;
    // The closing handshake needs the server's Close frame, which is behind whatever it sent before.
    this.setReading(true);
    if (!this.#socket) {
      this.terminate(new ConnectionClosedError('Connection closed before it was established', CloseCode.Abnormal, '', false));
      return;
    }
    this.#connection.sendClose(code, reason);
    this.#afterInput();
  }

  terminate(error?: SocklineError): void {
    if (this.#finished) return;
    this.#connection.receiveEof(error ?? new ConnectionClosedError('Connection terminated', CloseCode.Abnormal, '', false));
    if (this.#cancelDial) {
      this.#cancelDial.cancel();
      this.#cancelDial = undefined;
      // Report on a later tick, like a socket's 'close' would be, so callers never see re-entrant events.
      process.nextTick(finishLater, this);
    } else {
      this.#socket?.destroy();
    }
  }

  // ---- ConnectionOutput: what the connection asks for ----

  /** @internal Bytes the connection wants sent, in order. */
  write(bytes: Uint8Array, done?: (error?: Error) => void): void {
    const socket = this.#socket;
    if (!socket || socket.destroyed || !socket.writable) {
      done?.(lostBeforeSent());
      return;
    }
    this.queueWrite(socket, bytes, done);
  }

  /** @internal The connection is done with TCP: destroy it at once (`abort`) or end our side gracefully. */
  end(abort: boolean): void {
    const socket = this.#socket;
    if (!socket) return;
    if (abort) {
      socket.destroy();
      return;
    }
    this.flushWrites(socket);
    socket.end();
  }

  // ---- socket notifications (from the shared listeners below) ----

  /** @internal Bytes from the socket. */
  received(chunk: Buffer): void {
    this.#lastReceivedAt = Date.now();
    // A plain Uint8Array view: the reader cuts messages out of it with subarray(), which is several times
    // cheaper on a Uint8Array than on a Buffer (Buffer#subarray is JS that constructs a FastBuffer).
    this.#connection.receiveData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.#afterInput();
  }

  /** @internal TCP is over: the server's FIN (no error), a socket error, or the socket closed. */
  lost(error?: SocklineError): void {
    this.#connection.receiveEof(error);
  }

  /** @internal The socket closed, or the attempt ended before it had one. */
  finish(): void {
    this.#finish();
  }

  /** `via`: the proxy the stream goes through (credentials hidden), for the handshake info. */
  #attach(socket: OwnedSocket, via: string | undefined): void {
    this.#socket = socket;
    socket[kTransport] = this;
    socket.on('data', socketOnData);
    socket.on('end', socketOnEnd);
    socket.on('error', socketOnError);
    socket.on('close', socketOnClose);
    socket.resume();
    try {
      this.#connection.start(via);
    } catch (error) {
      // Runs inside the socket's 'connect' listener: a throw there would be uncaught (issue 9). The Socket checks
      // every input up front, so this is a last line of defence: the attempt fails with the typed error.
      this.#connection.receiveEof(
        isSocklineError(error) ? error : new NetworkError(`Could not start the handshake: ${String(error)}`, error),
      );
      socket.destroy();
    }
  }

  #writable(): boolean {
    const socket = this.#socket;
    return socket !== undefined && !socket.destroyed && socket.writable;
  }

  /**
   * The one place that adjusts the deadlines, after an input changed the connection's state (python-websockets'
   * glue asks `close_expected()` at the same point): the handshake deadline ends with the handshake, and the close
   * deadline starts once a close is expected (`'closing'`: our Close frame went out, or theirs came in, or we failed).
   */
  #afterInput(): void {
    const state = this.#connection.state;
    if (state === 'connecting' || this.#finished) return;
    clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = undefined;
    // Open (a failed handshake goes straight to 'closed'): no 3xx to explain any more, and an idle connection
    // keeps no URL object (160 B with its context).
    if (state !== 'closed') this.#url = undefined;
    const ms = this.#closeTimeout;
    if (state === 'closing' && !this.#closeTimer && ms > 0) {
      this.#closeTimer = setTimeout(closeTimedOut, ms, this, ms);
    }
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#handshakeTimer);
    clearTimeout(this.#closeTimer);
    this.#handshakeTimer = this.#closeTimer = undefined;
    if (this.#socket && this.pendingBytes > 0) this.flushWrites(this.#socket);
    this.#connection.receiveEof();
    // A 3xx that was not followed: the message names where it pointed.
    const info: CloseInfo = this.#url ? explainRedirect(this.#connection.closeInfo(), this.#url) : this.#connection.closeInfo();
    this.#handler.onClose(info);
  }
}

// Timer callbacks with the transport as argument: no closures kept per connection.
function handshakeTimedOut(transport: NodeTransport, host: string, ms: number): void {
  // While a proxy has the attempt, name the proxy and what it has not sent.
  const stage = transport.dialStage;
  const waiting = stage ? ` waiting for ${stage}` : '';
  transport.terminate(new TimeoutError(`Opening handshake with ${host} timed out after ${ms} ms${waiting}`, 'handshake', ms));
}
function closeTimedOut(transport: NodeTransport, ms: number): void {
  transport.terminate(new TimeoutError(`Server did not complete the closing handshake within ${ms} ms`, 'close', ms));
}
function finishLater(transport: NodeTransport): void {
  transport.finish();
}

// Socket listeners shared by every connection (ws's `socketOnData` style): `this` is the socket.
function socketOnData(this: OwnedSocket, chunk: Buffer): void {
  this[kTransport]!.received(chunk);
}
function socketOnEnd(this: OwnedSocket): void {
  this[kTransport]!.lost();
}
function socketOnError(this: OwnedSocket, error: NodeJS.ErrnoException): void {
  // A TLS failure after the dial (e.g. a renegotiation) gets the same message as in dial.ts (issue 11).
  this[kTransport]!.lost(tlsNetworkError(error, 'the server') ?? new NetworkError(`Connection error: ${error.message}`, error));
}
function socketOnClose(this: OwnedSocket): void {
  this[kTransport]!.finish();
}

const openNode = (url: URL, options: NodeTransportOptions, handler: TransportHandler): Transport =>
  new NodeTransport(url, options, handler);

/** `ws+unix:` URLs and `followRedirects` are handled around the transport (redirect.ts). */
export const connectNode: TransportFactory<NodeTransportOptions> = (url, options, handler) =>
  connectWithRedirects(url, options, handler, openNode);
