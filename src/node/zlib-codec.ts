/**
 * The permessage-deflate codec over node:zlib (see src/protocol/deflate-codec.ts for the contract).
 *
 * Synchronous, with context takeover, through the native handle of a persistent `zlib.InflateRaw`/`DeflateRaw`:
 * `stream._handle.writeSync(flush, in, inOff, inLen, out, outOff, outLen)` with the counts left in
 * `stream._writeState`, which is exactly what node:zlib's own `*Sync` functions run (`processChunkSync`). Those
 * functions cannot be used themselves: they close the context after one call, and `_processChunk(chunk, flag)`
 * does too. Measured on 100,000 × 1 KiB JSON-like messages (bench/zlib-options.mjs): inflate ~10× and deflate
 * ~7× faster than the write()+flush(cb) stream round trip through the thread pool that ws makes per message.
 *
 * The handle is not a documented API, so it is feature-detected once per process (and checked on a known
 * vector). Without it (another runtime's node:zlib), a documented fallback runs: `inflateRawSync` with the last
 * window of history as `dictionary` and `maxOutputLength`, and `deflateRawSync` per message without context
 * takeover (always allowed for our own messages: RFC 7692 §7.1.1.2). Slower, never wrong.
 */
import { constants as bufferConstants } from 'node:buffer';
import zlib from 'node:zlib';
import { ProtocolError } from '../errors.js';
import { CloseCode } from '../protocol/constants.js';
import { DEFLATE_TAIL } from '../protocol/deflate-codec.js';
import type {
  DeflateCodec,
  DeflaterParams,
  InflaterParams,
  MessageDeflater,
  MessageInflater,
} from '../protocol/deflate-codec.js';

const { Z_SYNC_FLUSH } = zlib.constants;
const EMPTY = new Uint8Array(0);
/** RFC 7692 §7.2.3.6: the compressed payload of an empty message (an empty stored block, tail removed). */
const EMPTY_BLOCK = new Uint8Array([0x00]);
/** Output buffer for the first round of every call, shared: everything here is synchronous and not re-entrant. */
const SCRATCH_BYTES = 64 * 1024;
/** Output chunks after the scratch buffer filled up. */
const CHUNK_BYTES = 256 * 1024;
/** What a raw DEFLATE stream with an 8-bit window needs: see `deflateWindowBits`. */
const ZLIB_MIN_RAW_DEFLATE_BITS = 9;

/** Largest Buffer this Node can make (`maxOutputLength` must not exceed it). */
const BUFFER_MAX = bufferConstants.MAX_LENGTH;

/** A last piece up to this size is copied next to the tail, to inflate both in one call. */
const JOIN_MAX_BYTES = 16 * 1024;

let inflateScratch: Buffer | undefined;
let joinScratch: Uint8Array | undefined;
let deflateScratch: Buffer | undefined;

/** node:zlib's native handle, as `processChunkSync` drives it. */
interface NativeHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOff: number,
    inLen: number,
    out: Uint8Array,
    outOff: number,
    outLen: number,
  ): void;
}
interface StreamInternals {
  _handle?: NativeHandle | null;
  _writeState?: Uint32Array;
  errored?: Error | null;
}

export type ZlibCodecMode = 'auto' | 'handle' | 'one-shot';

/**
 * The node:zlib codec. `mode` is for tests: `'handle'` insists on the native handle (throws if it is missing),
 * `'one-shot'` forces the documented fallback; `'auto'` picks the handle when this Node has it.
 */
export function createZlibCodec(mode: ZlibCodecMode = 'auto'): DeflateCodec {
  const handle = mode === 'handle' ? requireHandle() : mode === 'auto' && handleWorks();
  return handle
    ? { createInflater: (p) => new HandleInflater(p), createDeflater: (p) => new HandleDeflater(p) }
    : { createInflater: (p) => new OneShotInflater(p), createDeflater: (p) => new OneShotDeflater(p) };
}

