import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { MASK_POOL_SIZE, MaskPool, maskInto } from '../../src/protocol/mask.js';
import { naiveMask } from '../helpers/frames.js';
import { hex, toHex } from '../helpers/hex.js';

const MASK = hex('37fa213d');

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
function bytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const LENGTHS = [...Array.from({ length: 71 }, (_, i) => i), 1000, 65536 + 3];

describe('maskInto', () => {
  it('masks the RFC 6455 §5.7 "Hello" example', () => {
    const dst = new Uint8Array(5);
    maskInto(hex('48656c6c6f'), MASK, dst, 0);
    expect(toHex(dst)).toBe('7f9f4d5158');
  });

  it('matches the byte-wise reference for every length 0..70, 1000 and 65539 at every dst offset 0..7', () => {
    for (const length of LENGTHS) {
      const src = bytes(length, length + 7);
      const expected = naiveMask(src, MASK);
      for (let offset = 0; offset < 8; offset++) {
        const dst = new Uint8Array(offset + length + 5).fill(0xee);
        maskInto(src, MASK, dst, offset);
        expect(toHex(dst.subarray(offset, offset + length))).toBe(toHex(expected));
        // Nothing outside [offset, offset + length) is touched.
        expect(dst.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
        expect(dst.subarray(offset + length).every((b) => b === 0xee)).toBe(true);
      }
    }
  });

  it('handles unaligned views for src and dst (byteOffset 1..3 in their buffers)', () => {
    for (const length of [33, 64, 100, 1000, 4099]) {
      const source = bytes(length, 99);
      const expected = naiveMask(source, MASK);
      for (let srcShift = 0; srcShift < 4; srcShift++) {
        for (let dstShift = 0; dstShift < 4; dstShift++) {
          const src = new Uint8Array(new ArrayBuffer(length + 8), srcShift, length);
          src.set(source);
          const dst = new Uint8Array(new ArrayBuffer(length + 16), dstShift, length + 8);
          maskInto(src, MASK, dst, 3);
          expect(toHex(dst.subarray(3, 3 + length))).toBe(toHex(expected));
        }
      }
    }
  });

  it('never mutates src', () => {
    const src = bytes(1000, 3);
    const copy = src.slice();
    maskInto(src, MASK, new Uint8Array(1000), 0);
    expect(toHex(src)).toBe(toHex(copy));
  });

  it('masks in place when dst is src', () => {
    for (const length of [5, 40, 1001]) {
      const data = bytes(length, 5);
      const expected = naiveMask(data, MASK);
      maskInto(data, MASK, data, 0);
      expect(toHex(data)).toBe(toHex(expected));
    }
  });

  it('handles src and dst overlapping in the same buffer, in either direction', () => {
    for (const length of [7, 31, 32, 100, 1001]) {
      for (const [srcAt, dstAt] of [
        [0, 4],
        [4, 0],
        [0, 3],
        [3, 0],
        [1, 9],
        [9, 1],
      ]) {
        const buffer = bytes(length + 16, length);
        const expected = naiveMask(buffer.slice(srcAt, srcAt + length), MASK);
        maskInto(buffer.subarray(srcAt, srcAt + length), MASK, buffer, dstAt);
        expect(toHex(buffer.subarray(dstAt, dstAt + length)), `${length} ${srcAt}→${dstAt}`).toBe(toHex(expected));
      }
    }
  });

  it('masking twice restores the data', () => {
    const src = bytes(5000, 11);
    const once = new Uint8Array(5000);
    const twice = new Uint8Array(5000);
    maskInto(src, MASK, once, 0);
    maskInto(once, MASK, twice, 0);
    expect(toHex(twice)).toBe(toHex(src));
  });

  it('accepts a mask that is an unaligned view (as MaskPool hands out)', () => {
    const backing = hex('00112233445566');
    const mask = backing.subarray(1, 5);
    const src = bytes(257, 8);
    const dst = new Uint8Array(257);
    maskInto(src, mask, dst, 0);
    expect(toHex(dst)).toBe(toHex(naiveMask(src, hex('11223344'))));
  });

  it('rejects a destination too small and a mask shorter than 4 bytes', () => {
    expect(() => maskInto(new Uint8Array(10), MASK, new Uint8Array(10), 1)).toThrow(InvalidArgumentError);
    expect(() => maskInto(new Uint8Array(100), MASK, new Uint8Array(99), 0)).toThrow(InvalidArgumentError);
    expect(() => maskInto(new Uint8Array(10), MASK, new Uint8Array(10), -1)).toThrow(InvalidArgumentError);
    expect(() => maskInto(new Uint8Array(10), hex('0102'), new Uint8Array(10), 0)).toThrow(/masking key has 4 bytes/);
  });
});

describe('MaskPool', () => {
  it('draws 4-byte masks from the injected fill, one call per 8 KiB pool', () => {
    let calls = 0;
    let counter = 0;
    const pool = new MaskPool((buf) => {
      calls++;
      expect(buf.length).toBe(MASK_POOL_SIZE);
      for (let i = 0; i < buf.length; i++) buf[i] = counter++ & 0xff;
    });
    expect(calls).toBe(0); // lazy: nothing drawn before the first mask
    const first = pool.next();
    expect(first.length).toBe(4);
    expect(toHex(first)).toBe('00010203');
    expect(toHex(pool.next())).toBe('04050607');
    expect(calls).toBe(1);
    for (let i = 2; i < MASK_POOL_SIZE / 4; i++) pool.next();
    expect(calls).toBe(1);
    pool.next();
    expect(calls).toBe(2);
  });

  it('keeps an earlier mask valid after the pool is refilled', () => {
    let round = 0;
    const pool = new MaskPool((buf) => {
      round++;
      buf.fill(round);
    });
    const early = pool.next();
    for (let i = 0; i < MASK_POOL_SIZE / 4; i++) pool.next();
    expect(toHex(pool.next())).toBe('02020202');
    expect(toHex(early)).toBe('01010101');
  });

  it('gives varying, non-constant masks from crypto.getRandomValues by default', () => {
    const pool = new MaskPool();
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) seen.add(toHex(pool.next()));
    // 3000 draws of 32 random bits: a repeat is possible but rare, a constant source gives 1.
    expect(seen.size).toBeGreaterThan(2990);
  });

  it('rejects a fill that is not a function', () => {
    expect(() => new MaskPool(42 as never)).toThrow(InvalidArgumentError);
  });
});
