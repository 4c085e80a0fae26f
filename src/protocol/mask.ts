import { InvalidArgumentError } from '../errors.js';

/** A masking key is 32 bits (RFC 6455 §5.2: "Masking-key: 0 or 4 bytes"). */
const MASK_BYTES = 4;

/** Below this length a plain byte loop beats creating a 32-bit view. */
const WORD_THRESHOLD = 32;

/**
 * From this length on, payloads are masked with the WebAssembly SIMD kernel below when the runtime has it:
 * 16 bytes per XOR instead of 4, about 3x the throughput of the word loop on 1 MiB (issue #6: "send 1,000 × 1 MiB",
 * on par with ws's native `bufferutil` addon without shipping one). Below it, copying in and out of the module's
 * memory costs more than it saves.
 */
const SIMD_THRESHOLD = 512;
/** Bytes masked per round trip through the module's memory (one 64 KiB page holds it). */
const SIMD_BLOCK = 32 * 1024;

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

/*
 * The SIMD kernel, hand-assembled (no toolchain needed to build or review it). In WebAssembly text format:
 *
 *   (module
 *     (memory (export "memory") 1)
 *     (func (export "mask") (param $at i32) (param $length i32) (param $key i32)
 *       (local $k v128) (local $end i32)
 *       (local.set $k (i32x4.splat (local.get $key)))
 *       (local.set $end (i32.add (local.get $at) (local.get $length)))
 *       (block (loop
 *         (br_if 1 (i32.ge_u (local.get $at) (local.get $end)))
 *         (v128.store offset=0 (local.get $at) (v128.xor (v128.load offset=0 (local.get $at)) (local.get $k)))
 *         ;; … the same at offsets 16, 32 and 48 …
 *         (local.set $at (i32.add (local.get $at) (i32.const 64)))
 *         (br 0)))))
 *
 * `$length` is a multiple of 64. WebAssembly memory is little-endian on every platform, so the key is the
 * mask read as a little-endian 32-bit integer.
 */
function simdModuleBytes(): Uint8Array<ArrayBuffer> {
  const LOCAL_GET = 0x20;
  const SIMD = 0xfd;
  const V128_LOAD = 0x00;
  const V128_STORE = 0x0b;
  const I32X4_SPLAT = 0x11;
  const V128_XOR = 0x51;
  /** memarg: alignment 2^4 = 16 bytes, then the static offset. */
  const xorAt = (offset: number): number[] => [
    LOCAL_GET,
    0,
    LOCAL_GET,
    0,
    SIMD,
    V128_LOAD,
    4,
    offset,
    LOCAL_GET,
    3,
    SIMD,
    V128_XOR,
    SIMD,
    V128_STORE,
    4,
    offset,
  ];
  const body = [
    0x02,
    0x01,
    0x7b,
    0x01,
    0x7f, // locals: 1 × v128 ($k), 1 × i32 ($end)
    LOCAL_GET,
    2,
    SIMD,
    I32X4_SPLAT,
    0x21,
    3, // $k = i32x4.splat($key)
    LOCAL_GET,
    0,
    LOCAL_GET,
    1,
    0x6a,
    0x21,
    4, // $end = $at + $length
    0x02,
    0x40,
    0x03,
    0x40, // block, loop
    LOCAL_GET,
    0,
    LOCAL_GET,
    4,
    0x4f,
    0x0d,
    1, // br_if 1 ($at >= $end)
    ...xorAt(0),
    ...xorAt(16),
    ...xorAt(32),
    ...xorAt(48),
    LOCAL_GET,
    0,
    0x41,
    0xc0,
    0x00,
    0x6a,
    0x21,
    0, // $at += 64
    0x0c,
    0,
    0x0b,
    0x0b,
    0x0b, // br 0, end loop, end block, end func
  ];
  const section = (id: number, bytes: number[]): number[] => [id, bytes.length, ...bytes];
  const name = (text: string): number[] => [text.length, ...Array.from(text, (c) => c.charCodeAt(0))];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00, // "\0asm", version 1
    ...section(1, [0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x00]), // type 0: (i32, i32, i32) -> ()
    ...section(3, [0x01, 0x00]), // function 0 has type 0
    ...section(5, [0x01, 0x00, 0x01]), // one memory, at least 1 page
    ...section(7, [0x02, ...name('memory'), 0x02, 0x00, ...name('mask'), 0x00, 0x00]), // exports
    ...section(10, [0x01, body.length, ...body]), // code
  ]);
}

interface SimdKernel {
  mask(at: number, length: number, key: number): void;
  memory: Uint8Array;
}

/** The kernel once compiled; null where WebAssembly or its SIMD proposal is missing (or blocked by a CSP). */
let simdKernel: SimdKernel | null | undefined;

