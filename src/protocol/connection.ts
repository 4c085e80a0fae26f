/**
 * The client side of one WebSocket connection, without I/O (in the style of python-websockets'
 * sans-I/O `Protocol`). It owns no socket and no timer. Its inputs are method calls:
 *
 * - `start()` once TCP (and TLS) is up: the opening handshake request is written.
 * - `receiveData(bytes)` for every chunk from the server.
 * - `receiveEof(error?)` once, when TCP is over for whatever reason (idempotent).
 * - `sendText/sendBinary/sendPing/sendPong/sendClose`, `fail` from above.
 *
 * Its outputs go to two objects: the `ConnectionOutput` (bytes to write, in order, and when to end TCP),
 * and the `ConnectionEvents` (open, message, ping, pong), usually the Socket's own handler. After any
 * input, the transport reads `state` to adjust its deadlines: `'closing'` means a close is expected, so
 * that is when it arms the close deadline; `closeInfo()` says how it ended once TCP is closed.
 *
 * It never throws into the transport because of the peer: a violation fails the connection
 * (RFC 6455 §7.1.7) and is kept as `error`.
 */
import {
  ConnectionClosedError,
  HandshakeError,
  InvalidStateError,
  isSocklineError,
  NetworkError,
  ProtocolError,
  SocklineError,
} from '../errors.js';
import { encodeClosePayload } from './close.js';
import { CloseCode, MAX_CLOSE_REASON_BYTES, Opcode } from './constants.js';
import type { CloseInfo, ConnectionEvents, HandshakeInfo } from './events.js';
import { encodeText, serializeFrame, serializeMessage, type FrameAllocator } from './frame-serializer.js';
import { FrameReader, type FrameReaderHandler } from './frame-reader.js';
import { acceptKey, buildRequest, createNonce } from './handshake-request.js';
import { validateResponse } from './handshake-response.js';
import { HttpResponseParser } from './http-response-parser.js';
import { MaskPool } from './mask.js';
import { decodeUtf8 } from './utf8.js';
import type { DeflateCodec } from './deflate-codec.js';
import { deflateOffer, PerMessageDeflate, type DeflateSettings } from './permessage-deflate.js';

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
  /** Buffers for data frames (the Node transport reuses written ones); fresh `ArrayBuffer`s by default. */
  allocate?: FrameAllocator;
  /** Memory for an incoming frame spread over chunks (need not be zeroed); fresh `ArrayBuffer`s by default. */
  allocatePayload?: (size: number) => ArrayBuffer;
  maxHeaderBytes?: number;
  /**
   * permessage-deflate (RFC 7692) to offer, and the zlib codec to run it with (injected: the core never imports
   * `node:zlib`). Absent: nothing is offered, and the uncompressed path is all there is.
   */
  deflate?: { settings: DeflateSettings; codec: DeflateCodec };
}

/** Where the connection's bytes go: the transport. */
export interface ConnectionOutput {
  /** Bytes to send, in order. `done` runs once they were handed to the network (or with why they never will be). */
  write(bytes: Uint8Array, done?: (error?: Error) => void): void;
  /**
   * The connection is finished with TCP: `abort` means destroy at once (handshake failure),
   * otherwise end our side gracefully and wait for the peer's FIN (the transport bounds the wait).
   */
  end(abort: boolean): void;
}

const EMPTY = new Uint8Array(0);

export class ClientConnection {
  readonly key: string;
  readonly expectedAccept: string;
  #state: ConnectionState = 'connecting';
  #output: ConnectionOutput;
  #events: ConnectionEvents;
  /** What the opening handshake needs; dropped once it is done, like the parser (idle connections stay small). */
  #options: ConnectionOptions | undefined;
  #responseParser: HttpResponseParser | undefined;
  #reader: FrameReader;
  #masks: MaskPool;
  #nextMask: (() => Uint8Array) | undefined;
  #allocate: FrameAllocator | undefined;
  #closeSent: { code: number; reason: string } | undefined;
  #closeReceived: { code: number; reason: string } | undefined;
  #error: SocklineError | undefined;
  #proxy: string | undefined;
  #handshake: HandshakeInfo | undefined;
  /**
   * The agreed permessage-deflate state and what inflating needs; `undefined` when it was not negotiated: one
   * field is all an uncompressed connection pays, in memory and per message.
   */
  #deflate: { pmd: PerMessageDeflate; maxPayload: number; decodeText: (bytes: Uint8Array) => string } | undefined;
  /** `receiveEof()` was called: TCP is over. */
  #ended = false;
  /** A message sent with `sendFragment` is open (its last fragment had no FIN). */
  #fragmenting = false;

