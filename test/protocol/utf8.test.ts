import { describe, expect, it } from 'vitest';
import { decodeUtf8, isValidUtf8, Utf8Validator } from '../../src/protocol/utf8.js';
import { hex } from '../helpers/hex.js';
import { utf8 } from './frame-helpers.js';

const VALID: Array<[string, string]> = [
  ['empty', ''],
  ['ASCII', '48656c6c6f'],
  ['NUL and DEL', '007f'],
  ['2-byte min U+0080', 'c280'],
  ['2-byte max U+07FF', 'dfbf'],
  ['3-byte min U+0800', 'e0a080'],
  ['last before surrogates U+D7FF', 'ed9fbf'],
  ['first after surrogates U+E000', 'ee8080'],
  ['BOM U+FEFF', 'efbbbf'],
  ['U+FFFF', 'efbfbf'],
  ['4-byte min U+10000', 'f0908080'],
  ['max U+10FFFF', 'f48fbfbf'],
  ['Hello-µ@ßöäüàá-UTF-8!! (Autobahn 6.2.1)', '48656c6c6f2dc2b540c39fc3b6c3a4c3bcc3a0c3a12d5554462d382121'],
  ['κόσμε (Autobahn 6.5.1)', 'cebae1bdb9cf83cebcceb5'],
];

const INVALID: Array<[string, string]> = [
  ['lone continuation byte', '80'],
  ['continuation byte BF', 'bf'],
  ['overlong "/" C0 AF', 'c0af'],
  ['overlong C1 BF', 'c1bf'],
  ['overlong 3-byte E0 80 AF', 'e080af'],
  ['overlong 3-byte E0 9F BF', 'e09fbf'],
  ['overlong 4-byte F0 80 80 AF', 'f08080af'],
  ['overlong 4-byte F0 8F BF BF', 'f08fbfbf'],
  ['high surrogate ED A0 80', 'eda080'],
  ['low surrogate ED BF BF', 'edbfbf'],
  ['surrogate pair in CESU-8', 'eda0bdedb080'],
  ['above U+10FFFF F4 90 80 80', 'f4908080'],
  ['lead byte F5', 'f5808080'],
  ['lead byte FE', 'fe'],
  ['lead byte FF', 'ff'],
  ['2-byte lead followed by ASCII', 'c241'],
  ['3-byte lead then a lead', 'e282e282ac'],
  ['invalid in the middle of ASCII', '4142ff4344'],
  ['κόσμε with an invalid tail (Autobahn 6.3.1)', 'cebae1bdb9cf83cebcceb5eda080656469746564'],
];

const TRUNCATED: Array<[string, string]> = [
  ['2-byte lead only', 'c3'],
  ['3-byte, 2 of 3', 'e282'],
  ['4-byte, 3 of 4', 'f09f98'],
  ['4-byte lead only after text', '41f0'],
];

describe('isValidUtf8', () => {
  it.each(VALID)('accepts %s', (_, bytes) => expect(isValidUtf8(hex(bytes))).toBe(true));
  it.each(INVALID)('rejects %s', (_, bytes) => expect(isValidUtf8(hex(bytes))).toBe(false));
  it.each(TRUNCATED)('rejects truncated %s', (_, bytes) => expect(isValidUtf8(hex(bytes))).toBe(false));

  it('agrees with a fatal TextDecoder on every 1- and 2-byte input and on 3-/4-byte samples', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const reference = (b: Uint8Array): boolean => {
      try {
        decoder.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    const mismatches: string[] = [];
    const check = (bytes: Uint8Array): void => {
      if (isValidUtf8(bytes) !== reference(bytes)) mismatches.push(Array.from(bytes, (x) => x.toString(16)).join(' '));
    };
    for (let a = 0; a < 256; a++) {
      check(Uint8Array.of(a));
      for (let b = 0; b < 256; b++) check(Uint8Array.of(a, b));
    }
    for (const lead of [0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5]) {
      for (let second = 0x70; second < 0xd0; second++) {
        for (const third of [0x41, 0x80, 0x9f, 0xa0, 0xbf, 0xc0]) {
          for (const fourth of [0x41, 0x80, 0xbf, 0xc0]) check(Uint8Array.of(lead, second, third, fourth));
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('Utf8Validator', () => {
  it('accepts a valid string split at every byte boundary', () => {
    const bytes = utf8('a€😀é\ufeffz𝄞');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const validator = new Utf8Validator();
      expect(validator.push(bytes.subarray(0, cut))).toBe(true);
      expect(validator.push(bytes.subarray(cut))).toBe(true);
      expect(validator.end()).toBe(true);
    }
  });

  it('accepts a valid string fed one byte at a time, and is incomplete mid-character', () => {
    const bytes = utf8('😀');
    const validator = new Utf8Validator();
    for (let i = 0; i < bytes.length; i++) {
      expect(validator.push(bytes.subarray(i, i + 1))).toBe(true);
      expect(validator.end()).toBe(i === bytes.length - 1);
    }
  });

  it('fails as soon as the invalid byte arrives, before the rest', () => {
    const validator = new Utf8Validator();
    expect(validator.push(hex('cebae1bdb9cf83cebcceb5'))).toBe(true);
    expect(validator.push(hex('ed'))).toBe(true); // could still be U+D000-U+D7FF
    expect(validator.push(hex('a0'))).toBe(false); // a surrogate: can never become valid
  });

  it('rejects F4 90 at the second byte, not at the end', () => {
    const validator = new Utf8Validator();
    expect(validator.push(hex('f4'))).toBe(true);
    expect(validator.push(hex('90'))).toBe(false);
  });

  it('stays failed until reset()', () => {
    const validator = new Utf8Validator();
    expect(validator.push(hex('ff'))).toBe(false);
    expect(validator.push(hex('41'))).toBe(false);
    expect(validator.end()).toBe(false);
    validator.reset();
    expect(validator.push(hex('41'))).toBe(true);
    expect(validator.end()).toBe(true);
  });

  it.each(TRUNCATED)('end() is false for truncated %s', (_, bytes) => {
    const validator = new Utf8Validator();
    expect(validator.push(hex(bytes))).toBe(true);
    expect(validator.end()).toBe(false);
  });

  it('reset() forgets a pending sequence', () => {
    const validator = new Utf8Validator();
    validator.push(hex('e2'));
    validator.reset();
    expect(validator.push(hex('41'))).toBe(true);
    expect(validator.end()).toBe(true);
  });
});

describe('decodeUtf8', () => {
  it('keeps a leading U+FEFF', () => {
    expect(decodeUtf8(hex('efbbbf41'))).toBe('\ufeffA');
  });

  it('throws on invalid UTF-8 instead of inserting U+FFFD', () => {
    expect(() => decodeUtf8(hex('41ff'))).toThrow();
    expect(() => decodeUtf8(hex('e282'))).toThrow();
  });
});
