import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { toProtocols } from '../../src/options.js';
import { formatValue } from '../../src/protocol/format.js';

describe('toProtocols: the subprotocols a Socket may offer (RFC 6455 §4.1)', () => {
  it('accepts tokens, a single string and the empty list', () => {
    expect(toProtocols([])).toEqual([]);
    expect(toProtocols('chat')).toEqual(['chat']);
    expect(toProtocols(['chat', 'superchat', 'v1.json+rpc', "!#$%&'*+-.^_`|~"])).toHaveLength(4);
  });

  it.each(['', 'a b', 'a,b', 'chat/1', '"q"', 'ü', 'a\r\nb'])('rejects %j with a message naming it', (protocol) => {
    expect(() => toProtocols(['ok', protocol])).toThrow(InvalidArgumentError);
    expect(() => toProtocols(['ok', protocol])).toThrow(
      `Invalid subprotocol ${formatValue(protocol)}: expected a non-empty HTTP token`,
    );
    if (protocol === 'ü') expect(() => toProtocols([protocol])).toThrow('Invalid subprotocol "\\xfc"');
  });

  it('rejects an exact duplicate', () => {
    expect(() => toProtocols(['chat', 'chat'])).toThrow('Duplicate subprotocol "chat": offer each once (case-insensitive)');
  });

  it('rejects a duplicate differing only in case (WHATWG / WPT Create-protocols-repeated-case-insensitive)', () => {
    expect(() => toProtocols(['echo', 'eCho'])).toThrow('Duplicate subprotocol "eCho"');
  });

  it('rejects non-strings and non-arrays', () => {
    expect(() => toProtocols(['a', 1])).toThrow(/Invalid subprotocol 1/);
    expect(() => toProtocols(42)).toThrow(/Invalid option protocols: 42/);
  });
});
