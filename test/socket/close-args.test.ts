import { describe, expect, it } from 'vitest';
import { assertCloseArgs } from '../../src/close-args.js';
import { InvalidArgumentError } from '../../src/errors.js';

describe('assertCloseArgs: the close()/reconnect() rules', () => {
  it('accepts no code, 1000 and 3000-4999, with or without a reason', () => {
    expect(() => assertCloseArgs(undefined, undefined)).not.toThrow();
    for (const code of [1000, 3000, 3500, 4000, 4999]) {
      expect(() => assertCloseArgs(code, undefined)).not.toThrow();
      expect(() => assertCloseArgs(code, 'bye')).not.toThrow();
    }
  });

  it.each([1001, 1002, 1005, 1006, 1015, 999, 2999, 5000, 0, 1000.5])(
    'rejects close code %d naming the value and what is allowed',
    (code) => {
      expect(() => assertCloseArgs(code, undefined)).toThrow(InvalidArgumentError);
      expect(() => assertCloseArgs(code, undefined)).toThrow(`Invalid close code ${code}: close() accepts 1000 or 3000-4999`);
    },
  );

  it('rejects a code that is not a number', () => {
    expect(() => assertCloseArgs('1000' as never, undefined)).toThrow(/Invalid close code "1000": close\(\) accepts/);
  });

  it('measures the reason in UTF-8 bytes, not string length: 123 bytes pass, 124 fail', () => {
    expect(() => assertCloseArgs(1000, 'a'.repeat(123))).not.toThrow();
    expect(() => assertCloseArgs(1000, 'a'.repeat(124))).toThrow(
      /of 124 bytes: close\(\) takes a code, then a string of at most 123 UTF-8 bytes/,
    );
    // 41 × "€" is 41 characters but 123 bytes; 42 × is 126 bytes.
    expect(() => assertCloseArgs(1000, '€'.repeat(41))).not.toThrow();
    expect(() => assertCloseArgs(1000, '€'.repeat(42))).toThrow(InvalidArgumentError);
    // 31 astral characters: string length 62, 124 bytes.
    expect(() => assertCloseArgs(4000, '😀'.repeat(31))).toThrow(/124 bytes/);
  });

  it('rejects a reason without a code', () => {
    expect(() => assertCloseArgs(undefined, 'bye')).toThrow(InvalidArgumentError);
    expect(() => assertCloseArgs(undefined, 'bye')).toThrow(/Invalid close reason of 3 bytes: close\(\) takes a code/);
  });

  it('rejects a reason that is not a string', () => {
    expect(() => assertCloseArgs(1000, 42 as never)).toThrow(/Invalid close reason 42: close\(\) takes a code, then a string/);
  });
});
