/** permessage-deflate negotiation (RFC 7692 §5, §7.1): the option, the offer, and the strict check of the answer. */
import { describe, expect, it } from 'vitest';
import { HandshakeError, InvalidArgumentError } from '../../src/errors.js';
import type { DeflateCodec, DeflaterParams, InflaterParams } from '../../src/protocol/deflate-codec.js';
import { parseExtensionHeader } from '../../src/protocol/extension-header.js';
import { quoteValue } from '../../src/protocol/http-response-parser.js';
import {
  acceptDeflateResponse,
  deflateOffer,
  PerMessageDeflate,
  resolvePerMessageDeflate,
  type DeflateSettings,
} from '../../src/protocol/permessage-deflate.js';

const defaults = resolvePerMessageDeflate(true) as DeflateSettings;
const settings = (options: object): DeflateSettings => resolvePerMessageDeflate(options) as DeflateSettings;

/** The HandshakeError thrown for `header`, checked for reason 'extension' and the quoted header. */
function rejection(header: string, offered: DeflateSettings | null = defaults): HandshakeError {
  let caught: unknown;
  try {
    acceptDeflateResponse(header, offered, { status: 101, headers: { 'sec-websocket-extensions': header } });
  } catch (error) {
    caught = error;
  }
  expect(caught, `"${header}" must be rejected`).toBeInstanceOf(HandshakeError);
  const error = caught as HandshakeError;
  expect(error.reason).toBe('extension');
  expect(error.status).toBe(101);
  expect(error.message).toContain(`Sec-WebSocket-Extensions: ${quoteValue(header)}: `);
  return error;
}

describe('resolvePerMessageDeflate (the perMessageDeflate option)', () => {
  it('true and undefined give the defaults: offered, threshold 1 KiB, zlib defaults, ws-like concurrency', () => {
    const expected: DeflateSettings = {
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: undefined,
      clientMaxWindowBits: true,
      threshold: 1024,
      level: -1,
      memLevel: 8,
      concurrencyLimit: 10,
    };
    expect(resolvePerMessageDeflate(true)).toEqual(expected);
    expect(resolvePerMessageDeflate(undefined)).toEqual(expected);
    expect(resolvePerMessageDeflate({})).toEqual(expected);
  });

  it('false turns compression off', () => {
    expect(resolvePerMessageDeflate(false)).toBeNull();
  });

  it('takes every ws option name', () => {
    expect(
      resolvePerMessageDeflate({
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 10,
        clientMaxWindowBits: 11,
        threshold: 0,
        level: 9,
        memLevel: 1,
        concurrencyLimit: 1,
      }),
    ).toEqual({
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 11,
      threshold: 0,
      level: 9,
      memLevel: 1,
      concurrencyLimit: 1,
    });
    expect(settings({ clientMaxWindowBits: false }).clientMaxWindowBits).toBe(false);
    expect(settings({ threshold: Infinity }).threshold).toBe(Infinity);
  });

  it.each([
    ['a string', 'yes', /Invalid perMessageDeflate "yes": expected true, false or an object/],
    ['null', null, /Invalid perMessageDeflate null/],
    ['an array', [], /Invalid perMessageDeflate an array/],
    ['a number', 1, /Invalid perMessageDeflate 1/],
    [
      'an unknown key (typo)',
      { serverNoContextTakeOver: true },
      /Unknown option perMessageDeflate\.serverNoContextTakeOver: expected only serverNoContextTakeover/,
    ],
    [
      'a non-boolean no-context-takeover',
      { clientNoContextTakeover: 1 },
      /Invalid perMessageDeflate\.clientNoContextTakeover 1: expected true or false/,
    ],
    [
      'serverMaxWindowBits 7',
      { serverMaxWindowBits: 7 },
      /Invalid perMessageDeflate\.serverMaxWindowBits 7: expected an integer from 8 to 15/,
    ],
    ['serverMaxWindowBits 16', { serverMaxWindowBits: 16 }, /perMessageDeflate\.serverMaxWindowBits 16/],
    ['serverMaxWindowBits 9.5', { serverMaxWindowBits: 9.5 }, /perMessageDeflate\.serverMaxWindowBits 9\.5/],
    ['serverMaxWindowBits true', { serverMaxWindowBits: true }, /perMessageDeflate\.serverMaxWindowBits true/],
    [
      'clientMaxWindowBits 16',
      { clientMaxWindowBits: 16 },
      /perMessageDeflate\.clientMaxWindowBits 16: expected an integer from 8 to 15/,
    ],
    ['clientMaxWindowBits "15"', { clientMaxWindowBits: '15' }, /perMessageDeflate\.clientMaxWindowBits "15"/],
    ['a negative threshold', { threshold: -1 }, /perMessageDeflate\.threshold -1: expected a number of bytes ≥ 0/],
    ['a NaN threshold', { threshold: NaN }, /perMessageDeflate\.threshold NaN/],
    ['level 10', { level: 10 }, /perMessageDeflate\.level 10: expected an integer from -1 to 9/],
    ['memLevel 0', { memLevel: 0 }, /perMessageDeflate\.memLevel 0: expected an integer from 1 to 9/],
    ['concurrencyLimit 0', { concurrencyLimit: 0 }, /perMessageDeflate\.concurrencyLimit 0: expected an integer ≥ 1/],
  ])('rejects %s with an InvalidArgumentError naming the option', (_name, value, message) => {
    expect(() => resolvePerMessageDeflate(value)).toThrow(InvalidArgumentError);
    expect(() => resolvePerMessageDeflate(value)).toThrow(message);
  });

  it('names the option as the caller calls it', () => {
    expect(() => resolvePerMessageDeflate({ level: 99 }, 'options.perMessageDeflate')).toThrow(
      /options\.perMessageDeflate\.level 99/,
    );
  });
});

