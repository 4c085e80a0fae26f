import { InvalidArgumentError } from '../errors.js';

/** A masking key is 32 bits (RFC 6455 §5.2: "Masking-key: 0 or 4 bytes"). */
const MASK_BYTES = 4;

/** Below this length a plain byte loop beats creating a 32-bit view. */
const WORD_THRESHOLD = 32;

/** Size of the random pool masks are cut from (the same 8 KiB as ws's `lib/sender.js`). */
export const MASK_POOL_SIZE = 8 * 1024;

/**
 * Scratch word used to build the mask as a 32-bit integer in the platform's byte order:
 * the bytes are written through the 8-bit view and read back through the 32-bit view,
 * so the word XORs the right bytes on little- and big-endian machines alike.
 */
const scratchBytes = new Uint8Array(MASK_BYTES);
const scratchWord = new Int32Array(scratchBytes.buffer);

/** `d[w] = s[w] ^ key` over whole words, unrolled (bounds checks dominate a one-word loop in V8). */
function xorWords(s: Int32Array, d: Int32Array, key: number): void {
  const n = d.length;
  const unrolled = n - (n & 7);
  let w = 0;
  while (w < unrolled) {
    d[w] = s[w] ^ key;
    d[w + 1] = s[w + 1] ^ key;
    d[w + 2] = s[w + 2] ^ key;
    d[w + 3] = s[w + 3] ^ key;
    d[w + 4] = s[w + 4] ^ key;
    d[w + 5] = s[w + 5] ^ key;
    d[w + 6] = s[w + 6] ^ key;
    d[w + 7] = s[w + 7] ^ key;
    w += 8;
  }
  for (; w < n; w++) d[w] = s[w] ^ key;
}

/**
 * XOR `src` with the 4-byte `mask` into `dst` starting at `dstOffset`.
 *
 * RFC 6455 §5.3: "Octet i of the transformed data ("transformed-octet-i") is the XOR of octet i of the
 * original data ("original-octet-i") with octet at index i modulo 4 of the masking key ("masking-key-octet-j")".
 * Index i counts from the start of `src`, whatever `dstOffset` is. `src` is never mutated, unless it is the
 * very same memory as the destination range (masking in place). Other overlaps are handled too.
 *
 * Large payloads are XORed 32 bits at a time over the 4-byte aligned part of `dst`, with the mask rotated to
 * that alignment. When `src` sits at the same offset modulo 4 (`serializeFrame` lays frames out that way) this is
 * one pass reading and writing words; otherwise `src` is copied with `set()` and XORed in place.
 */
export function maskInto(src: Uint8Array, mask: Uint8Array, dst: Uint8Array, dstOffset: number): void {
  const length = src.length;
  if (mask.length < MASK_BYTES) {
    throw new InvalidArgumentError(`Invalid mask of ${mask.length} bytes: a masking key has 4 bytes`);
  }
  if (!(dstOffset >= 0 && dstOffset + length <= dst.length)) {
    throw new InvalidArgumentError(
      `Invalid destination offset ${dstOffset}: ${length} bytes do not fit in a buffer of ${dst.length}`,
    );
  }
  const dstStart = dst.byteOffset + dstOffset;
  const srcStart = src.byteOffset;
  const sameMemory = src.buffer === dst.buffer;
  if (length < WORD_THRESHOLD && (!sameMemory || dstStart <= srcStart)) {
    // Forward byte loop: safe unless dst overlaps src further on.
    for (let i = 0; i < length; i++) dst[dstOffset + i] = src[i] ^ mask[i & 3];
    return;
  }

  // Bytes before the first 4-byte boundary of the destination buffer, then whole words, then the tail.
  const head = Math.min(length, (MASK_BYTES - (dstStart & 3)) & 3);
  const words = (length - head) >>> 2;
  const tail = head + words * MASK_BYTES;
  // Payload byte `head + k` meets mask byte `(head + k) & 3`.
  scratchBytes[0] = mask[head & 3];
  scratchBytes[1] = mask[(head + 1) & 3];
  scratchBytes[2] = mask[(head + 2) & 3];
  scratchBytes[3] = mask[(head + 3) & 3];
  const key = scratchWord[0];

  const disjoint = !sameMemory || srcStart + length <= dstStart || dstStart + length <= srcStart;
  if (((srcStart - dstStart) & 3) === 0 && (disjoint || srcStart === dstStart)) {
    for (let i = 0; i < head; i++) dst[dstOffset + i] = src[i] ^ mask[i & 3];
    xorWords(new Int32Array(src.buffer, srcStart + head, words), new Int32Array(dst.buffer, dstStart + head, words), key);
    for (let i = tail; i < length; i++) dst[dstOffset + i] = src[i] ^ mask[i & 3];
    return;
  }

  dst.set(src, dstOffset);
  for (let i = 0; i < head; i++) dst[dstOffset + i] ^= mask[i & 3];
  const view = new Int32Array(dst.buffer, dstStart + head, words);
  xorWords(view, view, key);
  for (let i = tail; i < length; i++) dst[dstOffset + i] ^= mask[i & 3];
}

/** Fills `buf` with cryptographically strong random bytes. */
export type RandomFill = (buf: Uint8Array) => void;

function cryptoFill(buf: Uint8Array): void {
  globalThis.crypto.getRandomValues(buf);
}

/**
 * Masking keys cut 4 bytes at a time from a lazily filled 8 KiB random pool, so a busy sender makes one
 * CSPRNG call per 2048 frames instead of one per frame.
 *
 * RFC 6455 §5.3: "The masking key needs to be unpredictable; thus, the masking key MUST be derived from a
 * strong source of entropy". The default source is `crypto.getRandomValues`; inject `fill` to use another
 * one (Node 18 has no global `crypto`, tests want determinism).
 */
export class MaskPool {
  readonly #fill: RandomFill;
  #pool: Uint8Array | null = null;
  #offset = MASK_POOL_SIZE;

  constructor(fill: RandomFill = cryptoFill) {
    if (typeof fill !== 'function') {
      throw new InvalidArgumentError(`Invalid mask fill ${String(fill)}: expected a function (buf) => void`);
    }
    this.#fill = fill;
  }

  /**
   * The next 4-byte masking key. Each refill allocates a new pool instead of overwriting the old one,
   * so a key returned earlier keeps its bytes for as long as the caller holds it.
   */
  next(): Uint8Array {
    let pool = this.#pool;
    if (pool === null || this.#offset === MASK_POOL_SIZE) {
      pool = new Uint8Array(MASK_POOL_SIZE);
      this.#fill(pool);
      this.#pool = pool;
      this.#offset = 0;
    }
    const offset = this.#offset;
    this.#offset = offset + MASK_BYTES;
    return pool.subarray(offset, offset + MASK_BYTES);
  }
}
