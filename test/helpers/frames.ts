/**
 * WebSocket frames for tests, built and decoded byte by byte here, independently of src/ (the naive way):
 *
 * - `frame(spec)`: the bytes of one frame as a server sends it; any field may break the rules on purpose (RSV bits,
 *   reserved opcodes, a MASK bit, lying or non-minimal lengths).
 * - `decodeFrame(bytes)`: the first frame in `bytes` (what a client sent), unmasked, with its size; null if incomplete.
 * - `decodeFrames(bytes)`: every whole frame in `bytes`; a trailing partial frame throws (or ends the list).
 * - `naiveMask(data, key)`: RFC 6455 §5.3 masking, one byte at a time.
 *
 * The one place for these: test/helpers/raw-server.ts and test/protocol/frame-helpers.ts re-export them.
 */
import { randomBytes } from 'node:crypto';

/** A frame the client sent, decoded. */
export interface ClientFrame {
  fin: boolean;
  /** RSV1-3 as a 3-bit number (RSV1 = 4). */
  rsv: number;
  opcode: number;
  /** Whether the MASK bit was set (RFC 6455 §5.3: a client MUST mask every frame). */
  masked: boolean;
  /** The 4-byte masking key, or null when unmasked. */
  maskKey: Buffer | null;
  /** The payload, unmasked. */
  payload: Buffer;
}

/** How to build one frame; any field may break the rules on purpose. */
export interface FrameSpec {
  /** @default true */
  fin?: boolean;
  /** RSV1-3 as a 3-bit number (RSV1 = 4). @default 0 */
  rsv?: number;
  /** 4 bits (0x0-0xF), reserved values included. */
  opcode: number;
  /** A string is UTF-8 encoded. @default empty */
  payload?: string | Uint8Array;
  /** Set the MASK bit and mask the payload (a server MUST NOT; RFC 6455 §5.1). @default false */
  masked?: boolean;
  /** Masking key when `masked`. @default 4 random bytes */
  maskKey?: Uint8Array;
  /** Write this in the length field instead of the payload length (a lie, for truncation/overflow tests). */
  lengthOverride?: number | bigint;
  /**
   * Length encoding: 7-bit, 16-bit (126) or 64-bit (127). Default: the minimal one, as RFC 6455 §5.2 requires;
   * choose a larger one to test non-minimal encodings.
   */
  lengthForm?: 7 | 16 | 64;
}

/** The bytes of one WebSocket frame as a server would send it (unmasked unless `masked`). */
export function frame(spec: FrameSpec): Buffer {
  const payload =
    typeof spec.payload === 'string' ? Buffer.from(spec.payload, 'utf8') : Buffer.from(spec.payload ?? new Uint8Array(0));
  const length = BigInt(spec.lengthOverride ?? payload.length);
  const form = spec.lengthForm ?? (length < 126n ? 7 : length < 65536n ? 16 : 64);
  if ((form === 7 && length > 125n) || (form === 16 && length > 0xffffn) || length < 0n || length >= 1n << 64n) {
    throw new RangeError(`Length ${length} does not fit the ${form}-bit length form`);
  }
  const header = Buffer.alloc(2 + (form === 16 ? 2 : form === 64 ? 8 : 0));
  header[0] = ((spec.fin ?? true) ? 0x80 : 0) | (((spec.rsv ?? 0) & 0b111) << 4) | (spec.opcode & 0x0f);
  header[1] = (spec.masked ? 0x80 : 0) | (form === 7 ? Number(length) : form === 16 ? 126 : 127);
  if (form === 16) header.writeUInt16BE(Number(length), 2);
  if (form === 64) header.writeBigUInt64BE(length, 2);
  if (!spec.masked) return Buffer.concat([header, payload]);
  const maskKey = Buffer.from(spec.maskKey ?? randomBytes(4));
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i] ^= maskKey[i & 3];
  return Buffer.concat([header, maskKey, masked]);
}

/** Decodes one frame at the start of `data`: the frame and its size in bytes, or null when incomplete. */
export function decodeFrame(data: Uint8Array): { frame: ClientFrame; size: number } | null {
  if (data.length < 2) return null;
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const masked = (view[1] & 0x80) !== 0;
  let length = view[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (view.length < 4) return null;
    length = view.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (view.length < 10) return null;
    const big = view.readBigUInt64BE(2);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`Client frame length ${big} is absurd`);
    length = Number(big);
    offset = 10;
  }
  const maskKey = masked ? view.subarray(offset, offset + 4) : null;
  if (masked) offset += 4;
  if (view.length < offset + length) return null;
  const payload = Buffer.from(view.subarray(offset, offset + length));
  if (maskKey) for (let i = 0; i < payload.length; i++) payload[i] ^= maskKey[i & 3];
  return {
    frame: {
      fin: (view[0] & 0x80) !== 0,
      rsv: (view[0] >> 4) & 0b111,
      opcode: view[0] & 0x0f,
      masked,
      maskKey: maskKey ? Buffer.from(maskKey) : null,
      payload,
    },
    size: offset + length,
  };
}

/**
 * Every whole frame in `bytes` (e.g. what a client wrote after its request head), decoded and unmasked. A trailing
 * partial frame throws, or with `partial: 'stop'` ends the list (a client destroyed mid-write).
 */
export function decodeFrames(bytes: Uint8Array, options: { partial?: 'throw' | 'stop' } = {}): ClientFrame[] {
  const frames: ClientFrame[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const decoded = decodeFrame(bytes.subarray(offset));
    if (!decoded) {
      if (options.partial === 'stop') break;
      throw new Error(`the client sent a partial frame (${bytes.length - offset} bytes)`);
    }
    frames.push(decoded.frame);
    offset += decoded.size;
  }
  return frames;
}

/** Byte-by-byte XOR, straight from RFC 6455 §5.3 ("j = i MOD 4"). */
export function naiveMask(data: Uint8Array, mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] ^ mask[i % 4];
  return out;
}