describe('deflateOffer', () => {
  it('the default offer is what browsers and ws send: client_max_window_bits without a value', () => {
    expect(deflateOffer(defaults)).toBe('permessage-deflate; client_max_window_bits');
  });

  it('every parameter, in a fixed order', () => {
    expect(
      deflateOffer(
        settings({
          serverNoContextTakeover: true,
          clientNoContextTakeover: true,
          serverMaxWindowBits: 10,
          clientMaxWindowBits: 12,
        }),
      ),
    ).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12',
    );
  });

  it('clientMaxWindowBits: false leaves client_max_window_bits out', () => {
    expect(deflateOffer(settings({ clientMaxWindowBits: false }))).toBe('permessage-deflate');
  });

  it('the offer parses back with our own header parser', () => {
    const offer = deflateOffer(settings({ serverMaxWindowBits: 9, clientNoContextTakeover: true }));
    expect(parseExtensionHeader(offer)).toEqual([
      {
        name: 'permessage-deflate',
        params: [
          ['client_no_context_takeover', true],
          ['server_max_window_bits', '9'],
          ['client_max_window_bits', true],
        ],
      },
    ]);
  });
});

describe('acceptDeflateResponse: what is agreed', () => {
  it('no header, or an empty list: compression declined, the connection runs uncompressed', () => {
    expect(acceptDeflateResponse(undefined, defaults)).toBeNull();
    expect(acceptDeflateResponse('', defaults)).toBeNull();
    expect(acceptDeflateResponse(' , ,', defaults)).toBeNull();
    expect(acceptDeflateResponse(undefined, null)).toBeNull();
  });

  it('a bare acceptance: context takeover both ways, 15-bit windows', () => {
    expect(acceptDeflateResponse('permessage-deflate', defaults)).toEqual({
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 15,
    });
  });

  it('every parameter the server may send, with OWS and a quoted value', () => {
    expect(
      acceptDeflateResponse(
        'permessage-deflate ;server_no_context_takeover; client_no_context_takeover ; server_max_window_bits = "10";client_max_window_bits=9',
        defaults,
      ),
    ).toEqual({ serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 9 });
  });

  it('the server may lower server_max_window_bits below what we offered, or send it unasked (RFC 7692 §7.1.2.1)', () => {
    expect(
      acceptDeflateResponse('permessage-deflate; server_max_window_bits=8', settings({ serverMaxWindowBits: 12 }))
        ?.serverMaxWindowBits,
    ).toBe(8);
    expect(
      acceptDeflateResponse('permessage-deflate; server_max_window_bits=12', settings({ serverMaxWindowBits: 12 }))
        ?.serverMaxWindowBits,
    ).toBe(12);
    expect(acceptDeflateResponse('permessage-deflate; server_max_window_bits=11', defaults)?.serverMaxWindowBits).toBe(11);
  });

  it('the server may lower client_max_window_bits to what we offered or less (RFC 7692 §7.1.2.2)', () => {
    expect(acceptDeflateResponse('permessage-deflate; client_max_window_bits=8', defaults)?.clientMaxWindowBits).toBe(8);
    expect(
      acceptDeflateResponse('permessage-deflate; client_max_window_bits=10', settings({ clientMaxWindowBits: 10 }))
        ?.clientMaxWindowBits,
    ).toBe(10);
  });

  it('a client_max_window_bits value we offered is a promise kept even when the server does not repeat it', () => {
    expect(acceptDeflateResponse('permessage-deflate', settings({ clientMaxWindowBits: 10 }))?.clientMaxWindowBits).toBe(10);
  });

  it('client_no_context_takeover we offered holds without the server echoing it (RFC 7692 §7.1.1.2)', () => {
    expect(
      acceptDeflateResponse('permessage-deflate', settings({ clientNoContextTakeover: true }))?.clientNoContextTakeover,
    ).toBe(true);
  });

  it('server_no_context_takeover unasked is accepted (RFC 7692 §7.1.1.1: the server MAY include it)', () => {
    expect(acceptDeflateResponse('permessage-deflate; server_no_context_takeover', defaults)?.serverNoContextTakeover).toBe(true);
  });

  it('server_no_context_takeover we asked for, answered', () => {
    expect(
      acceptDeflateResponse('permessage-deflate; server_no_context_takeover', settings({ serverNoContextTakeover: true }))
        ?.serverNoContextTakeover,
    ).toBe(true);
  });
});

