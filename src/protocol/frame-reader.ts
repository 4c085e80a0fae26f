import { InvalidArgumentError, ProtocolError, type ProtocolViolation } from '../errors.js';
import { parseClosePayload } from './close.js';
import { CloseCode, MAX_CONTROL_PAYLOAD, Opcode } from './constants.js';
import { decodeUtf8, Utf8Validator } from './utf8.js';

/** Receives what the server sent, synchronously, from inside `FrameReader.push()`. */
export interface FrameReaderHandler {
  /**
   * A complete message. Text arrives as a string decoded byte for byte (a leading U+FEFF is data), binary as
   * a `Uint8Array` that may be a view into a pushed chunk. `compressed` is true only when `allowRsv1` is on and
   * the message had RSV1 set: `data` is then the raw payload, not validated or decoded, for an extension to
   * inflate.
   */
  onMessage(data: string | Uint8Array, binary: boolean, compressed?: boolean): void;
  onPing(payload: Uint8Array): void;
  onPong(payload: Uint8Array): void;
  /** A Close frame, already validated with `parseClosePayload` (1005 and '' for an empty body). */
  onClose(code: number, reason: string, payload: Uint8Array): void;
}

export interface FrameReaderOptions {
  /**
   * Largest data frame and largest message (all fragments together) in bytes; more fails with 1009, decided
   * from the length in the frame header before any of the payload is buffered. `Infinity` for no limit.
   * Control frames are bounded by the protocol (125 bytes) instead.
   */
  maxPayload: number;
  /** Accept RSV1 on the first frame of a data message, for a negotiated per-message extension. @default false */
  allowRsv1?: boolean;
  /**
   * Decoder for text messages; it MUST throw on invalid UTF-8 and keep a leading U+FEFF.
   * @default a fatal `TextDecoder` with `ignoreBOM: true`
   */
  decodeText?: (bytes: Uint8Array) => string;
  /**
   * Memory for a frame whose payload spans several chunks, `size` bytes from its header; the reader writes every
   * byte before handing it out, so it need not be zeroed (the Node transport passes uninitialised memory).
   * @default `new ArrayBuffer(size)`
   */
  allocate?: (size: number) => ArrayBuffer;
}

const freshBuffer = (size: number): ArrayBuffer => new ArrayBuffer(size);

/*
 * RFC 6455 §5.2, base framing protocol:
 *
 *   byte 0: FIN | RSV1 | RSV2 | RSV3 | opcode (4 bits)
 *   byte 1: MASK | payload length (7 bits): 0-125, or 126 + 16-bit length, or 127 + 64-bit length
 *   then the extended length, the masking key when MASK is set, and the payload.
 */
const FIN_BIT = 0x80;
const RSV1_BIT = 0x40;
const RSV2_RSV3_BITS = 0x30;
const OPCODE_BITS = 0x0f;
const MASK_BIT = 0x80;
const LENGTH_BITS = 0x7f;
const LENGTH_16 = 126;
const LENGTH_64 = 127;
const LENGTH_64_BYTES = 8;
const LENGTH_16_BYTES = 2;
const HIGH_BIT = 0x80;
const BYTE = 256;
/** Shared zero-length payload for bookkeeping only; never handed to a handler. */
const EMPTY = new Uint8Array(0);
/** Fragments smaller than this are copied into a shared block rather than kept as views (see `#appendFragment`). */
const COALESCE_MAX = 64 * 1024;
/** Smallest such block. */
const COALESCE_MIN = 1024;
/** `messageOpcode` when no fragmented message is in progress. */
const NO_MESSAGE = -1;

/** Where the reader is in the byte stream. */
const State = {
  /** Waiting for byte 0 of a frame header. */
  Byte0: 0,
  /** Waiting for byte 1 of a frame header. */
  Byte1: 1,
  /** Reading a 16- or 64-bit extended payload length. */
  Length: 2,
  /** Reading the payload of the current frame. */
  Payload: 3,
  /** A Close frame was delivered: everything after it is ignored. */
  Closed: 4,
  /** A protocol violation was thrown: everything after it is ignored. */
  Failed: 5,
} as const;
type State = (typeof State)[keyof typeof State];

