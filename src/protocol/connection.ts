/**
 * The client side of one WebSocket connection, without I/O (in the style of python-websockets'
 * sans-I/O `Protocol`). Bytes from the network go in through `receiveData()` / `receiveEof()`;
 * bytes to send and events come out through the `ConnectionHandler`. It owns no socket and no timer:
 * the transport writes what it is given, ends TCP when asked, and runs the deadlines.
 *
 * It never throws into the transport because of the peer: a violation fails the connection
 * (RFC 6455 §7.1.7) and is kept as `error`.
 */
import { ConnectionClosedError, HandshakeError, isSocklineError, NetworkError, ProtocolError, SocklineError } from '../errors.js';
import type { CloseInfo, HandshakeInfo, OpenInfo } from '../transport.js';
import { encodeClosePayload } from './close.js';
import { CloseCode, MAX_CLOSE_REASON_BYTES, Opcode } from './constants.js';
import { encodeText, serializeFrame, serializeMessage } from './frame-serializer.js';
import { FrameReader, type FrameReaderHandler } from './frame-reader.js';
import { acceptKey, buildRequest, createNonce, validateResponse } from './handshake.js';
import { HttpResponseParser } from './http-response-parser.js';
import { MaskPool } from './mask.js';

export type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed';

export interface ConnectionOptions {
  url: URL;
  protocols: string[];
  headers: Record<string, string>;
  origin: string | undefined;
  maxPayload: number;
  /** SHA-1 of a string; injected so the core stays synchronous and free of `node:crypto`. */
  sha1: (input: string) => Uint8Array;
  /** Fast UTF-8 decoder that throws on invalid input (optional). */
  decodeText?: (bytes: Uint8Array) => string;
  /** Random source for the nonce and masks (tests make them deterministic). */
  fillRandom?: (bytes: Uint8Array) => void;
  maxHeaderBytes?: number;
}

export interface ConnectionHandler {
  /** Bytes to send, in order. `done` runs once they were handed to the network. */
  write(bytes: Uint8Array, done?: (error?: Error) => void): void;
  /**
   * The connection is finished with TCP: `abort` means destroy at once (handshake failure),
   * otherwise end our side gracefully and wait for the peer's FIN (the transport bounds the wait).
   */
  end(abort: boolean): void;
  onOpen(info: OpenInfo): void;
  onMessage(data: string | Uint8Array, binary: boolean): void;
  onPing(data: Uint8Array): void;
  onPong(data: Uint8Array): void;
}

const EMPTY = new Uint8Array(0);

export class ClientConnection {
  readonly key: string;
  readonly expectedAccept: string;
  #state: ConnectionState = 'connecting';
  #handler: ConnectionHandler;
  /** What the opening handshake needs; dropped once it is done, like the parser (idle connections stay small). */
  #options: ConnectionOptions | undefined;
  #responseParser: HttpResponseParser | undefined;
  #reader: FrameReader;
  #masks: MaskPool;
  #nextMask: (() => Uint8Array) | undefined;
  #closeSent: { code: number; reason: string } | undefined;
  #closeReceived: { code: number; reason: string } | undefined;
  #error: SocklineError | undefined;
  #handshake: HandshakeInfo | undefined;
  #eof = false;

