/** The Sec-WebSocket-Extensions grammar (RFC 6455 §9.1). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatExtension, parseExtensionHeader, type ExtensionElement } from '../../src/protocol/extension-header.js';

describe('parseExtensionHeader', () => {
  it('a list of elements with parameters, values and no values', () => {
    expect(parseExtensionHeader('permessage-deflate; client_max_window_bits=10; server_no_context_takeover, foo')).toEqual([
      {
        name: 'permessage-deflate',
        params: [
          ['client_max_window_bits', '10'],
          ['server_no_context_takeover', true],
        ],
      },
      { name: 'foo', params: [] },
    ]);
  });

  it('OWS around separators, and empty list elements, are accepted', () => {
    expect(parseExtensionHeader(' ,\tfoo ; a = 1 ;b ,, bar ,')).toEqual([
      {
        name: 'foo',
        params: [
          ['a', '1'],
          ['b', true],
        ],
      },
      { name: 'bar', params: [] },
    ]);
  });

  it('quoted values are unquoted, quoted-pairs included', () => {
    expect(parseExtensionHeader('x; a="10"; b="\\1\\2"')).toEqual([
      {
        name: 'x',
        params: [
          ['a', '10'],
          ['b', '12'],
        ],
      },
    ]);
  });

  it('empty input is an empty list', () => {
    expect(parseExtensionHeader('')).toEqual([]);
  });

  it.each([
    ['a quoted value that is not a token after unquoting', 'x; a="b c"'],
    ['an empty quoted value', 'x; a=""'],
    ['an unterminated quoted value', 'x; a="10'],
    ['a quoted-pair at the very end', 'x; a="1\\'],
    ['no name before ";"', '; a'],
    ['no parameter name', 'x; ; a'],
    ['"=" without a value', 'x; a='],
    ['a separator inside a name', 'x/y'],
    ['two names without a comma', 'x y'],
    ['a non-ASCII name', 'défl'],
  ])('rejects %s, saying where', (_name, value) => {
    const result = parseExtensionHeader(value);
    expect(typeof result).toBe('string');
  });

  it('property: format then parse gives the elements back', () => {
    const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/);
    const element = fc.record({
      name: token,
      params: fc.array(fc.tuple(token, fc.oneof(token, fc.constant(true as const))), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 4 }), (elements: ExtensionElement[]) => {
        const header = elements.map(formatExtension).join(', ');
        expect(parseExtensionHeader(header)).toEqual(elements);
      }),
      { numRuns: 300 },
    );
  });

  it('property: never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (value) => {
        const result = parseExtensionHeader(value);
        expect(typeof result === 'string' || Array.isArray(result)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
