import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HandshakeError, InvalidArgumentError, InvalidStateError } from '../../src/errors.js';
import {
  acceptKey,
  buildRequest,
  createNonce,
  validateHeaders,
  type RequestOptions,
} from '../../src/protocol/handshake-request.js';
import { parseExtensions, validateResponse, type ExpectedHandshake } from '../../src/protocol/handshake-response.js';
import { HttpResponseParser } from '../../src/protocol/http-response-parser.js';
import type { HttpResponseHead } from '../../src/protocol/http-response-parser.js';

const sha1 = (input: string): Uint8Array => createHash('sha1').update(input).digest();
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('acceptKey', () => {
  it('RFC 6455 §1.3 vector: dGhlIHNhbXBsZSBub25jZQ== → s3pPLMBiTxaQ9kYGzzhZRbK+xOo=', () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==', sha1)).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('second vector: x3JJHMbDL1EzLkh9GBhXDw== → HSmrc0sMlYUkAGmm5OPpG2HaGWk=', () => {
    expect(acceptKey('x3JJHMbDL1EzLkh9GBhXDw==', sha1)).toBe('HSmrc0sMlYUkAGmm5OPpG2HaGWk=');
  });

  it('hashes the key (not base64-decoded) followed by the GUID', () => {
    const spy = vi.fn((_: string) => new Uint8Array(20));
    acceptKey('abc', spy);
    expect(spy).toHaveBeenCalledWith('abc258EAFA5-E914-47DA-95CA-C5AB0DC85B11');
  });

  it('base64-encodes any digest exactly like Buffer (every padding length)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (digest) => {
        expect(acceptKey('k', () => digest)).toBe(Buffer.from(digest).toString('base64'));
      }),
    );
  });
});

describe('createNonce', () => {
  it('is 24 base64 characters decoding to 16 bytes', () => {
    const nonce = createNonce();
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
  });

  it('is fresh for every call (50 calls, 50 distinct values)', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => createNonce()));
    expect(nonces.size).toBe(50);
  });

  it('uses the injected fill on a 16-byte buffer', () => {
    const fill = vi.fn((bytes: Uint8Array) => {
      for (let i = 0; i < bytes.length; i++) bytes[i] = i;
    });
    expect(createNonce(fill)).toBe('AAECAwQFBgcICQoLDA0ODw==');
    expect(fill).toHaveBeenCalledTimes(1);
    expect(fill.mock.calls[0][0]).toHaveLength(16);
  });

  it('encodes whatever the fill produced', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (random) => {
        expect(createNonce((b) => b.set(random))).toBe(Buffer.from(random).toString('base64'));
      }),
    );
  });

  it('defaults to globalThis.crypto.getRandomValues', () => {
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues');
    createNonce();
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('without globalThis.crypto and no fill → InvalidStateError that says to pass fill', () => {
    vi.stubGlobal('crypto', undefined);
    expect(() => createNonce()).toThrow(InvalidStateError);
    expect(() => createNonce()).toThrow(/pass a `fill` function/);
    expect(createNonce((b) => b.fill(0))).toBe('AAAAAAAAAAAAAAAAAAAAAA==');
  });
});