let handleChecked: boolean | undefined;

/** True when zlib streams expose the native handle and it inflates RFC 7692 §7.2.3.1's "Hello" correctly. */
export function handleWorks(): boolean {
  if (handleChecked === undefined) {
    try {
      const inflater = new HandleInflater({ windowBits: 15, noContextTakeover: false });
      const hello = inflater.inflate(new Uint8Array([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]), true, 100);
      inflater.close();
      handleChecked = new TextDecoder().decode(hello) === 'Hello';
    } catch {
      handleChecked = false;
    }
  }
  return handleChecked;
}

function requireHandle(): true {
  if (!handleWorks()) throw new Error("this runtime's node:zlib streams have no usable native handle (_handle.writeSync)");
  return true;
}

/** Opens the native handle of a fresh zlib stream, or throws when this runtime has none. */
function open<T extends zlib.InflateRaw | zlib.DeflateRaw>(stream: T): Context<T> {
  // An error (corrupt data) destroys the stream and emits 'error' on the next tick: we report it synchronously
  // ourselves, and this listener keeps that emit from crashing the process.
  stream.on('error', noop);
  const internals = stream as unknown as StreamInternals;
  const handle = internals._handle;
  const state = internals._writeState;
  if (typeof handle?.writeSync !== 'function' || !(state instanceof Uint32Array) || state.length < 2) {
    stream.close();
    throw new Error('node:zlib stream without a native handle');
  }
  return { stream, handle, state };
}

function noop(): void {}

/** Separate buffers, so that a compressed payload still waiting to be framed survives an inflate. */
function inflateOutput(): Output {
  return new Output((inflateScratch ??= Buffer.allocUnsafe(SCRATCH_BYTES)));
}

function deflateOutput(): Output {
  return new Output((deflateScratch ??= Buffer.allocUnsafe(SCRATCH_BYTES)));
}

/**
 * zlib refuses an 8-bit window for raw DEFLATE (since 1.2.9; node:zlib maps 8 to 9 for DeflateRaw, and ws relies
 * on that). A 9-bit deflater is still readable with an 8-bit window: zlib never emits a distance above
 * `MAX_DIST = w_size - MIN_LOOKAHEAD` = 512 - 262 = 250 bytes, under the 256 an 8-bit window holds.
 */
function deflateWindowBits(bits: number): number {
  return Math.max(bits, ZLIB_MIN_RAW_DEFLATE_BITS);
}

/**
 * Output collected over the rounds of one call: written into a shared scratch buffer first (most messages fit),
 * then into owned chunks. A result that is a view of the scratch buffer is only valid until the next call.
 */
class Output {
  readonly #scratch: Buffer;
  #parts: Uint8Array[] = [];
  #buffer: Buffer;
  #offset = 0;
  total = 0;

  constructor(scratch: Buffer) {
    this.#scratch = this.#buffer = scratch;
  }

