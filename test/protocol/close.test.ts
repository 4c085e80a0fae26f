import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { encodeClosePayload, isValidWireCloseCode, parseClosePayload } from '../../src/protocol/close.js';
import { hex, toHex } from '../helpers/hex.js';
import { utf8 } from './frame-helpers.js';
import { expectProtocolError } from './frame-helpers.js';

describe('isValidWireCloseCode', () => {
  it.each([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999])(
    'accepts %i',
    (code) => expect(isValidWireCloseCode(code)).toBe(true),
  );

  it.each([0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535, -1000, 1000.5, Number.NaN])('rejects %d', (code) =>
    expect(isValidWireCloseCode(code)).toBe(false),
  );
});

describe('encodeClosePayload', () => {
  it('is empty without a code', () => {
    expect(encodeClosePayload().length).toBe(0);
    expect(encodeClosePayload(undefined, 'ignored').length).toBe(0);
  });

  it('is empty for 1005, which means "no code"', () => {
    expect(encodeClosePayload(1005).length).toBe(0);
  });

  it('puts the code in network byte order, then the UTF-8 reason', () => {
    expect(toHex(encodeClosePayload(1000))).toBe('03e8');
    expect(toHex(encodeClosePayload(1000, ''))).toBe('03e8');
    expect(toHex(encodeClosePayload(4999, 'é'))).toBe('1387c3a9');
    expect(toHex(encodeClosePayload(1002, 'bye'))).toBe('03ea627965');
  });

  it('rejects codes that must not be sent and reasons over 123 bytes', () => {
    expect(() => encodeClosePayload(1006)).toThrow(InvalidArgumentError);
    expect(() => encodeClosePayload(1015)).toThrow(InvalidArgumentError);
    expect(() => encodeClosePayload(999)).toThrow(InvalidArgumentError);
    expect(() => encodeClosePayload(1000, '€'.repeat(42))).toThrow(/126 bytes/);
    expect(encodeClosePayload(1000, '€'.repeat(41)).length).toBe(125);
  });

  it('round-trips through parseClosePayload', () => {
    for (const [code, reason] of [
      [1000, ''],
      [1001, 'going away'],
      [3000, '\ufeffbom kept'],
      [4999, '日本語 😀'],
    ] as const) {
      expect(parseClosePayload(encodeClosePayload(code, reason))).toEqual({ code, reason });
    }
  });
});

describe('parseClosePayload', () => {
  it('reads an empty body as 1005 with no reason', () => {
    expect(parseClosePayload(new Uint8Array(0))).toEqual({ code: 1005, reason: '' });
  });

  it('reads code and reason', () => {
    expect(parseClosePayload(hex('03e8'))).toEqual({ code: 1000, reason: '' });
    expect(parseClosePayload(hex('0fa0 6f6b'))).toEqual({ code: 4000, reason: 'ok' });
  });

  it('client receives a 1-byte close body → fails with 1002', () => {
    expectProtocolError(() => parseClosePayload(hex('03')), 1002);
  });

  it.each([0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535])(
    'client receives close code %i → fails with 1002',
    (code) => {
      const error = expectProtocolError(() => parseClosePayload(Uint8Array.of(code >> 8, code & 0xff)), 1002);
      expect(error.message).toBe(`invalid close code ${code}`);
    },
  );

  it('client receives a close reason that is not UTF-8 → fails with 1007', () => {
    expectProtocolError(() => parseClosePayload(hex('03e8 ff')), 1007);
    expectProtocolError(() => parseClosePayload(hex('03e8 eda080')), 1007); // a surrogate
    expectProtocolError(() => parseClosePayload(hex('03e8 e282')), 1007); // truncated
  });

  it('keeps a leading U+FEFF in the reason', () => {
    expect(parseClosePayload(concatCode(1000, utf8('\ufeffx'))).reason).toBe('\ufeffx');
  });
});

function concatCode(code: number, reason: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + reason.length);
  out[0] = code >> 8;
  out[1] = code & 0xff;
  out.set(reason, 2);
  return out;
}