describe('buildRequest', () => {
  const base = (url: string, extra: Partial<RequestOptions> = {}): string =>
    buildRequest({ url: new URL(url), key: KEY, protocols: [], ...extra });
  const fixed = (host: string, target = '/'): string =>
    `GET ${target} HTTP/1.1\r\n` +
    `Host: ${host}\r\n` +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    `Sec-WebSocket-Key: ${KEY}\r\n` +
    'Sec-WebSocket-Version: 13\r\n';

  it('ws://h/ → the minimal request', () => {
    expect(base('ws://h/')).toBe(fixed('h') + '\r\n');
  });

  it('ws://h:8080/p?q=1#frag → path and query, non-default port, never the fragment', () => {
    expect(base('ws://h:8080/p?q=1#frag')).toBe(fixed('h:8080', '/p?q=1') + '\r\n');
  });

  it('wss://h:443 → "/" and the default port omitted', () => {
    expect(base('wss://h:443')).toBe(fixed('h') + '\r\n');
  });

  it('ws://[::1]:9000/ → IPv6 literal in brackets', () => {
    expect(base('ws://[::1]:9000/')).toBe(fixed('[::1]:9000') + '\r\n');
  });

  it.each([
    ['ws://h:80/', 'h', '/'],
    ['ws://h:443/', 'h:443', '/'],
    ['wss://h:80/', 'h:80', '/'],
    ['ws://H.Example.COM/', 'h.example.com', '/'],
    ['ws://h?x=1', 'h', '/?x=1'],
    ['ws://h/p?', 'h', '/p'],
    ['ws://h/a%20b/c?d=%20e', 'h', '/a%20b/c?d=%20e'],
    ['ws://h/#only-fragment', 'h', '/'],
  ])('%s → Host: %s, target %s', (url, host, target) => {
    expect(base(url)).toBe(fixed(host, target) + '\r\n');
  });

  it('adds protocols (joined with ", "), Origin and Sec-WebSocket-Extensions in that order', () => {
    expect(base('ws://h/', { protocols: ['chat', 'superchat'], origin: 'http://example.com', extensions: 'x-ext; a=1' })).toBe(
      fixed('h') +
        'Sec-WebSocket-Protocol: chat, superchat\r\n' +
        'Origin: http://example.com\r\n' +
        'Sec-WebSocket-Extensions: x-ext; a=1\r\n' +
        '\r\n',
    );
  });

  it('omits Sec-WebSocket-Extensions for an empty offer', () => {
    expect(base('ws://h/', { extensions: '' })).toBe(fixed('h') + '\r\n');
  });

  it('appends user headers last, in insertion order, with their spelling', () => {
    expect(base('ws://h/', { headers: { 'X-Token': 'abc', cookie: 'a=1; b=2' } })).toBe(
      fixed('h') + 'X-Token: abc\r\ncookie: a=1; b=2\r\n\r\n',
    );
  });

  it('a user Host replaces the computed one, in first position', () => {
    expect(base('ws://127.0.0.1:8080/', { headers: { host: 'example.com', 'X-A': '1' } })).toBe(
      fixed('example.com') + 'X-A: 1\r\n\r\n',
    );
  });

  it('URL userinfo → Authorization: Basic (percent-decoded, UTF-8)', () => {
    const request = base('ws://us%C3%A9r:p%40ss:w@h/');
    const credentials = Buffer.from('usér:p@ss:w', 'utf8').toString('base64');
    expect(request).toBe(fixed('h') + `Authorization: Basic ${credentials}\r\n\r\n`);
  });

  it('URL username only → "user:"', () => {
    expect(base('ws://user@h/')).toContain(`Authorization: Basic ${Buffer.from('user:').toString('base64')}\r\n`);
  });

  it('a user Authorization header wins over URL userinfo', () => {
    const request = base('ws://user:pass@h/', { headers: { authorization: 'Bearer t' } });
    expect(request).toBe(fixed('h') + 'authorization: Bearer t\r\n\r\n');
  });

  it('URL userinfo with broken percent-encoding → InvalidArgumentError naming it', () => {
    expect(() => base('ws://a%zz:b@h/')).toThrow(InvalidArgumentError);
    expect(() => base('ws://a%zz:b@h/')).toThrow('Invalid URL username "a%zz": broken percent-encoding');
  });

  it('Origin both as option and header → InvalidArgumentError', () => {
    expect(() => base('ws://h/', { origin: 'http://a', headers: { Origin: 'http://b' } })).toThrow(/Origin given twice/);
  });

  it('refuses to write a CR/LF into the request even when the caller skipped validation', () => {
    expect(() => base('ws://h/', { origin: 'http://a\r\nX-Evil: 1' })).toThrow(InvalidArgumentError);
    expect(() => base('ws://h/', { headers: { 'X-A': 'ok\nX-Evil: 1' } })).toThrow(/U\+000A/);
    expect(() => base('ws://h/', { headers: { 'X A': 'v' } })).toThrow(/not an HTTP token/);
    expect(() => base('ws://h/', { extensions: 'a\r\n' })).toThrow(InvalidArgumentError);
  });

  it('output is pure ASCII with CRLF line ends only', () => {
    const request = base('ws://üñí.example/päth?q=ü', { protocols: ['a'], origin: 'http://x' });
    expect(request).toMatch(/^[\x20-\x7e\r\n]*$/);
    expect(request.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(request.endsWith('\r\n\r\n')).toBe(true);
    expect(request).toContain('Host: xn--');
  });
});

describe('validateHeaders', () => {
  it('accepts ordinary headers, a Host override and Authorization', () => {
    expect(() =>
      validateHeaders({
        'X-Token': 'abc',
        Cookie: 'a=1; b=2',
        Host: 'example.com:8080',
        Authorization: 'Bearer x',
        Origin: 'http://example.com',
        'X-Empty': '',
        'X-Tab': 'a\tb',
      }),
    ).not.toThrow();
  });

  it.each([
    'Upgrade',
    'connection',
    'Sec-WebSocket-Key',
    'SEC-WEBSOCKET-VERSION',
    'Sec-WebSocket-Accept',
    'Sec-WebSocket-Extensions',
    'Content-Length',
    'transfer-encoding',
  ])('rejects the reserved header %s', (name) => {
    expect(() => validateHeaders({ [name]: 'x' })).toThrow(InvalidArgumentError);
    expect(() => validateHeaders({ [name]: 'x' })).toThrow(`Header "${name}" cannot be set`);
  });

  it('Sec-WebSocket-Protocol points at the protocols option', () => {
    expect(() => validateHeaders({ 'Sec-WebSocket-Protocol': 'chat' })).toThrow(
      'Header "Sec-WebSocket-Protocol" cannot be set: use the `protocols` option instead',
    );
  });

  it.each([['Bad Name'], [''], ['a:b'], ['X-ü'], ['a\r\nb']])('rejects the non-token name %j', (name) => {
    expect(() => validateHeaders({ [name]: 'v' })).toThrow(/Invalid header name .*: header names must be HTTP tokens/);
  });

  it.each([
    ['a\rb', 'U+000D'],
    ['a\nb', 'U+000A'],
    ['a\0b', 'U+0000'],
    ['a\x7fb', 'U+007F'],
    ['café', 'U+00E9'],
  ])('rejects the value %j (%s)', (value, code) => {
    expect(() => validateHeaders({ 'X-A': value })).toThrow(InvalidArgumentError);
    expect(() => validateHeaders({ 'X-A': value })).toThrow(`for header "X-A": character ${code} is not allowed`);
  });

  it('rejects the same name twice in different case', () => {
    expect(() => validateHeaders({ 'X-A': '1', 'x-a': '2' })).toThrow(
      'Header "x-a" is given twice (also as "X-A"): header names are case-insensitive',
    );
  });

  it('rejects an empty Host and non-string values', () => {
    expect(() => validateHeaders({ Host: ' ' })).toThrow(/Invalid Host header/);
    expect(() => validateHeaders({ 'X-A': 1 as unknown as string })).toThrow(
      /Invalid value 1 for header "X-A": expected a string/,
    );
    expect(() => validateHeaders(null as unknown as Record<string, string>)).toThrow(/expected an object/);
  });
});

/** Parses a response written with "\n" line ends (converted to CRLF) through the real parser. */
function head(text: string): HttpResponseHead {
  const result = new HttpResponseParser().push(Buffer.from(text.replace(/\n/g, '\r\n') + '\r\n', 'latin1'));
  if (!result) throw new Error('incomplete test response');
  return result.head;
}

const expected = (extra: Partial<ExpectedHandshake> = {}): ExpectedHandshake => ({
  key: KEY,
  expectedAccept: ACCEPT,
  protocols: [],
  extensions: [],
  ...extra,
});

const OK = `HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\nSec-WebSocket-Accept: ${ACCEPT}\n`;

function rejection(response: string, exp: ExpectedHandshake = expected()): HandshakeError {
  const parsed = head(response);
  try {
    validateResponse(parsed, exp);
  } catch (error) {
    expect(error).toBeInstanceOf(HandshakeError);
    const handshakeError = error as HandshakeError;
    // Every rejection carries what the server sent.
    expect(handshakeError.status).toBe(parsed.status);
    expect(handshakeError.headers).toEqual(parsed.headers);
    return handshakeError;
  }
  throw new Error('validateResponse accepted the response');
}

describe('validateResponse: accepted responses', () => {
  it('RFC 6455 §1.3 response → no subprotocol, no extensions', () => {
    expect(validateResponse(head(OK), expected())).toEqual({ protocol: '', extensions: '' });
  });

  it.each([
    ['Connection: keep-alive, Upgrade', 'keep-alive, Upgrade'],
    ['Connection: keep-alive,upgrade', 'keep-alive,upgrade'],
    ['Connection: UPGRADE', 'UPGRADE'],
    ['Connection: keep-alive\nConnection: Upgrade', 'two Connection headers'],
  ])('%s', (connection) => {
    const response = OK.replace('Connection: Upgrade', connection);
    expect(validateResponse(head(response), expected())).toEqual({ protocol: '', extensions: '' });
  });

  it('Upgrade is matched case-insensitively (Upgrade: WebSocket)', () => {
    expect(validateResponse(head(OK.replace('websocket', 'WebSocket')), expected()).protocol).toBe('');
  });

  it('Sec-WebSocket-Accept surrounded by whitespace is accepted (RFC 6455 §4.1: "ignoring any leading and trailing whitespace")', () => {
    const response = OK.replace(`Sec-WebSocket-Accept: ${ACCEPT}`, `Sec-WebSocket-Accept:   ${ACCEPT} \t`);
    expect(validateResponse(head(response), expected())).toEqual({ protocol: '', extensions: '' });
  });

  it('the server selects one offered subprotocol → it is returned', () => {
    const response = OK + 'Sec-WebSocket-Protocol: superchat\n';
    expect(validateResponse(head(response), expected({ protocols: ['chat', 'superchat'] }))).toEqual({
      protocol: 'superchat',
      extensions: '',
    });
  });

  it('an offered extension with parameters is returned verbatim', () => {
    const response = OK + 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10\n';
    expect(validateResponse(head(response), expected({ extensions: ['permessage-deflate'] }))).toEqual({
      protocol: '',
      extensions: 'permessage-deflate; client_max_window_bits=10',
    });
  });

  it('an empty Sec-WebSocket-Extensions header means none', () => {
    expect(validateResponse(head(OK + 'Sec-WebSocket-Extensions: \n'), expected()).extensions).toBe('');
    expect(validateResponse(head(OK + 'Sec-WebSocket-Extensions: , ,\n'), expected()).extensions).toBe('');
  });
});

describe('validateResponse: rejected responses', () => {
  it('status 503 → reason "status", with status and reason phrase', () => {
    const error = rejection('HTTP/1.1 503 Service Unavailable\nRetry-After: 5\n');
    expect(error.reason).toBe('status');
    expect(error.message).toBe('Unexpected server response: 503 Service Unavailable (expected 101 Switching Protocols)');
    expect(error.status).toBe(503);
    expect(error.headers).toEqual({ 'retry-after': '5' });
  });

  it('status 200 without reason phrase, and a hostile reason phrase is escaped', () => {
    expect(rejection('HTTP/1.1 200\n').message).toBe('Unexpected server response: 200 (expected 101 Switching Protocols)');
    expect(rejection(`HTTP/1.1 302 ${'x'.repeat(100)}\n`).message).toMatch(/302 x{64}… \(expected/);
  });

  it('a 101 with a valid WebSocket response but wrong status still fails first on status', () => {
    expect(rejection(OK.replace('101 Switching Protocols', '200 OK')).reason).toBe('status');
  });

  it.each([
    ['no Upgrade', OK.replace('Upgrade: websocket\n', ''), 'Server sent no Upgrade header (expected "Upgrade: websocket")'],
    ['Upgrade: h2c', OK.replace('Upgrade: websocket', 'Upgrade: h2c'), 'Server sent Upgrade: "h2c" (expected "websocket")'],
    [
      'two Upgrade headers',
      OK.replace('Upgrade: websocket\n', 'Upgrade: websocket\nUpgrade: websocket\n'),
      'Server sent Upgrade: "websocket, websocket" (expected "websocket")',
    ],
  ])('%s → reason "upgrade"', (_, response, message) => {
    const error = rejection(response);
    expect(error.reason).toBe('upgrade');
    expect(error.message).toBe(message);
  });

  it.each([
    [
      'no Connection',
      OK.replace('Connection: Upgrade\n', ''),
      'Server sent no Connection header (expected one containing the "Upgrade" token)',
    ],
    [
      'Connection: keep-alive',
      OK.replace('Connection: Upgrade', 'Connection: keep-alive'),
      'Server sent Connection: "keep-alive" (expected the "Upgrade" token in it)',
    ],
    [
      'Connection: upgraded',
      OK.replace('Connection: Upgrade', 'Connection: upgraded'),
      'Server sent Connection: "upgraded" (expected the "Upgrade" token in it)',
    ],
  ])('%s → reason "connection"', (_, response, message) => {
    const error = rejection(response);
    expect(error.reason).toBe('connection');
    expect(error.message).toBe(message);
  });

  it.each([
    [
      'missing',
      OK.replace(`Sec-WebSocket-Accept: ${ACCEPT}\n`, ''),
      `Server sent no Sec-WebSocket-Accept header (expected "${ACCEPT}")`,
    ],
    [
      'wrong',
      OK.replace(ACCEPT, 'HSmrc0sMlYUkAGmm5OPpG2HaGWk='),
      `Server sent Sec-WebSocket-Accept: "HSmrc0sMlYUkAGmm5OPpG2HaGWk=" (expected "${ACCEPT}" for key "${KEY}")`,
    ],
    [
      'different case',
      OK.replace(ACCEPT, ACCEPT.toLowerCase()),
      `Server sent Sec-WebSocket-Accept: "${ACCEPT.toLowerCase()}" (expected "${ACCEPT}" for key "${KEY}")`,
    ],
    [
      'sent twice, even with the right value',
      OK + `Sec-WebSocket-Accept: ${ACCEPT}\n`,
      'Server sent 2 Sec-WebSocket-Accept headers (expected exactly one)',
    ],
  ])('Sec-WebSocket-Accept %s → reason "accept"', (_, response, message) => {
    const error = rejection(response);
    expect(error.reason).toBe('accept');
    expect(error.message).toBe(message);
  });

  it.each([
    ['offered, none selected', OK, ['chat', 'superchat'], 'Server sent no subprotocol (expected one of "chat", "superchat")'],
    [
      'offered, another selected',
      OK + 'Sec-WebSocket-Protocol: other\n',
      ['chat'],
      'Server sent subprotocol "other" (expected one of "chat")',
    ],
    ['case differs', OK + 'Sec-WebSocket-Protocol: CHAT\n', ['chat'], 'Server sent subprotocol "CHAT" (expected one of "chat")'],
    [
      'a list',
      OK + 'Sec-WebSocket-Protocol: chat, superchat\n',
      ['chat', 'superchat'],
      'Server sent subprotocol list "chat, superchat" (expected exactly one of "chat", "superchat")',
    ],
    [
      'two headers',
      OK + 'Sec-WebSocket-Protocol: chat\nSec-WebSocket-Protocol: chat\n',
      ['chat'],
      'Server sent 2 Sec-WebSocket-Protocol headers (expected one, selecting one of "chat")',
    ],
    [
      'empty value while offered',
      OK + 'Sec-WebSocket-Protocol: \n',
      ['chat'],
      'Server sent subprotocol "" (expected one of "chat")',
    ],
    [
      'none offered, one selected',
      OK + 'Sec-WebSocket-Protocol: chat\n',
      [],
      'Server sent subprotocol "chat" but none was requested',
    ],
    ['none offered, empty header', OK + 'Sec-WebSocket-Protocol:\n', [], 'Server sent subprotocol "" but none was requested'],
  ])('subprotocol %s → reason "subprotocol"', (_, response, protocols, message) => {
    const error = rejection(response, expected({ protocols }));
    expect(error.reason).toBe('subprotocol');
    expect(error.message).toBe(message);
  });

  it.each([
    [
      'none offered',
      'permessage-deflate',
      [],
      'Server sent extension "permessage-deflate" in "permessage-deflate" (none was offered)',
    ],
    [
      'another than offered',
      'x-webkit-deflate-frame',
      ['permessage-deflate'],
      'Server sent extension "x-webkit-deflate-frame" in "x-webkit-deflate-frame" (expected only "permessage-deflate")',
    ],
    [
      'second one not offered',
      'permessage-deflate, x-other',
      ['permessage-deflate'],
      'Server sent extension "x-other" in "permessage-deflate, x-other" (expected only "permessage-deflate")',
    ],
    [
      'the same one twice',
      'permessage-deflate, permessage-deflate',
      ['permessage-deflate'],
      'Server sent extension "permessage-deflate" twice in "permessage-deflate, permessage-deflate"',
    ],
    [
      'malformed params',
      'permessage-deflate; =10',
      ['permessage-deflate'],
      'Server sent a malformed Sec-WebSocket-Extensions header: "permessage-deflate; =10"',
    ],
    [
      'quoted value that is not a token',
      'permessage-deflate; a="b c"',
      ['permessage-deflate'],
      'Server sent a malformed Sec-WebSocket-Extensions header: "permessage-deflate; a=\\"b c\\""',
    ],
  ])('extension %s → reason "extension"', (_, value, extensions, message) => {
    const error = rejection(OK + `Sec-WebSocket-Extensions: ${value}\n`, expected({ extensions }));
    expect(error.reason).toBe('extension');
    expect(error.message).toBe(message);
  });

  it('checks run in order: status, upgrade, connection, accept, subprotocol, extension', () => {
    const everythingWrong =
      'HTTP/1.1 101 Switching Protocols\nUpgrade: h2c\nConnection: close\nSec-WebSocket-Accept: nope\n' +
      'Sec-WebSocket-Protocol: x\nSec-WebSocket-Extensions: y\n';
    expect(rejection(everythingWrong).reason).toBe('upgrade');
    expect(rejection(everythingWrong.replace('h2c', 'websocket')).reason).toBe('connection');
    expect(rejection(everythingWrong.replace('h2c', 'websocket').replace('close', 'Upgrade')).reason).toBe('accept');
    const goodAccept = everythingWrong.replace('h2c', 'websocket').replace('close', 'Upgrade').replace('nope', ACCEPT);
    expect(rejection(goodAccept).reason).toBe('subprotocol');
    expect(rejection(goodAccept.replace('Sec-WebSocket-Protocol: x\n', '')).reason).toBe('extension');
  });

  it('escapes what the server sent in messages', () => {
    const error = rejection(OK.replace('Upgrade: websocket', 'Upgrade: web"sock\xe9t'));
    expect(error.message).toBe('Server sent Upgrade: "web\\"sock\\xe9t" (expected "websocket")');
  });
});

describe('parseExtensions', () => {
  it.each([
    ['permessage-deflate', [{ name: 'permessage-deflate', params: [] }]],
    [
      'permessage-deflate; client_max_window_bits; server_max_window_bits=10, x-y',
      [
        {
          name: 'permessage-deflate',
          params: [
            ['client_max_window_bits', true],
            ['server_max_window_bits', '10'],
          ],
        },
        { name: 'x-y', params: [] },
      ],
    ],
    [
      'a ; b = "1" ;c',
      [
        {
          name: 'a',
          params: [
            ['b', '1'],
            ['c', true],
          ],
        },
      ],
    ],
    ['a; b="\\1"', [{ name: 'a', params: [['b', '1']] }]],
    ['', []],
    [' , a ,, ', [{ name: 'a', params: [] }]],
  ])('%j parses', (value, parsed) => {
    expect(parseExtensions(value)).toEqual(parsed);
  });

  it.each(['a;', 'a; b=', 'a b', 'a; b="1', 'a; b="1 2"', '; b', 'a;; b', 'a=1', 'ä'])('%j is malformed', (value) => {
    expect(parseExtensions(value)).toBeNull();
  });
});