  /** Where the next round may write: the current buffer, its offset, and at most `left` bytes. */
  space(left: number): [Buffer, number, number] {
    if (this.#offset === this.#buffer.length) {
      this.#parts.push(this.#buffer);
      this.#buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, left));
      this.#offset = 0;
    }
    return [this.#buffer, this.#offset, Math.min(this.#buffer.length - this.#offset, left)];
  }

  wrote(bytes: number): void {
    this.#offset += bytes;
    this.total += bytes;
  }

  /** Everything written, less `trim` bytes at the end, as one array; `own` copies a view of the scratch buffer. */
  join(own: boolean, trim = 0): Uint8Array {
    const length = Math.max(0, this.total - trim);
    if (this.#parts.length === 0) {
      // A plain Uint8Array, never a Buffer: Buffer's slice() is a view, so a caller's copy would not be one.
      const only = new Uint8Array(this.#buffer.buffer, this.#buffer.byteOffset, length);
      return own && this.#buffer === this.#scratch ? only.slice() : only;
    }
    const out = new Uint8Array(length);
    let at = 0;
    for (const part of [...this.#parts, this.#buffer.subarray(0, this.#offset)]) {
      const n = Math.min(part.length, length - at);
      out.set(n === part.length ? part : part.subarray(0, n), at);
      at += n;
      if (at === length) break;
    }
    return out;
  }
}

type Context<T> = { stream: T; handle: NativeHandle; state: Uint32Array };

/**
 * Feeds `input` through the native handle with Z_SYNC_FLUSH and collects the output, never letting zlib produce
 * more than `room` bytes in all (it stops there, and the caller sees that the limit was crossed).
 *
 * @returns How many bytes of `input` zlib left unread because the DEFLATE stream ended (a block with BFINAL set);
 *   0 when it read everything or stopped at `room`.
 */
function run(context: Context<zlib.InflateRaw | zlib.DeflateRaw>, input: Uint8Array, room: number, output: Output): number {
  const { stream, handle, state } = context;
  let inOff = 0;
  let inLen = input.length;
  for (;;) {
    const left = room - output.total;
    if (left <= 0) return 0;
    const [out, outOff, outLen] = output.space(left);
    handle.writeSync(Z_SYNC_FLUSH, input, inOff, inLen, out, outOff, outLen);
    if (stream.destroyed) {
      const error = (stream as unknown as StreamInternals).errored;
      throw new CorruptDataError(error?.message ?? 'zlib failed');
    }
    const outLeft = state[0];
    const inLeft = state[1];
    output.wrote(outLen - outLeft);
    inOff += inLen - inLeft;
    inLen = inLeft;
    // Output space left over: zlib has read all it can of the input (all of it, unless the stream ended).
    if (outLeft !== 0) return inLeft;
  }
}

/** Internal: zlib rejected the data (becomes a ProtocolError 1007 at the inflater's surface). */
class CorruptDataError extends Error {}

/**
 * RFC 6455 §7.4.1: 1007 "indicates that an endpoint is terminating the connection because it has received data
 * within a message that was not consistent with the type of the message". A compressed message whose payload is
 * not DEFLATE is that: its framing is fine, its data is not what RSV1 says it is. ws sends 1007 too.
 */
function corrupt(detail: string): ProtocolError {
  return new ProtocolError(`invalid compressed data: ${detail}`, CloseCode.InvalidPayload, 'invalid-compressed-data');
}

/** RFC 6455 §7.4.1: 1009, "a message that is too big for it to process" — measured after inflation. */
function tooBig(limit: number): ProtocolError {
  // Lower-case and short like the frame reader's, far below the 123 bytes a close reason may have.
  return new ProtocolError(
    `message too big - over ${limit} bytes inflated - max payload ${limit}`,
    CloseCode.MessageTooBig,
    'message-too-big',
  );
}

class HandleInflater implements MessageInflater {
  readonly #params: InflaterParams;
  #context: Context<zlib.InflateRaw> | undefined;
  /** Inflated bytes of the current message so far. */
  #inflated = 0;
  /** Compressed bytes of the current message so far. */
  #compressed = 0;

  constructor(params: InflaterParams) {
    this.#params = params;
  }

  /** For tests: whether a zlib context is held now. */
  get allocated(): boolean {
    return this.#context !== undefined;
  }

  inflate(piece: Uint8Array, fin: boolean, limit: number): Uint8Array {
    this.#compressed += piece.length;
    if (this.#compressed === 0) {
      // Nothing compressed at all (RSV1 on an empty payload). RFC 7692 §7.2.1 always produces at least one byte
      // (an empty message is 0x00), but zero bytes can only mean an empty message; feeding just 00 00 ff ff would
      // leave zlib inside a stored block and corrupt the next message, so zlib is not touched.
      if (fin) this.#inflated = 0;
      return EMPTY;
    }
    const context = (this.#context ??= open(zlib.createInflateRaw({ windowBits: this.#params.windowBits })));
    const output = inflateOutput();
    // One byte past the limit is enough to know it was crossed; zlib is never asked for more.
    const room = limit - this.#inflated + 1;
    try {
      // RFC 7692 §7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the payload of the message."
      if (fin && piece.length <= JOIN_MAX_BYTES) {
        // A small last piece and the tail in one native call (copying them costs less than a second call).
        const input = (joinScratch ??= new Uint8Array(JOIN_MAX_BYTES + DEFLATE_TAIL.length)).subarray(
          0,
          piece.length + DEFLATE_TAIL.length,
        );
        input.set(piece, 0);
        input.set(DEFLATE_TAIL, piece.length);
        this.#feed(context, input, room, output, DEFLATE_TAIL.length);
      } else {
        if (piece.length > 0) this.#feed(context, piece, room, output, 0);
        if (fin && output.total < room) this.#feed(context, DEFLATE_TAIL, room, output, DEFLATE_TAIL.length);
      }
    } catch (error) {
      this.close();
      if (error instanceof CorruptDataError) throw corrupt(error.message);
      throw error;
    }
    this.#inflated += output.total;
    if (this.#inflated > limit) {
      this.close();
      throw tooBig(limit);
    }
    if (fin) {
      this.#inflated = this.#compressed = 0;
      // RFC 7692 §7.1.1.1: with server_no_context_takeover the server starts every message with an empty window,
      // so ours may start empty too (reset keeps the allocation for the next message).
      if (this.#params.noContextTakeover) context.stream.reset();
    }
    return output.join(true);
  }

  /**
   * RFC 7692 §7.2.3.4: a sender may end a message with a DEFLATE block whose BFINAL bit is set, and §7.2.1: "The
   * next DEFLATE block follows the padded data if any." zlib stops reading at the end of such a stream, so the
   * context is reset and whatever follows is read as a new stream — except our own appended tail, which after a
   * final block is not DEFLATE data (alone, 00 00 ff ff would leave zlib inside a stored block).
   *
   * @param tail - How many bytes at the end of `input` are the appended tail (0 or 4).
   */
  #feed(context: Context<zlib.InflateRaw>, input: Uint8Array, room: number, output: Output, tail: number): void {
    let rest = input;
    let fresh = false;
    for (;;) {
      const unread = run(context, rest, room, output);
      if (unread === 0) return;
      // A stream that was just reset and still reads nothing would loop forever: that is not DEFLATE.
      if (fresh && unread === rest.length) throw new CorruptDataError('no DEFLATE data after a final block');
      context.stream.reset();
      if (unread <= tail) return;
      rest = rest.subarray(rest.length - unread);
      fresh = true;
    }
  }

  close(): void {
    this.#context?.stream.close();
    this.#context = undefined;
    this.#inflated = this.#compressed = 0;
  }
}

class HandleDeflater implements MessageDeflater {
  readonly #params: DeflaterParams;
  #context: Context<zlib.DeflateRaw> | undefined;

  constructor(params: DeflaterParams) {
    this.#params = params;
  }

  get allocated(): boolean {
    return this.#context !== undefined;
  }

  deflate(message: Uint8Array): Uint8Array {
    const { level, memLevel, windowBits, noContextTakeover } = this.#params;
    const context = (this.#context ??= open(
      zlib.createDeflateRaw({ level, memLevel, windowBits: deflateWindowBits(windowBits) }),
    ));
    const output = deflateOutput();
    try {
      run(context, message, Infinity, output);
    } catch (error) {
      this.close();
      throw error;
    }
    // RFC 7692 §7.2.1: "If the resulting data does not end with an empty DEFLATE block with no compression (the
    // "BTYPE" bits are set to 00), append an empty DEFLATE block with no compression to the tail end. Remove 4
    // octets (that are 0x00 0x00 0xff 0xff) from the tail end." Z_SYNC_FLUSH always ends with that block.
    // Z_SYNC_FLUSH right after another flush with no new input (an empty message) writes nothing at all, and an
    // empty payload would leave the peer's inflater inside a stored block once it appends 00 00 ff ff. RFC 7692
    // §7.2.3.6: "0x00" is the payload of an empty message: with the tail appended it is an empty stored block.
    const compressed = output.total < DEFLATE_TAIL.length ? EMPTY_BLOCK.slice() : output.join(false, DEFLATE_TAIL.length);
    // RFC 7692 §7.1.1.2: with client_no_context_takeover, "the client MUST start compressing each new message
    // with an empty LZ77 sliding window".
    if (noContextTakeover) context.stream.reset();
    return compressed;
  }

  close(): void {
    this.#context?.stream.close();
    this.#context = undefined;
  }
}

/** Fallback inflater over the documented one-shot API: context takeover through `dictionary`. */
class OneShotInflater implements MessageInflater {
  readonly #params: InflaterParams;
  #pieces: Uint8Array[] = [];
  #compressed = 0;
  /** The last 2^windowBits inflated bytes, when the server takes over its context. */
  #history: Uint8Array = EMPTY;

  constructor(params: InflaterParams) {
    this.#params = params;
  }

  get allocated(): boolean {
    return this.#history.length > 0;
  }

  inflate(piece: Uint8Array, fin: boolean, limit: number): Uint8Array {
    if (piece.length > 0) {
      this.#pieces.push(piece);
      this.#compressed += piece.length;
    }
    if (!fin) return EMPTY;
    const pieces = this.#pieces;
    const compressed = this.#compressed;
    this.#pieces = [];
    this.#compressed = 0;
    if (compressed === 0) return EMPTY;
    pieces.push(DEFLATE_TAIL);
    const input = Buffer.concat(pieces, compressed + DEFLATE_TAIL.length);
    const options: zlib.ZlibOptions = { windowBits: this.#params.windowBits, finishFlush: Z_SYNC_FLUSH };
    if (this.#history.length > 0) options.dictionary = this.#history;
    // maxOutputLength stops inflating once the output passes it (one zlib chunk later at most).
    if (limit < Number.MAX_SAFE_INTEGER) options.maxOutputLength = Math.max(1, Math.min(limit + 1, BUFFER_MAX));
    let data: Buffer;
    try {
      data = zlib.inflateRawSync(input, options);
    } catch (error) {
      this.close();
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooBig(limit);
      throw corrupt((error as Error).message);
    }
    if (data.length > limit) {
      this.close();
      throw tooBig(limit);
    }
    if (!this.#params.noContextTakeover) this.#keep(data);
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  }

  #keep(data: Uint8Array): void {
    const window = 1 << this.#params.windowBits;
    if (data.length >= window) {
      this.#history = data.slice(data.length - window);
    } else if (data.length > 0) {
      const keep = Math.min(window, this.#history.length + data.length);
      const next = new Uint8Array(keep);
      const old = keep - data.length;
      next.set(this.#history.subarray(this.#history.length - old), 0);
      next.set(data, old);
      this.#history = next;
    }
  }

  close(): void {
    this.#pieces = [];
    this.#compressed = 0;
    this.#history = EMPTY;
  }
}

/** Fallback deflater: every message compressed on its own (RFC 7692 §7.1.1.2 lets a client always do that). */
class OneShotDeflater implements MessageDeflater {
  readonly #params: DeflaterParams;

  constructor(params: DeflaterParams) {
    this.#params = params;
  }

  get allocated(): boolean {
    return false;
  }

  deflate(message: Uint8Array): Uint8Array {
    const { level, memLevel, windowBits } = this.#params;
    const data = zlib.deflateRawSync(message, {
      level,
      memLevel,
      windowBits: deflateWindowBits(windowBits),
      finishFlush: Z_SYNC_FLUSH,
    });
    return new Uint8Array(data.buffer, data.byteOffset, Math.max(1, data.length - DEFLATE_TAIL.length));
  }

  close(): void {}
}
