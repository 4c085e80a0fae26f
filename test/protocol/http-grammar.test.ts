import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { formatValue, quoteValue } from '../../src/protocol/format.js';
import { basicCredentials, encodeBase64, splitList, TOKEN } from '../../src/protocol/http-grammar.js';

describe('http-grammar', () => {
  it('basicCredentials: RFC 7617 §2 user-id ":" password, UTF-8, base64 (Aladdin example)', () => {
    expect(basicCredentials('Aladdin', 'open%20sesame')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
    expect(basicCredentials('test', '123%C2%A3')).toBe(`Basic ${Buffer.from('test:123£').toString('base64')}`);
    expect(basicCredentials('', '')).toBe('Basic Og==');
  });

  it('basicCredentials: broken percent-encoding is an InvalidArgumentError naming the URL and the part', () => {
    expect(() => basicCredentials('a%zz', 'b', 'proxy')).toThrow(InvalidArgumentError);
    expect(() => basicCredentials('a%zz', 'b', 'proxy')).toThrow('Invalid proxy username "a%zz": broken percent-encoding');
    expect(() => basicCredentials('a', '%', 'URL')).toThrow('Invalid URL password "%": broken percent-encoding');
  });

  it('encodeBase64 matches RFC 4648 §10 test vectors', () => {
    const vectors = ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'];
    expect(vectors.map((v) => encodeBase64(new TextEncoder().encode(v)))).toEqual([
      '',
      'Zg==',
      'Zm8=',
      'Zm9v',
      'Zm9vYg==',
      'Zm9vYmE=',
      'Zm9vYmFy',
    ]);
  });

  it('TOKEN is RFC 7230 §3.2.6 tchar+, splitList is an RFC 7230 §7 list', () => {
    expect(TOKEN.test("!#$%&'*+-.^_`|~09AZaz")).toBe(true);
    for (const bad of ['', 'a b', 'a,b', 'a"', 'é', 'a:b']) expect(TOKEN.test(bad), bad).toBe(false);
    expect(splitList(' a , ,b,, c ')).toEqual(['a', 'b', 'c']);
  });
});

describe('formatValue', () => {
  it('shows each kind of value one way, in every layer', () => {
    expect(formatValue('a\r\nb')).toBe('"a\\r\\nb"');
    expect(formatValue('x'.repeat(70))).toBe(quoteValue('x'.repeat(70)));
    expect(formatValue(42)).toBe('42');
    expect(formatValue(undefined)).toBe('undefined');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(() => 1)).toBe('a function');
    expect(formatValue([1])).toBe('an array');
    expect(formatValue({})).toBe('[object Object]');
    expect(formatValue(new Map())).toBe('[object Map]');
  });
});