describe('acceptDeflateResponse: every rejection is a HandshakeError (reason "extension") quoting the header', () => {
  it('an extension we did not offer', () => {
    expect(rejection('x-webkit-deflate-frame').message).toMatch(/extension "x-webkit-deflate-frame" was not offered/);
  });

  it('an extension we did not offer next to permessage-deflate', () => {
    expect(rejection('permessage-deflate, foo; bar=1').message).toMatch(/extension "foo" was not offered/);
  });

  it('permessage-deflate when we offered no extension at all', () => {
    expect(rejection('permessage-deflate', null).message).toMatch(/no extension was offered/);
  });

  it('names are case-sensitive: Permessage-Deflate is not what we offered', () => {
    expect(rejection('Permessage-Deflate').message).toMatch(/"Permessage-Deflate" was not offered/);
  });

  it('two permessage-deflate elements', () => {
    expect(rejection('permessage-deflate, permessage-deflate; server_no_context_takeover').message).toMatch(/accepted twice/);
  });

  it('two permessage-deflate elements in two headers (joined by the parser with ", ")', () => {
    expect(rejection('permessage-deflate, permessage-deflate').message).toMatch(/accepted twice/);
  });

  it('an unknown parameter', () => {
    expect(rejection('permessage-deflate; max_window_bits=10').message).toMatch(/unknown parameter "max_window_bits"/);
  });

  it('an unknown parameter without a value', () => {
    expect(rejection('permessage-deflate; no_context_takeover').message).toMatch(/unknown parameter "no_context_takeover"/);
  });

  it('a duplicate parameter', () => {
    expect(rejection('permessage-deflate; server_no_context_takeover; server_no_context_takeover').message).toMatch(
      /parameter "server_no_context_takeover" appears twice/,
    );
  });

  it('a duplicate window-bits parameter, even with the same value', () => {
    expect(rejection('permessage-deflate; server_max_window_bits=10; server_max_window_bits=10').message).toMatch(
      /appears twice/,
    );
  });

  it('a value on server_no_context_takeover', () => {
    expect(rejection('permessage-deflate; server_no_context_takeover=1').message).toMatch(
      /"server_no_context_takeover" must have no value, got "1"/,
    );
  });

  it('a value on client_no_context_takeover (quoted)', () => {
    expect(rejection('permessage-deflate; client_no_context_takeover="true"').message).toMatch(
      /"client_no_context_takeover" must have no value/,
    );
  });

  it('server_max_window_bits without a value', () => {
    expect(rejection('permessage-deflate; server_max_window_bits').message).toMatch(
      /"server_max_window_bits" needs a value from 8 to 15/,
    );
  });

  it.each(['7', '16', '0', '010', '+9', '9a', '1e1'])(
    'server_max_window_bits=%s (outside 8–15 or not a plain decimal)',
    (value) => {
      expect(rejection(`permessage-deflate; server_max_window_bits=${value}`).message).toMatch(
        /"server_max_window_bits" has value/,
      );
    },
  );

  it('server_max_window_bits above the value we offered', () => {
    expect(rejection('permessage-deflate; server_max_window_bits=11', settings({ serverMaxWindowBits: 10 })).message).toMatch(
      /server_max_window_bits=11 is above the 10 we offered/,
    );
  });

  it('server_max_window_bits we offered, missing from the answer', () => {
    expect(rejection('permessage-deflate', settings({ serverMaxWindowBits: 10 })).message).toMatch(
      /server_max_window_bits=10 was offered but not accepted/,
    );
  });

  it('server_no_context_takeover we asked for, missing from the answer', () => {
    expect(rejection('permessage-deflate', settings({ serverNoContextTakeover: true })).message).toMatch(
      /server_no_context_takeover was offered but not accepted/,
    );
  });

  it('client_max_window_bits when we did not offer it', () => {
    expect(rejection('permessage-deflate; client_max_window_bits=10', settings({ clientMaxWindowBits: false })).message).toMatch(
      /"client_max_window_bits" was not offered/,
    );
  });

  it('client_max_window_bits without a value (only an offer may omit it)', () => {
    expect(rejection('permessage-deflate; client_max_window_bits').message).toMatch(/"client_max_window_bits" needs a value/);
  });

  it.each(['7', '16', '08'])('client_max_window_bits=%s', (value) => {
    expect(rejection(`permessage-deflate; client_max_window_bits=${value}`).message).toMatch(
      /"client_max_window_bits" has value/,
    );
  });

  it('client_max_window_bits above the value we offered', () => {
    expect(rejection('permessage-deflate; client_max_window_bits=12', settings({ clientMaxWindowBits: 11 })).message).toMatch(
      /client_max_window_bits=12 is above the 11 we offered/,
    );
  });

  it.each([
    ['a parameter name missing', 'permessage-deflate; =1'],
    ['an unterminated quoted value', 'permessage-deflate; server_max_window_bits="10'],
    ['a quoted value that is not a token', 'permessage-deflate; server_max_window_bits="1 0"'],
    ['a stray character', 'permessage-deflate / 2'],
    ['a missing value after "="', 'permessage-deflate; server_max_window_bits='],
  ])('a malformed header: %s', (_name, header) => {
    expect(rejection(header).message).toMatch(/malformed header .*RFC 6455 §9\.1/);
  });

  it('control characters in the header are escaped in the message', () => {
    const error = rejection('permessage-deflate; x=\u0001');
    expect(error.message).toContain('"permessage-deflate; x=\\x01"');
    expect(error.message).toContain('found U+0001 at offset 22');
    expect(error.message).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('PerMessageDeflate (per-connection state over an injected codec)', () => {
  function recordingCodec(): DeflateCodec & {
    made: string[];
    closed: string[];
    inflaterParams?: InflaterParams;
    deflaterParams?: DeflaterParams;
  } {
    const codec = {
      made: [] as string[],
      closed: [] as string[],
      inflaterParams: undefined as InflaterParams | undefined,
      deflaterParams: undefined as DeflaterParams | undefined,
      createInflater(params: InflaterParams) {
        codec.made.push('inflater');
        codec.inflaterParams = params;
        return { inflate: (piece: Uint8Array) => piece, close: () => codec.closed.push('inflater') };
      },
      createDeflater(params: DeflaterParams) {
        codec.made.push('deflater');
        codec.deflaterParams = params;
        return { deflate: (message: Uint8Array) => message.subarray(0, 1), close: () => codec.closed.push('deflater') };
      },
    };
    return codec;
  }

  const params = {
    serverNoContextTakeover: true,
    clientNoContextTakeover: false,
    serverMaxWindowBits: 10,
    clientMaxWindowBits: 9,
  };

  it('creates nothing until the first message in each direction, then passes the agreed parameters', () => {
    const codec = recordingCodec();
    const pmd = new PerMessageDeflate(params, settings({ level: 3, memLevel: 5 }), codec);
    expect(codec.made).toEqual([]);
    expect(pmd.allocated).toBe(false);
    pmd.inflate(new Uint8Array([1]), true, 10);
    expect(codec.made).toEqual(['inflater']);
    expect(codec.inflaterParams).toEqual({ windowBits: 10, noContextTakeover: true });
    pmd.compress(new Uint8Array(2000));
    expect(codec.made).toEqual(['inflater', 'deflater']);
    expect(codec.deflaterParams).toEqual({ windowBits: 9, noContextTakeover: false, level: 3, memLevel: 5 });
    pmd.inflate(new Uint8Array([2]), true, 10);
    expect(codec.made).toHaveLength(2);
  });

  it('messages under the threshold are not compressed (null) and allocate nothing', () => {
    const codec = recordingCodec();
    const pmd = new PerMessageDeflate(params, defaults, codec);
    expect(pmd.compress(new Uint8Array(1023))).toBeNull();
    expect(codec.made).toEqual([]);
    expect(pmd.compress(new Uint8Array(1024))).toHaveLength(1);
  });

  it('threshold 0 compresses even the empty message', () => {
    const pmd = new PerMessageDeflate(params, settings({ threshold: 0 }), recordingCodec());
    expect(pmd.compress(new Uint8Array(0))).not.toBeNull();
  });

  it('close() frees what was created, once', () => {
    const codec = recordingCodec();
    const pmd = new PerMessageDeflate(params, defaults, codec);
    pmd.close();
    expect(codec.closed).toEqual([]);
    pmd.inflate(new Uint8Array([1]), true, 10);
    pmd.close();
    pmd.close();
    expect(codec.closed).toEqual(['inflater']);
    expect(pmd.allocated).toBe(false);
  });
});