  constructor(options: ConnectionOptions, output: ConnectionOutput, events: ConnectionEvents) {
    this.#options = options;
    this.#output = output;
    this.#events = events;
    // RFC 6455 §4.1: "The nonce MUST be selected randomly for each connection."
    this.key = createNonce(options.fillRandom);
    this.expectedAccept = acceptKey(this.key, options.sha1);
    this.#responseParser = new HttpResponseParser(options.maxHeaderBytes);
    this.#masks = new MaskPool(options.fillRandom);
    this.#allocate = options.allocate;
    this.#reader = new FrameReader(new ClientConnection.#ReaderEvents(this, events), {
      maxPayload: options.maxPayload,
      decodeText: options.decodeText,
      allocate: options.allocatePayload,
    });
  }

  /**
   * The reader's handler, the only object between the frame reader and the Socket's events (one small
   * object per connection instead of four closures). Messages and pongs go straight to the events; pings
   * and Close frames need the connection's state first.
   */
  static readonly #ReaderEvents = class implements FrameReaderHandler {
    readonly #connection: ClientConnection;
    readonly #events: ConnectionEvents;

    constructor(connection: ClientConnection, events: ConnectionEvents) {
      this.#connection = connection;
      this.#events = events;
    }

    onMessage(data: string | Uint8Array, binary: boolean, compressed?: boolean): void {
      if (compressed) this.#connection.#receiveCompressed(data as Uint8Array, binary);
      else this.#events.onMessage(data, binary);
    }

    onPing(payload: Uint8Array): void {
      this.#connection.#receivePing(payload);
    }

    onPong(payload: Uint8Array): void {
      this.#events.onPong(payload);
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

  /**
   * The opening handshake request; call once the TCP (and TLS) connection is up. `proxy` names the proxy the
   * stream goes through (credentials hidden), reported on the handshake info.
   */
  start(proxy?: string): void {
    this.#proxy = proxy;
    const { url, protocols, headers, origin, deflate } = this.#options!;
    const extensions = deflate ? deflateOffer(deflate.settings) : undefined;
    const request = buildRequest({ url, key: this.key, protocols, headers, origin, extensions });
    this.#output.write(encodeText(request));
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

  /**
   * TCP is over, whatever ended it: the server's FIN (no argument), or a socket error, a deadline or our own
   * teardown (`error` says why). Like python-websockets' `receive_eof()`/`connection_lost()` in one, and
   * idempotent: the first call decides how the connection ended, later ones change nothing. Nothing is
   * written or reported after it; `closeInfo()` then says how it ended.
   */
  receiveEof(error?: SocklineError): void {
    if (this.#ended) return;
    this.#ended = true;
    // RFC 6455 §7.1.5: once both Close frames were exchanged, the connection is closed cleanly whenever TCP then
    // closes. A server that never closes TCP (our close timeout drops it) or resets it has not failed anything.
    if (!(this.#closeReceived && this.#closeSent)) this.#error ??= error ?? this.#lostError();
    this.#state = 'closed';
    // The zlib contexts (if any were made) are released with the connection.
    this.#deflate?.pmd.close();
  }

  /**
   * Send a text message (split into frames of at most `fragmentSize` bytes when > 0). False when the
   * connection is not open, our Close frame went out (RFC 6455 §5.5.1: no data frames after it) or a message sent
   * with `sendFragment` is still open (§5.4: no interleaving): then
   * nothing was written and `done` is never called. True: the frames were written; `done` runs with
   * the last one.
   */
  sendText(text: string, fragmentSize = 0, done?: (error?: Error) => void): boolean {
    return this.#canSendMessage() && this.#sendMessage(Opcode.Text, encodeText(text), fragmentSize, done);
  }

  /** Like {@link sendText}, for a binary message. */
  sendBinary(data: Uint8Array, fragmentSize = 0, done?: (error?: Error) => void): boolean {
    return this.#canSendMessage() && this.#sendMessage(Opcode.Binary, data, fragmentSize, done);
  }

  /**
   * Send one fragment of a message whose size is not known up front (a streamed send). `opcode` is `Opcode.Text` or
   * `Opcode.Binary` for the first fragment and `Opcode.Continuation` for every later one; `fin` ends the message.
   * Returns and calls `done` as {@link sendBinary} does. Text payloads are UTF-8 the caller encoded from whole
   * strings, so no code point is split across fragments (the receiver validates each message as a whole anyway).
   *
   * RFC 6455 §5.4: "An unfragmented message consists of a single frame with the FIN bit set and an opcode other
   * than 0. A fragmented message consists of a single frame with the FIN bit clear and an opcode other than 0,
   * followed by zero or more frames with the FIN bit clear and the opcode set to 0, and terminated by a single
   * frame with the FIN bit set and an opcode of 0." And: "Control frames MAY be injected in the middle of a
   * fragmented message", but "the fragments of one message MUST NOT be interleaved between the fragments of
   * another message": so while a fragmented message is open, `sendText`/`sendBinary` take nothing (false, as for a
   * closing link: the caller keeps the message) and a fragment out of sequence is a caller bug, refused with a throw.
   *
   * @throws InvalidStateError for a fragment out of sequence (a continuation with no message open, or a new
   *   message while one is open).
   */
  sendFragment(opcode: number, payload: Uint8Array, fin: boolean, done?: (error?: Error) => void): boolean {
    const continuing = opcode === Opcode.Continuation;
    if (continuing !== this.#fragmenting) {
      throw new InvalidStateError(
        continuing
          ? 'A continuation fragment needs a message started with a text or binary fragment'
          : 'A fragmented message is still open: end it (fin) before starting another',
      );
    }
    if (!this.#canSend()) return false;
    this.#fragmenting = !fin;
    this.#output.write(serializeFrame(opcode, payload, fin, this.#masks.next(), false, this.#allocate), done);
    return true;
  }

  /** Send a Ping frame; false (nothing written) when the connection is not open. */
  sendPing(data: Uint8Array = EMPTY): boolean {
    if (!this.#canSend()) return false;
    this.#output.write(serializeFrame(Opcode.Ping, data, true, this.#masks.next()));
    return true;
  }

  /** Send an unsolicited Pong frame; false (nothing written) when the connection is not open. */
  sendPong(data: Uint8Array = EMPTY): boolean {
    if (!this.#canSend()) return false;
    this.#output.write(serializeFrame(Opcode.Pong, data, true, this.#masks.next()));
    return true;
  }

  /**
   * Start (or complete) the closing handshake. Code and reason were validated by the caller.
   * RFC 6455 §5.5.1: after sending a Close frame, the endpoint "MUST NOT send any more data frames".
   */
  sendClose(code?: number, reason = ''): void {
    if (this.#state === 'connecting') {
      // Nothing to close politely yet: drop the handshake (the WHATWG close() on CONNECTING fails the connection).
      this.#error ??= new ConnectionClosedError(
        'Connection closed before the opening handshake completed',
        CloseCode.Abnormal,
        '',
        false,
      );
      this.#state = 'closed';
      this.#output.end(true);
      return;
    }
    if (this.#closeSent || this.#state === 'closed') return;
    this.#closeSent = { code: code ?? CloseCode.NoStatus, reason };
    this.#state = 'closing';
    this.#output.write(serializeFrame(Opcode.Close, encodeClosePayload(code, reason), true, this.#masks.next()));
    if (this.#closeReceived) this.#output.end(false);
  }

  /**
   * RFC 6455 §7.1.7 Fail the WebSocket Connection: send a Close frame with `code` if we still may,
   * then close TCP without waiting for the echo.
   */
  fail(error: SocklineError, code?: number): void {
    if (this.#state === 'closed') return;
    this.#error ??= error;
    this.#deflate?.pmd.close();
    if (this.#state === 'connecting') {
      this.#state = 'closed';
      this.#output.end(true);
      return;
    }
    if (!this.#closeSent && code !== undefined) {
      // The reason travels in a control frame: at most 123 UTF-8 bytes (RFC 6455 §5.5).
      const reason = encodeText(error.message).length <= MAX_CLOSE_REASON_BYTES ? error.message : '';
      this.#closeSent = { code, reason };
      this.#output.write(serializeFrame(Opcode.Close, encodeClosePayload(code, reason), true, this.#masks.next()));
    }
    this.#state = 'closing';
    this.#output.end(false);
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

  /** Why TCP ending on its own (no `error` given to `receiveEof`) was a failure. */
  #lostError(): SocklineError {
    if (this.#state === 'connecting') {
      return new HandshakeError('Server closed the connection before completing the opening handshake', 'malformed');
    }
    if (this.#reader.inMessage && !this.#closeReceived)
      return new NetworkError('Server closed the connection in the middle of a frame');
    return new NetworkError('Connection closed without a closing handshake');
  }

  #receiveHandshake(chunk: Uint8Array): void {
    let result;
    try {
      result = this.#responseParser!.push(chunk);
      if (!result) return;
      const deflate = this.#options!.deflate;
      const { protocol, extensions, perMessageDeflate } = validateResponse(result.head, {
        key: this.key,
        expectedAccept: this.expectedAccept,
        protocols: this.#options!.protocols,
        extensions: [],
        deflate: deflate?.settings,
      });
      if (perMessageDeflate && deflate) {
        // RFC 7692 §6: RSV1 is the "Per-Message Compressed" bit once the extension is in use. The contexts are
        // made on the first compressed message (an idle connection holds none).
        this.#deflate = {
          pmd: new PerMessageDeflate(perMessageDeflate, deflate.settings, deflate.codec),
          maxPayload: this.#options!.maxPayload,
          decodeText: this.#options!.decodeText ?? decodeUtf8,
        };
        this.#reader.allowRsv1 = true;
      }
      this.#responseParser = this.#options = undefined;
      this.#handshake = {
        key: this.key,
        expectedAccept: this.expectedAccept,
        receivedAccept: result.head.headers['sec-websocket-accept'] ?? '',
        status: result.head.status,
        headers: result.head.headers,
      };
      if (this.#proxy) this.#handshake.proxy = this.#proxy;
      if (perMessageDeflate) this.#handshake.perMessageDeflate = perMessageDeflate;
      this.#state = 'open';
      this.#events.onOpen({ protocol, extensions, handshake: this.#handshake });
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
      // A violation found after the reader (inflating, decoding) leaves the reader itself in a good state: stop
      // reading all the same, the connection has failed (RFC 6455 §7.1.7).
      this.#reader.stop();
      this.fail(error, error.closeCode);
    }
  }

  /**
   * A message received with RSV1 set (RFC 7692 §6.2): inflated with `maxPayload` as the limit on the INFLATED
   * size, so a small payload that would inflate to gigabytes stops at `maxPayload` + 1 bytes with 1009.
   * Corrupt DEFLATE data is 1007 (like ws: "an endpoint ... received data within a message that was not
   * consistent with the type of the message", RFC 6455 §7.4.1), as is invalid UTF-8 after inflation.
   */
  #receiveCompressed(payload: Uint8Array, binary: boolean): void {
    const deflate = this.#deflate!;
    const inflated = deflate.pmd.inflate(payload, true, deflate.maxPayload);
    if (binary) {
      this.#events.onMessage(inflated, true);
      return;
    }
    let text: string;
    try {
      text = deflate.decodeText(inflated);
    } catch {
      // RFC 6455 §8.1: a byte stream that "is not, in fact, a valid UTF-8 stream" MUST _Fail the WebSocket Connection_.
      throw new ProtocolError('invalid utf-8', CloseCode.InvalidPayload, 'invalid-utf8');
    }
    this.#events.onMessage(text, false);
  }

  #receivePing(payload: Uint8Array): void {
    // RFC 6455 §5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response
    // ... unless it already received a Close frame." It "SHOULD respond ... as soon as is practical."
    // Closing after our own Close frame still answers: only a received Close frame excuses the Pong, and a
    // Pong is a control frame, not one of the data frames §5.5.1 forbids after a Close.
    if (this.#state === 'open' || (this.#state === 'closing' && !this.#error)) {
      this.#output.write(serializeFrame(Opcode.Pong, payload, true, this.#masks.next()));
    }
    this.#events.onPing(payload);
  }

  #receiveClose(code: number, reason: string): void {
    this.#closeReceived = { code, reason };
    if (!this.#closeSent) {
      // RFC 6455 §5.5.1: "the endpoint MUST send a Close frame in response ... typically echoing
      // the status code it received." 1005 means the peer sent no code, so we send none either.
      const echo = code === CloseCode.NoStatus ? undefined : code;
      this.#closeSent = { code, reason: '' };
      this.#state = 'closing';
      this.#output.write(serializeFrame(Opcode.Close, encodeClosePayload(echo), true, this.#masks.next()));
    }
    this.#output.end(false);
  }

  #sendMessage(opcode: number, payload: Uint8Array, fragmentSize: number, done?: (error?: Error) => void): true {
    let compressed = false;
    if (this.#deflate !== undefined) {
      // RFC 7692 §6.1: compressed, RSV1 on the first frame only. The compressed bytes may sit in a buffer the
      // codec reuses: they are masked into the frame(s) below, before anything is compressed again.
      const deflated = this.#deflate.pmd.compress(payload);
      if (deflated !== null) {
        payload = deflated;
        compressed = true;
      }
    }
    if (fragmentSize <= 0 || payload.length <= fragmentSize) {
      this.#output.write(serializeFrame(opcode, payload, true, this.#masks.next(), compressed, this.#allocate), done);
      return true;
    }
    this.#nextMask ??= () => this.#masks.next();
    const frames = serializeMessage(opcode, payload, fragmentSize, this.#nextMask, this.#allocate, compressed);
    const last = frames.length - 1;
    for (let i = 0; i < last; i++) this.#output.write(frames[i]);
    this.#output.write(frames[last], done);
    return true;
  }

  /** Open, and our Close frame not sent yet. */
  #canSend(): boolean {
    return this.#state === 'open' && !this.#closeSent;
  }

  /** A whole data message may go now: `#canSend()`, and no fragmented message is open (RFC 6455 §5.4). */
  #canSendMessage(): boolean {
    return this.#canSend() && !this.#fragmenting;
  }
}