function join(parts: Uint8Array[] | undefined, total: number): Uint8Array {
  if (parts === undefined) return new Uint8Array(0);
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Sans-I/O reader for the server-to-client side of RFC 6455: bytes in any chunking go in through `push()`,
 * complete messages and control frames come out through the handler, and the first protocol violation is
 * thrown as a `ProtocolError` whose `closeCode` is what to send back (1002, 1007 or 1009).
 *
 * A payload that lies inside one pushed chunk is delivered as a view of that chunk; a payload spread over
 * several chunks is kept as a list of views and copied once when complete; the frames of a fragmented message
 * are joined once, at the end. Pushed chunks must therefore not be modified afterwards.
 *
 * Handlers may throw or push more bytes: the reader updates its own state before every handler call, an
 * exception propagates out of `push()` with the unread rest of the chunk kept for the next `push()`, and bytes
 * pushed from inside a handler are read after the current chunk.
 */
export class FrameReader {
  readonly #handler: FrameReaderHandler;
  readonly #maxPayload: number;
  #allowRsv1: boolean;
  readonly #decodeText: (bytes: Uint8Array) => string;
  readonly #allocate: (size: number) => ArrayBuffer;

  #state: State = State.Byte0;

  // The frame being read.
  #fin = false;
  #rsv1 = false;
  #opcode = 0;
  #lengthBytesLeft = 0;
  #length = 0;
  #remaining = 0;
  /** The payload is UTF-8 text (a text frame, or a continuation of a text message, not compressed). */
  #isText = false;
  /** The payload goes through the incremental validator as it arrives. */
  #checkUtf8 = false;
  /**
   * Parts of a fragment's payload that arrived in earlier chunks (views, joined once with the whole message).
   * Created when needed: an idle connection holds no lists.
   */
  #pieces: Uint8Array[] | undefined;
  /** Bytes of the current frame's payload that arrived in earlier chunks (in `#pieces` or `#frame`). */
  #pieceBytes = 0;
  /**
   * A whole message or a control frame spread over chunks is copied as it arrives into this buffer of the
   * length its header declared: one copy, and no chunk is kept alive. (One chunk: a view, no copy.)
   */
  #frame: Uint8Array | undefined;

  // The fragmented message being assembled.
  #messageOpcode: number = NO_MESSAGE;
  #messageCompressed = false;
  /** Declared payload length of the message so far, for `maxPayload`. */
  #messageLength = 0;
  #fragments: Uint8Array[] | undefined;
  #fragmentBytes = 0;
  /**
   * Where small fragments are copied (issue 9, fragment flood): a list entry per 1-byte fragment cost ~100 B of
   * heap, and a view kept a whole network chunk alive. `#tailUsed` bytes of it are part of the message.
   */
  #tail: Uint8Array | undefined;
  #tailUsed = 0;
  #utf8: Utf8Validator | null = null;

  // Re-entrancy.
  #busy = false;
  /** Chunks pushed from inside a handler, or left unread by a handler that threw (created when needed). */
  #backlog: Uint8Array[] | undefined;

  constructor(handler: FrameReaderHandler, options: FrameReaderOptions) {
    const { maxPayload, allowRsv1 = false, decodeText = decodeUtf8, allocate = freshBuffer } = options;
    if (typeof maxPayload !== 'number' || !(maxPayload >= 0)) {
      throw new InvalidArgumentError(
        `Invalid maxPayload ${String(maxPayload)}: expected a number of bytes >= 0 (Infinity for no limit)`,
      );
    }
    this.#handler = handler;
    this.#maxPayload = maxPayload;
    this.#allowRsv1 = allowRsv1;
    this.#decodeText = decodeText;
    this.#allocate = allocate;
  }

  /**
   * Accept RSV1 on the first frame of a data message from now on: set once the opening handshake agreed on a
   * per-message extension (RFC 7692 §6), before the first frame is pushed.
   */
  set allowRsv1(allow: boolean) {
    this.#allowRsv1 = allow;
  }

  /**
   * Stop reading: everything pushed from now on is ignored, as after a violation. For a violation found outside
   * the reader (an extension's inflating or decoding of a delivered message).
   */
  stop(): void {
    this.#state = State.Failed;
    this.#release();
  }

  /** True while a frame is partly read or a fragmented message is incomplete (EOF now would be abrupt). */
  get inMessage(): boolean {
    return this.#state < State.Closed && (this.#state !== State.Byte0 || this.#messageOpcode !== NO_MESSAGE);
  }

  /** Bytes held for frames and messages that are not complete yet. */
  get bufferedBytes(): number {
    let bytes = this.#pieceBytes + this.#fragmentBytes;
    if (this.#backlog) for (const chunk of this.#backlog) bytes += chunk.length;
    return bytes;
  }

  /**
   * Read bytes from the server. Calls the handler synchronously for every complete message and control frame.
   *
   * @throws ProtocolError on the first violation; the reader then ignores all further input, as it does after
   *   a Close frame (RFC 6455 §5.5.1: "The application MUST NOT send any more data frames after sending a
   *   Close frame.").
   */
  push(chunk: Uint8Array): void {
    const backlog = this.#backlog;
    if (this.#state >= State.Closed || (chunk.length === 0 && !backlog?.length)) return;
    if (this.#busy) {
      (this.#backlog ??= []).push(chunk);
      return;
    }
    this.#busy = true;
    try {
      if (!backlog?.length) this.#consume(chunk);
      else backlog.push(chunk);
      // Re-read: a handler may have created the backlog, and a Close frame replaces it.
      while (this.#backlog?.length && this.#state < State.Closed) {
        this.#consume(this.#backlog.shift() as Uint8Array);
      }
    } finally {
      this.#busy = false;
    }
  }

  #consume(chunk: Uint8Array): void {
    const end = chunk.length;
    let pos = 0;
    try {
      while (pos < end) {
        const state = this.#state;
        if (state === State.Payload) {
          const need = this.#remaining;
          const available = end - pos;
          if (available >= need) {
            const last = chunk.subarray(pos, pos + need);
            pos += need;
            this.#state = State.Byte0;
            this.#remaining = 0;
            if (this.#checkUtf8) this.#validate(last);
            const frame = this.#frame;
            if (this.#pieceBytes === 0) {
              this.#frameComplete(last);
            } else if (frame !== undefined) {
              // The last part of a frame preallocated from its header: the one copy ends here.
              frame.set(last, this.#pieceBytes);
              this.#frame = undefined;
              this.#pieceBytes = 0;
              this.#frameComplete(frame);
            } else if (this.#opcode < Opcode.Close && (!this.#fin || this.#messageOpcode !== NO_MESSAGE)) {
              // A fragment: its pieces join the message's list as they are, to be copied once with the rest.
              this.#movePiecesToFragments(last);
              this.#frameComplete(EMPTY);
            } else {
              this.#frameComplete(this.#joinPieces(last));
            }
          } else {
            const piece = pos === 0 ? chunk : chunk.subarray(pos);
            pos = end;
            this.#remaining = need - available;
            if (this.#frame !== undefined) {
              this.#frame.set(piece, this.#pieceBytes);
            } else if (
              this.#pieceBytes === 0 &&
              (this.#opcode >= Opcode.Close || (this.#fin && this.#messageOpcode === NO_MESSAGE))
            ) {
              // The first part of a frame delivered whole (a single-frame message or a control frame): its buffer
              // is allocated once, from the length in its header (`need`: nothing of it was read before; bounded
              // by maxPayload, checked already).
              const frame = (this.#frame = new Uint8Array(this.#allocate(need)));
              frame.set(piece, 0);
            } else {
              (this.#pieces ??= []).push(piece);
            }
            this.#pieceBytes += available;
            if (this.#isText && !this.#checkUtf8) {
              // A single text frame split across chunks: validate as it arrives to fail fast.
              this.#checkUtf8 = true;
              this.#validator().reset();
            }
            if (this.#checkUtf8) this.#validate(piece);
          }
        } else if (state === State.Byte0) {
          this.#readByte0(chunk[pos++]);
        } else if (state === State.Byte1) {
          this.#readByte1(chunk[pos++]);
        } else if (state === State.Length) {
          this.#readLengthByte(chunk[pos++]);
        } else {
          return;
        }
      }
    } catch (error) {
      // A handler threw: keep the unread bytes so the next push() resumes exactly where this one stopped.
      if (this.#state < State.Closed && pos < end) (this.#backlog ??= []).unshift(chunk.subarray(pos));
      throw error;
    }
  }

  #readByte0(byte: number): void {
    const fin = (byte & FIN_BIT) !== 0;
    const rsv1 = (byte & RSV1_BIT) !== 0;
    const opcode = byte & OPCODE_BITS;
    // RFC 6455 §5.2: RSV1-3 "MUST be 0 unless an extension is negotiated that defines meanings for non-zero values".
    if ((byte & RSV2_RSV3_BITS) !== 0) throw this.#fail(CloseCode.ProtocolError, 'reserved-bits', 'reserved bits set');
    if (rsv1 && !this.#allowRsv1) throw this.#fail(CloseCode.ProtocolError, 'reserved-bits', 'reserved bits set');
    if (opcode >= Opcode.Close) {
      // RFC 6455 §5.2: "%xB-F are reserved for further control frames"; "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_."
      if (opcode > Opcode.Pong) throw this.#fail(CloseCode.ProtocolError, 'bad-opcode', `invalid opcode ${opcode}`);
      // RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be fragmented."
      if (!fin) throw this.#fail(CloseCode.ProtocolError, 'fragmented-control', 'fragmented control frame');
      // RFC 7692 §6: "An endpoint MUST NOT set the "Per-Message Compressed" bit of control frames".
      if (rsv1) throw this.#fail(CloseCode.ProtocolError, 'reserved-bits', 'reserved bits set');
    } else if (opcode === Opcode.Continuation) {
      // RFC 6455 §5.4: a fragmented message starts with "a single frame with the FIN bit clear and an opcode other than 0".
      if (this.#messageOpcode === NO_MESSAGE)
        throw this.#fail(CloseCode.ProtocolError, 'unexpected-continuation', 'unexpected continuation frame');
      // RFC 7692 §6: "An endpoint MUST NOT set the "Per-Message Compressed" bit of [...] non-first fragments".
      if (rsv1) throw this.#fail(CloseCode.ProtocolError, 'reserved-bits', 'reserved bits set');
    } else if (opcode <= Opcode.Binary) {
      // RFC 6455 §5.4: "The fragments of one message MUST NOT be interleaved between the fragments of another message".
      if (this.#messageOpcode !== NO_MESSAGE)
        throw this.#fail(CloseCode.ProtocolError, 'expected-continuation', 'expected continuation frame');
    } else {
      // RFC 6455 §5.2: "%x3-7 are reserved for further non-control frames".
      throw this.#fail(CloseCode.ProtocolError, 'bad-opcode', `invalid opcode ${opcode}`);
    }
    this.#fin = fin;
    this.#rsv1 = rsv1;
    this.#opcode = opcode;
    this.#state = State.Byte1;
  }

  #readByte1(byte: number): void {
    // RFC 6455 §5.1: "A client MUST close a connection if it detects a masked frame."
    if ((byte & MASK_BIT) !== 0) throw this.#fail(CloseCode.ProtocolError, 'masked-frame', 'masked frame from server');
    const length = byte & LENGTH_BITS;
    // RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less".
    if (this.#opcode >= Opcode.Close && length > MAX_CONTROL_PAYLOAD) {
      throw this.#fail(
        CloseCode.ProtocolError,
        'control-frame-too-long',
        `control frame too long - ${length} bytes - max ${MAX_CONTROL_PAYLOAD}`,
      );
    }
    if (length === LENGTH_16 || length === LENGTH_64) {
      this.#lengthBytesLeft = length === LENGTH_16 ? LENGTH_16_BYTES : LENGTH_64_BYTES;
      this.#length = 0;
      this.#state = State.Length;
    } else {
      this.#startPayload(length);
    }
  }

  #readLengthByte(byte: number): void {
    // RFC 6455 §5.2: with a 64-bit length, "the most significant bit MUST be 0".
    if (this.#lengthBytesLeft === LENGTH_64_BYTES && byte >= HIGH_BIT) {
      throw this.#fail(CloseCode.ProtocolError, 'bad-length', 'invalid frame length - top bit of a 64-bit length set');
    }
    this.#length = this.#length * BYTE + byte;
    if (--this.#lengthBytesLeft === 0) this.#startPayload(this.#length);
  }

  /** The header is complete: check the size and set up how the payload will be read. */
  #startPayload(length: number): void {
    const opcode = this.#opcode;
    if (opcode < Opcode.Close) {
      const total = opcode === Opcode.Continuation ? this.#messageLength + length : length;
      // RFC 6455 §7.4.1: "1009 indicates that an endpoint is terminating the connection because it has received a message that is too big for it to process."
      if (total > this.#maxPayload || total > Number.MAX_SAFE_INTEGER) {
        // The sizes make the message actionable (lower-case, far below the 123 bytes a close reason may have).
        throw this.#fail(
          CloseCode.MessageTooBig,
          'message-too-big',
          `message too big - ${total} bytes - ${total > this.#maxPayload ? `max payload ${this.#maxPayload}` : 'over the largest safe integer'}`,
        );
      }
      this.#messageLength = total;
      if (opcode === Opcode.Continuation) {
        this.#isText = this.#messageOpcode === Opcode.Text && !this.#messageCompressed;
        this.#checkUtf8 = this.#isText;
      } else {
        this.#isText = opcode === Opcode.Text && !this.#rsv1;
        // The first frame of a fragmented text message: its characters may continue in the next frame.
        this.#checkUtf8 = this.#isText && !this.#fin;
        if (this.#checkUtf8) this.#validator().reset();
      }
    } else {
      this.#isText = false;
      this.#checkUtf8 = false;
    }
    this.#remaining = length;
    if (length > 0) {
      this.#state = State.Payload;
    } else {
      this.#state = State.Byte0;
      this.#frameComplete(new Uint8Array(0));
    }
  }

  #frameComplete(payload: Uint8Array): void {
    const opcode = this.#opcode;
    if (opcode >= Opcode.Close) {
      this.#control(opcode, payload);
      return;
    }
    if (this.#fin && this.#messageOpcode === NO_MESSAGE) {
      // A single-frame message: no fragment list, no copy.
      this.#deliver(opcode, payload, this.#rsv1);
      return;
    }
    if (opcode !== Opcode.Continuation) {
      this.#messageOpcode = opcode;
      this.#messageCompressed = this.#rsv1;
    }
    if (payload.length > 0) this.#appendFragment(payload);
    if (!this.#fin) return;
    const messageOpcode = this.#messageOpcode;
    const compressed = this.#messageCompressed;
    this.#flushTail();
    const data = join(this.#fragments, this.#fragmentBytes);
    this.#messageOpcode = NO_MESSAGE;
    this.#messageCompressed = false;
    this.#messageLength = 0;
    this.#fragments = undefined;
    this.#fragmentBytes = 0;
    this.#deliver(messageOpcode, data, compressed);
  }

  #deliver(opcode: number, data: Uint8Array, compressed: boolean): void {
    if (compressed) {
      this.#handler.onMessage(data, opcode === Opcode.Binary, true);
      return;
    }
    if (opcode === Opcode.Binary) {
      this.#handler.onMessage(data, true);
      return;
    }
    // RFC 6455 §5.6: "the whole message MUST contain valid UTF-8": a sequence cut off at the end is invalid.
    if (this.#checkUtf8 && !(this.#utf8 as Utf8Validator).end())
      throw this.#fail(CloseCode.InvalidPayload, 'invalid-utf8', 'invalid utf-8');
    let text: string;
    try {
      text = this.#decodeText(data);
    } catch {
      // RFC 6455 §8.1: a byte stream that "is not, in fact, a valid UTF-8 stream" MUST _Fail the WebSocket Connection_.
      throw this.#fail(CloseCode.InvalidPayload, 'invalid-utf8', 'invalid utf-8');
    }
    this.#handler.onMessage(text, false);
  }

  #control(opcode: number, payload: Uint8Array): void {
    if (opcode === Opcode.Close) {
      this.#state = State.Closed;
      this.#release();
      let close: { code: number; reason: string };
      try {
        close = parseClosePayload(payload);
      } catch (error) {
        this.#state = State.Failed;
        throw error;
      }
      this.#handler.onClose(close.code, close.reason, payload);
    } else if (opcode === Opcode.Ping) {
      this.#handler.onPing(payload);
    } else {
      this.#handler.onPong(payload);
    }
  }

  #validate(bytes: Uint8Array): void {
    // RFC 6455 §8.1: invalid UTF-8 MUST _Fail the WebSocket Connection_, here as soon as the bad byte arrives.
    if (!(this.#utf8 as Utf8Validator).push(bytes)) throw this.#fail(CloseCode.InvalidPayload, 'invalid-utf8', 'invalid utf-8');
  }

  #validator(): Utf8Validator {
    return (this.#utf8 ??= new Utf8Validator());
  }

  #joinPieces(last: Uint8Array): Uint8Array {
    const pieces = (this.#pieces ??= []);
    pieces.push(last);
    const payload = join(pieces, this.#pieceBytes + last.length);
    this.#pieces = undefined;
    this.#pieceBytes = 0;
    return payload;
  }

  #movePiecesToFragments(last: Uint8Array): void {
    if (this.#pieces) for (const piece of this.#pieces) this.#appendFragment(piece);
    this.#appendFragment(last);
    this.#pieces = undefined;
    this.#pieceBytes = 0;
  }

  /**
   * Add part of a fragmented message. Large parts are kept as views (copied once, at the end); small ones are
   * copied into `#tail`, which grows with the message (never beyond COALESCE_MAX per block), so the memory a
   * message holds stays proportional to its payload however many fragments it comes in.
   */
  #appendFragment(part: Uint8Array): void {
    const length = part.length;
    this.#fragmentBytes += length;
    if (length >= COALESCE_MAX) {
      this.#flushTail();
      (this.#fragments ??= []).push(part);
      return;
    }
    let tail = this.#tail;
    if (tail === undefined || this.#tailUsed + length > tail.length) {
      this.#flushTail();
      // Blocks double with the message (1 KiB, 2 KiB, … COALESCE_MAX): small messages stay small.
      const size = Math.min(COALESCE_MAX, Math.max(COALESCE_MIN, length, this.#fragmentBytes));
      tail = this.#tail = new Uint8Array(size);
    }
    tail.set(part, this.#tailUsed);
    this.#tailUsed += length;
  }

  /** Move the bytes copied into `#tail` to the fragment list. */
  #flushTail(): void {
    if (this.#tail !== undefined && this.#tailUsed > 0) (this.#fragments ??= []).push(this.#tail.subarray(0, this.#tailUsed));
    this.#tail = undefined;
    this.#tailUsed = 0;
  }

  #release(): void {
    this.#backlog = undefined;
    this.#pieces = undefined;
    this.#frame = undefined;
    this.#pieceBytes = 0;
    this.#fragments = undefined;
    this.#fragmentBytes = 0;
    this.#tail = undefined;
    this.#tailUsed = 0;
    this.#messageOpcode = NO_MESSAGE;
  }

  #fail(closeCode: number, reason: ProtocolViolation, message: string): ProtocolError {
    this.#state = State.Failed;
    this.#release();
    return new ProtocolError(message, closeCode, reason);
  }
}