function simd(): SimdKernel | null {
  if (simdKernel === undefined) {
    simdKernel = null;
    try {
      if (typeof WebAssembly === 'object') {
        const { exports } = new WebAssembly.Instance(new WebAssembly.Module(simdModuleBytes()));
        const memory = exports.memory as WebAssembly.Memory;
        simdKernel = { mask: exports.mask as SimdKernel['mask'], memory: new Uint8Array(memory.buffer, 0, SIMD_BLOCK) };
      }
    } catch {
      // No SIMD: the word loop does the job.
    }
  }
  return simdKernel;
}

/** `maskInto` for large payloads whose destination is disjoint from the source or is the source itself. */
function maskSimd(kernel: SimdKernel, src: Uint8Array, mask: Uint8Array, dst: Uint8Array, dstOffset: number): void {
  const memory = kernel.memory;
  const length = src.length;
  // Every block starts at a multiple of 4 of the payload, so payload byte `at + k` meets mask byte `k & 3`.
  const key = mask[0] | (mask[1] << 8) | (mask[2] << 16) | (mask[3] << 24);
  for (let at = 0; at < length; at += SIMD_BLOCK) {
    const n = Math.min(SIMD_BLOCK, length - at);
    memory.set(n === length ? src : src.subarray(at, at + n), 0);
    const vectors = n - (n & 63);
    kernel.mask(0, vectors, key);
    for (let i = vectors; i < n; i++) memory[i] ^= mask[i & 3];
    dst.set(n === SIMD_BLOCK ? memory : memory.subarray(0, n), dstOffset + at);
  }
}

/**
 * XOR `src` with the 4-byte `mask` into `dst` starting at `dstOffset`.
 *
 * RFC 6455 §5.3: "Octet i of the transformed data ("transformed-octet-i") is the XOR of octet i of the
 * original data ("original-octet-i") with octet at index i modulo 4 of the masking key ("masking-key-octet-j")".
 * Index i counts from the start of `src`, whatever `dstOffset` is. `src` is never mutated, unless it is the
 * very same memory as the destination range (masking in place). Other overlaps are handled too.
 *
 * From 512 bytes on, payloads are XORed 16 bytes at a time by a WebAssembly SIMD kernel where the runtime has one.
 * Otherwise large payloads are XORed 32 bits at a time over the 4-byte aligned part of `dst`, with the mask
 * rotated to that alignment. When `src` sits at the same offset modulo 4 (`serializeFrame` lays frames out that way) this is
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
  if (length >= SIMD_THRESHOLD && (disjoint || srcStart === dstStart)) {
    const kernel = simd();
    if (kernel !== null) {
      maskSimd(kernel, src, mask, dst, dstOffset);
      return;
    }
  }
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

/** A random pool and how much of it was handed out. */
interface PoolState {
  pool: Uint8Array | null;
  offset: number;
}

/**
 * Pool state per fill function: every MaskPool built with the same `fill` draws from the same pool, the way ws
 * uses one module-wide pool. A connection then costs no 8 KiB CSPRNG call and keeps no 8 KiB buffer alive for
 * the first few frames it sends (a close frame, a ping): that was a `randomFillSync` of 8 KiB per connection
 * in the connect+close profile and 8 KiB retained by every connection that ever sent a frame.
 */
const sharedStates = new WeakMap<RandomFill, PoolState>();

/**
 * Masking keys cut 4 bytes at a time from a lazily filled 8 KiB random pool, so a busy sender makes one
 * CSPRNG call per 2048 frames instead of one per frame. Pools built with the same `fill` function share
 * one 8 KiB pool; inject a fresh function for a pool of your own (tests do, for determinism).
 *
 * RFC 6455 §5.3: "The masking key needs to be unpredictable; thus, the masking key MUST be derived from a
 * strong source of entropy". The default source is `crypto.getRandomValues`; inject `fill` to use another
 * one (Node 18 has no global `crypto`, tests want determinism).
 */
export class MaskPool {
  readonly #fill: RandomFill;
  readonly #state: PoolState;

  constructor(fill: RandomFill = cryptoFill) {
    if (typeof fill !== 'function') {
      throw new InvalidArgumentError(`Invalid mask fill ${String(fill)}: expected a function (buf) => void`);
    }
    this.#fill = fill;
    let state = sharedStates.get(fill);
    if (state === undefined) {
      state = { pool: null, offset: MASK_POOL_SIZE };
      sharedStates.set(fill, state);
    }
    this.#state = state;
  }

  /**
   * The next 4-byte masking key. Each refill allocates a new pool instead of overwriting the old one,
   * so a key returned earlier keeps its bytes for as long as the caller holds it.
   */
  next(): Uint8Array {
    const state = this.#state;
    let pool = state.pool;
    if (pool === null || state.offset === MASK_POOL_SIZE) {
      pool = new Uint8Array(MASK_POOL_SIZE);
      this.#fill(pool);
      state.pool = pool;
      state.offset = 0;
    }
    const offset = state.offset;
    state.offset = offset + MASK_BYTES;
    return pool.subarray(offset, offset + MASK_BYTES);
  }
}