  constructor(options: ConnectionOptions, handler: ConnectionHandler) {
    this.#options = options;
    this.#handler = handler;
    // RFC 6455 §4.1: "The nonce MUST be selected randomly for each connection."
    this.key = createNonce(options.fillRandom);
    this.expectedAccept = acceptKey(this.key, options.sha1);
    this.#responseParser = new HttpResponseParser(options.maxHeaderBytes);
    this.#masks = new MaskPool(options.fillRandom);
    this.#reader = new FrameReader(new ClientConnection.#ReaderEvents(this, handler), {
      maxPayload: options.maxPayload,
      decodeText: options.decodeText,
    });
  }

  /**
   * The reader's handler: one small object per connection instead of four closures. Messages and pongs go
   * straight to the connection's handler; pings and Close frames need the connection's state.
   */
  static readonly #ReaderEvents = class implements FrameReaderHandler {
    readonly #connection: ClientConnection;
    readonly #handler: ConnectionHandler;

    constructor(connection: ClientConnection, handler: ConnectionHandler) {
      this.#connection = connection;
      this.#handler = handler;
    }

    onMessage(data: string | Uint8Array, binary: boolean): void {
      this.#handler.onMessage(data, binary);
    }

    onPing(payload: Uint8Array): void {
      this.#connection.#receivePing(payload);
    }

    onPong(payload: Uint8Array): void {
      this.#handler.onPong(payload);
    }

    onClose(code: number, reason: string): void {
      this.#connection.#receiveClose(code, reason);
    }
  };

  get state(): ConnectionState {
    return this.#state;
  }

  /** Why the connection failed, if it did. */
  get error(): SocklineError | undefined {
    return this.#error;
  }

  get handshake(): HandshakeInfo | undefined {
    return this.#handshake;
  }

  get closeSent(): { code: number; reason: string } | undefined {
    return this.#closeSent;
  }

  get closeReceived(): { code: number; reason: string } | undefined {
    return this.#closeReceived;
  }

  /** The opening handshake request; call once the TCP (and TLS) connection is up. */
  start(): void {
    const { url, protocols, headers, origin } = this.#options!;
    const request = buildRequest({ url, key: this.key, protocols, headers, origin });
    this.#handler.write(encodeText(request));
  }

  /** Bytes received from the server. */
  receiveData(chunk: Uint8Array): void {
    if (this.#state === 'connecting') {
      this.#receiveHandshake(chunk);
    } else if (this.#state !== 'closed' && !this.#closeReceived) {
      this.#receiveFrames(chunk);
    }
    // RFC 6455 §5.5.1: after a Close frame, further data is discarded.
  }

  /** The server ended its side of TCP. */
  receiveEof(): void {
    this.#eof = true;
    if (this.#state === 'connecting' && !this.#error) {
      this.#error = new HandshakeError('malformed', 'Server closed the connection before completing the opening handshake');
    }
    this.#setClosed();
  }

  /**
   * Send a text message (split into frames of at most `fragmentSize` bytes when > 0). False when the
   * connection is not open or our Close frame went out (RFC 6455 §5.5.1: no data frames after it): then
   * nothing was written and `done` is never called. True: the frames were written; `done` runs with
   * the last one.
   */
  sendText(text: string, fragmentSize = 0, done?: (error?: Error) => void): boolean {
    return this.#canSend() && this.#sendMessage(Opcode.Text, encodeText(text), fragmentSize, done);
  }

  /** Like {@link sendText}, for a binary message. */
  sendBinary(data: Uint8Array, fragmentSize = 0, done?: (error?: Error) => void): boolean {
    return this.#canSend() && this.#sendMessage(Opcode.Binary, data, fragmentSize, done);
  }

  /** Send a Ping frame; false (nothing written) when the connection is not open. */
  sendPing(data: Uint8Array = EMPTY): boolean {
    if (!this.#canSend()) return false;
    this.#handler.write(serializeFrame(Opcode.Ping, data, true, this.#masks.next()));
    return true;
  }

  /** Send an unsolicited Pong frame; false (nothing written) when the connection is not open. */
  sendPong(data: Uint8Array = EMPTY): boolean {
    if (!this.#canSend()) return false;
    this.#handler.write(serializeFrame(Opcode.Pong, data, true, this.#masks.next()));
    return true;
  }

  /**
   * Start (or complete) the closing handshake. Code and reason were validated by the caller.
   * RFC 6455 §5.5.1: after sending a Close frame, the endpoint "MUST NOT send any more data frames".
   */
  sendClose(code?: number, reason = ''): void {
    if (this.#state === 'connecting') {
      // Nothing to close politely yet: drop the handshake (the WHATWG close() on CONNECTING fails the connection).
      this.#error ??= new ConnectionClosedError(CloseCode.Abnormal, '', false, 'Connection closed before the opening handshake completed');
      this.#state = 'closed';
      this.#handler.end(true);
      return;
    }
    if (this.#closeSent || this.#state === 'closed') return;
    this.#closeSent = { code: code ?? CloseCode.NoStatus, reason };
    this.#state = 'closing';
    this.#handler.write(serializeFrame(Opcode.Close, encodeClosePayload(code, reason), true, this.#masks.next()));
    if (this.#closeReceived) this.#handler.end(false);
  }

  /**
   * RFC 6455 §7.1.7 Fail the WebSocket Connection: send a Close frame with `code` if we still may,
   * then close TCP without waiting for the echo.
   */
  fail(error: SocklineError, code?: number): void {
    if (this.#state === 'closed') return;
    this.#error ??= error;
    if (this.#state === 'connecting') {
      this.#state = 'closed';
      this.#handler.end(true);
      return;
    }
    if (!this.#closeSent && code !== undefined) {
      // The reason travels in a control frame: at most 123 UTF-8 bytes (RFC 6455 §5.5).
      const reason = encodeText(error.message).length <= MAX_CLOSE_REASON_BYTES ? error.message : '';
      this.#closeSent = { code, reason };
      this.#handler.write(serializeFrame(Opcode.Close, encodeClosePayload(code, reason), true, this.#masks.next()));
    }
    this.#state = 'closing';
    this.#handler.end(false);
  }

  /**
   * How the connection ended (call after TCP closed). RFC 6455 §7.1.5: the close code is the one
   * in the first Close frame received, 1005 if it had none, 1006 if none was received.
   */
  closeInfo(): CloseInfo {
    const received = this.#closeReceived;
    const info: CloseInfo = {
      code: received ? received.code : CloseCode.Abnormal,
      reason: received ? received.reason : '',
      // §7.1.5 / WHATWG: clean only if the closing handshake completed on both sides.
      wasClean: !!(received && this.#closeSent) && !this.#error,
    };
    if (this.#error) info.error = this.#error;
    return info;
  }

  /** The transport lost TCP or gave up (timeout, network error): record why, if nothing else did first. */
  abort(error: SocklineError): void {
    // RFC 6455 §7.1.5: once both Close frames were exchanged, the connection is closed cleanly whenever TCP then
    // closes. A server that never closes TCP (our close timeout drops it) or resets it has not failed anything.
    if (!(this.#closeReceived && this.#closeSent)) this.#error ??= error;
    this.#setClosed();
  }

  /** TCP is gone (the transport saw it close). Unless both Close frames were exchanged, that is an error. */
  connectionLost(): void {
    if (!(this.#closeReceived && this.#closeSent)) {
      this.#error ??=
        this.#state === 'connecting'
          ? new NetworkError('Connection closed before the opening handshake completed')
          : new NetworkError('Connection closed without a closing handshake');
    }
    this.#setClosed();
  }

  #receiveHandshake(chunk: Uint8Array): void {
    let result;
    try {
      result = this.#responseParser!.push(chunk);
      if (!result) return;
      const { protocol, extensions } = validateResponse(result.head, {
        key: this.key,
        expectedAccept: this.expectedAccept,
        protocols: this.#options!.protocols,
        extensions: [],
      });
      this.#responseParser = this.#options = undefined;
      this.#handshake = {
        key: this.key,
        expectedAccept: this.expectedAccept,
        receivedAccept: result.head.headers['sec-websocket-accept'] ?? '',
        status: result.head.status,
        headers: result.head.headers,
      };
      this.#state = 'open';
      this.#handler.onOpen({ protocol, extensions, handshake: this.#handshake });
    } catch (error) {
      if (!isSocklineError(error)) throw error;
      // RFC 6455 §4.1: "the client MUST _Fail the WebSocket Connection_": destroy TCP at once.
      this.fail(error);
      return;
    }
    // Frames that arrived in the same packet as the 101 are the first messages, not noise.
    // (onOpen may have closed the connection already: re-read the state.)
    if (result.rest.length > 0 && (this.#state as ConnectionState) !== 'closed') this.#receiveFrames(result.rest);
  }

  #receiveFrames(chunk: Uint8Array): void {
    try {
      this.#reader.push(chunk);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.fail(error, error.closeCode);
    }
  }

  #receivePing(payload: Uint8Array): void {
    // RFC 6455 §5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response
    // ... unless it already received a Close frame." It "SHOULD respond ... as soon as is practical."
    // Closing after our own Close frame still answers: only a received Close frame excuses the Pong, and a
    // Pong is a control frame, not one of the data frames §5.5.1 forbids after a Close.
    if (this.#state === 'open' || (this.#state === 'closing' && !this.#error)) {
      this.#handler.write(serializeFrame(Opcode.Pong, payload, true, this.#masks.next()));
    }
    this.#handler.onPing(payload);
  }

  #receiveClose(code: number, reason: string): void {
    this.#closeReceived = { code, reason };
    if (!this.#closeSent) {
      // RFC 6455 §5.5.1: "the endpoint MUST send a Close frame in response ... typically echoing
      // the status code it received." 1005 means the peer sent no code, so we send none either.
      const echo = code === CloseCode.NoStatus ? undefined : code;
      this.#closeSent = { code, reason: '' };
      this.#state = 'closing';
      this.#handler.write(serializeFrame(Opcode.Close, encodeClosePayload(echo), true, this.#masks.next()));
    }
    this.#handler.end(false);
  }

  #sendMessage(opcode: number, payload: Uint8Array, fragmentSize: number, done?: (error?: Error) => void): true {
    if (fragmentSize <= 0 || payload.length <= fragmentSize) {
      this.#handler.write(serializeFrame(opcode, payload, true, this.#masks.next()), done);
      return true;
    }
    this.#nextMask ??= () => this.#masks.next();
    const frames = serializeMessage(opcode, payload, fragmentSize, this.#nextMask);
    const last = frames.length - 1;
    for (let i = 0; i < last; i++) this.#handler.write(frames[i]);
    this.#handler.write(frames[last], done);
    return true;
  }

  /** Open, and our Close frame not sent yet. */
  #canSend(): boolean {
    return this.#state === 'open' && !this.#closeSent;
  }

  #setClosed(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    if (this.#reader.inMessage && !this.#closeReceived && !this.#error && this.#eof) {
      this.#error = new NetworkError('Server closed the connection in the middle of a frame');
    }
  }
}

