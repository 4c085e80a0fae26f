import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HandshakeError, InvalidArgumentError, InvalidStateError } from '../../src/errors.js';
import { DEFAULT_MAX_HEADER_BYTES } from '../../src/protocol/constants.js';
import { HttpResponseParser, quoteValue } from '../../src/protocol/http-response-parser.js';
import type { HttpResponseParseResult } from '../../src/protocol/http-response-parser.js';

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
const text = (data: Uint8Array): string => Buffer.from(data).toString('latin1');

const HEAD =
  'HTTP/1.1 101 Switching Protocols\r\n' +
  'Upgrade: websocket\r\n' +
  'Connection: Upgrade\r\n' +
  'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n' +
  '\r\n';
// A text frame "Hello" (RFC 6455 §5.7) and a ping, sent by the server right behind its 101.
const FRAMES = '\x81\x05Hello\x89\x00';

const EXPECTED_HEAD = {
  status: 101,
  statusText: 'Switching Protocols',
  httpVersion: '1.1',
  headers: {
    upgrade: 'websocket',
    connection: 'Upgrade',
    'sec-websocket-accept': 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
  },
  rawHeaders: [
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='],
  ],
};

/** Feeds `chunks` in order, asserting null before the last chunk that completes the head. */
function feed(parser: HttpResponseParser, chunks: Uint8Array[]): HttpResponseParseResult {
  for (let i = 0; i < chunks.length; i++) {
    const result = parser.push(chunks[i]);
    if (result) {
      // Nothing may be pushed after the head; the caller gets the rest from the result.
      expect(chunks.slice(i + 1).every((c) => c.length === 0)).toBe(true);
      return result;
    }
  }
  throw new Error('head never completed');
}

function split(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [0, ...[...cuts].sort((a, b) => a - b), data.length];
  return points.slice(1).map((end, i) => data.subarray(points[i], end));
}

function parseError(input: string, maxHeaderBytes?: number): HandshakeError {
  try {
    new HttpResponseParser(maxHeaderBytes).push(bytes(input));
  } catch (error) {
    expect(error).toBeInstanceOf(HandshakeError);
    return error as HandshakeError;
  }
  throw new Error('parser accepted the input');
}

describe('HttpResponseParser: complete heads', () => {
  it('parses a 101 in one chunk; rest is empty', () => {
    const result = new HttpResponseParser().push(bytes(HEAD));
    expect(result?.head).toEqual(EXPECTED_HEAD);
    expect(result?.rest).toEqual(new Uint8Array(0));
  });

  it('every two-chunk split of head + frames gives the same head and rest', () => {
    const data = bytes(HEAD + FRAMES);
    for (let cut = 0; cut <= data.length; cut++) {
      const parser = new HttpResponseParser();
      const first = parser.push(data.subarray(0, cut));
      const result = first ?? parser.push(data.subarray(cut));
      expect(result?.head, `cut at ${cut}`).toEqual(EXPECTED_HEAD);
      // Frames after the blank line are in `rest` whichever push completed the head.
      const rest = first ? text(first.rest) + text(data.subarray(cut)) : text(result!.rest);
      expect(rest, `cut at ${cut}`).toBe(FRAMES);
    }
  });

  it('one byte at a time: null until the final LF, then the head', () => {
    const parser = new HttpResponseParser();
    const data = bytes(HEAD);
    for (let i = 0; i < data.length - 1; i++) expect(parser.push(data.subarray(i, i + 1))).toBeNull();
    const result = parser.push(data.subarray(data.length - 1));
    expect(result?.head).toEqual(EXPECTED_HEAD);
    expect(result?.rest).toHaveLength(0);
  });

  it('CRLF CRLF split across chunks in every way', () => {
    const body = HEAD.slice(0, -4);
    for (const [a, b] of [
      ['', '\r\n\r\n'],
      ['\r', '\n\r\n'],
      ['\r\n', '\r\n'],
      ['\r\n\r', '\n'],
    ]) {
      const parser = new HttpResponseParser();
      expect(parser.push(bytes(body + a))).toBeNull();
      const result = parser.push(bytes(b + FRAMES));
      expect(result?.head).toEqual(EXPECTED_HEAD);
      expect(text(result!.rest)).toBe(FRAMES);
    }
  });

  it('rest keeps frames that arrived in the same chunk, and is a copy', () => {
    const chunk = bytes(HEAD + FRAMES);
    const result = new HttpResponseParser().push(chunk);
    expect(text(result!.rest)).toBe(FRAMES);
    chunk.fill(0);
    expect(text(result!.rest)).toBe(FRAMES);
  });

  it('rest is exactly the bytes after the blank line even when they look like HTTP', () => {
    const result = new HttpResponseParser().push(bytes(HEAD + 'HTTP/1.1 200 OK\r\n\r\n'));
    expect(text(result!.rest)).toBe('HTTP/1.1 200 OK\r\n\r\n');
  });

  it('a push after the head → InvalidStateError (later bytes belong to the frame parser)', () => {
    const parser = new HttpResponseParser();
    parser.push(bytes(HEAD));
    expect(() => parser.push(bytes(FRAMES))).toThrow(InvalidStateError);
  });

  it('an empty chunk is fine', () => {
    const parser = new HttpResponseParser();
    expect(parser.push(new Uint8Array(0))).toBeNull();
    expect(parser.push(bytes(HEAD))?.head.status).toBe(101);
  });

  it('repeated headers are joined with ", " and kept apart in rawHeaders', () => {
    const result = new HttpResponseParser().push(
      bytes('HTTP/1.1 101 Switching Protocols\r\nSet-Cookie: a=1\r\nX-A: 1\r\nset-cookie: b=2\r\nSET-COOKIE: c=3\r\n\r\n'),
    );
    expect(result?.head.headers['set-cookie']).toBe('a=1, b=2, c=3');
    expect(result?.head.rawHeaders).toEqual([
      ['Set-Cookie', 'a=1'],
      ['X-A', '1'],
      ['set-cookie', 'b=2'],
      ['SET-COOKIE', 'c=3'],
    ]);
  });

  it('trims OWS, keeps inner whitespace, empty values and obs-text (as ISO-8859-1)', () => {
    const result = new HttpResponseParser().push(
      bytes('HTTP/1.1 101 OK\r\nA:   x  y \t\r\nB:\r\nC: \t\r\nD: caf\xe9\r\nE:no-space\r\n\r\n'),
    );
    expect(result?.head.headers).toEqual({ a: 'x  y', b: '', c: '', d: 'café', e: 'no-space' });
  });

  it('status line without reason phrase, with an empty one, and HTTP/1.0 (CONNECT proxies)', () => {
    expect(new HttpResponseParser().push(bytes('HTTP/1.1 101\r\n\r\n'))?.head).toMatchObject({ status: 101, statusText: '' });
    expect(new HttpResponseParser().push(bytes('HTTP/1.1 101 \r\n\r\n'))?.head).toMatchObject({ status: 101, statusText: '' });
    expect(new HttpResponseParser().push(bytes('HTTP/1.0 200 Connection established\r\n\r\n'))?.head).toMatchObject({
      status: 200,
      statusText: 'Connection established',
      httpVersion: '1.0',
    });
  });

  it('headers named __proto__ or constructor are plain entries', () => {
    const result = new HttpResponseParser().push(bytes('HTTP/1.1 101 OK\r\n__proto__: x\r\nconstructor: y\r\n\r\n'));
    expect(Object.keys(result!.head.headers)).toEqual(['__proto__', 'constructor']);
    // biome-ignore lint/suspicious/noProto: the point of the test: a "__proto__" header is a plain entry
    expect(result!.head.headers['__proto__']).toBe('x');
    expect(new HttpResponseParser().push(bytes(HEAD))!.head.headers['constructor']).toBeUndefined();
  });
});

describe('HttpResponseParser: header size limit', () => {
  it(`defaults to DEFAULT_MAX_HEADER_BYTES (${DEFAULT_MAX_HEADER_BYTES})`, () => {
    const filler = (n: number): string => `X: ${'a'.repeat(n)}\r\n`;
    const start = 'HTTP/1.1 101 OK\r\n';
    const exact = start + filler(DEFAULT_MAX_HEADER_BYTES - start.length - 2 - 5) + '\r\n';
    expect(exact.length).toBe(DEFAULT_MAX_HEADER_BYTES);
    expect(new HttpResponseParser().push(bytes(exact))?.head.status).toBe(101);
    const over = start + filler(DEFAULT_MAX_HEADER_BYTES - start.length - 2 - 4) + '\r\n';
    expect(parseError(over).reason).toBe('headers-too-large');
  });

  it('a head of exactly maxHeaderBytes passes; one more byte → headers-too-large', () => {
    const head = 'HTTP/1.1 101 OK\r\nA: b\r\n\r\n';
    expect(new HttpResponseParser(head.length).push(bytes(head + FRAMES))?.head.status).toBe(101);
    const error = parseError(head, head.length - 1);
    expect(error.reason).toBe('headers-too-large');
    expect(error.message).toBe(
      `Response head exceeds ${head.length - 1} bytes (maxHeaderBytes) without the blank line that ends it`,
    );
    expect(error.status).toBe(101);
    expect(error.headers).toEqual({ a: 'b' });
  });

  it('fails while the head is still streaming, without waiting for its end, and stays failed', () => {
    const parser = new HttpResponseParser(100);
    expect(parser.push(bytes('HTTP/1.1 101 OK\r\nX: '))).toBeNull();
    let thrown: unknown;
    try {
      for (let i = 0; i < 1000; i++) parser.push(bytes('aaaaaaaaaa'));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ reason: 'headers-too-large' });
    expect(() => parser.push(bytes('\r\n\r\n'))).toThrow(thrown as Error);
  });

  it('frames after the head do not count against the limit', () => {
    const result = new HttpResponseParser(HEAD.length).push(bytes(HEAD + 'x'.repeat(100_000)));
    expect(result?.rest).toHaveLength(100_000);
  });

  it.each([0, -1, 1.5, Number.NaN])('maxHeaderBytes %s → InvalidArgumentError', (max) => {
    expect(() => new HttpResponseParser(max)).toThrow(InvalidArgumentError);
  });
});

describe('HttpResponseParser: malformed input', () => {
  it.each([
    [
      'an SSH banner',
      'SSH-2.0-OpenSSH_9.6\r\n',
      'Malformed HTTP response: status line starting "S" (expected "HTTP/1.1 <status> <reason>")',
    ],
    ['a TLS alert', '\x15\x03\x03\x00\x02\x02\x28', 'Malformed HTTP response: status line starting "\\x15"'],
    ['lower-case http', 'http/1.1 101 OK\r\n\r\n', 'status line starting "h"'],
    ['HTTP/2', 'HTTP/2 101 OK\r\n\r\n', 'status line "HTTP/2 101 OK" (expected "HTTP/1.1 <3-digit status> <reason>")'],
    ['HTTP/2.0', 'HTTP/2.0 101 OK\r\n\r\n', 'status line "HTTP/2.0 101 OK"'],
    ['a 4-digit status', 'HTTP/1.1 1010 OK\r\n\r\n', 'status line "HTTP/1.1 1010 OK"'],
    ['a non-numeric status', 'HTTP/1.1 abc OK\r\n\r\n', 'status line "HTTP/1.1 abc OK"'],
    ['two spaces', 'HTTP/1.1  101 OK\r\n\r\n', 'status line "HTTP/1.1  101 OK"'],
    ['no status', 'HTTP/1.1\r\n\r\n', 'status line "HTTP/1.1"'],
    ['a control character in the reason', 'HTTP/1.1 101 O\x00K\r\n\r\n', 'status line "HTTP/1.1 101 O\\x00K"'],
    ['an empty first line', '\r\nHTTP/1.1 101 OK\r\n\r\n', 'status line "" (expected'],
    ['a bare LF in the status line', 'HTTP/1.1 101 OK\n\n', 'bare LF after "HTTP/1.1 101 OK" (expected CRLF line endings)'],
    ['a bare LF ending a header', 'HTTP/1.1 101 OK\r\nA: b\n\r\n', 'bare LF after "A: b"'],
    ['a bare LF as the final empty line', 'HTTP/1.1 101 OK\r\nA: b\r\n\n', 'bare LF after ""'],
    ['a bare CR', 'HTTP/1.1 101 OK\r\nA: b\rc\r\n\r\n', 'CR not followed by LF in "A: b"'],
    ['CR CR LF', 'HTTP/1.1 101 OK\r\r\n\r\n', 'CR not followed by LF in "HTTP/1.1 101 OK"'],
    ['obs-fold (space)', 'HTTP/1.1 101 OK\r\nA: b\r\n c\r\n\r\n', 'folded header line " c" (obs-fold is not accepted)'],
    ['obs-fold (tab)', 'HTTP/1.1 101 OK\r\nA: b\r\n\tc\r\n\r\n', 'folded header line "\\tc"'],
    [
      'a header without colon',
      'HTTP/1.1 101 OK\r\nUpgrade websocket\r\n\r\n',
      'header line "Upgrade websocket" (expected "name: value" with a token name)',
    ],
    ['space before the colon', 'HTTP/1.1 101 OK\r\nUpgrade : websocket\r\n\r\n', 'header line "Upgrade : websocket"'],
    ['an empty name', 'HTTP/1.1 101 OK\r\n: websocket\r\n\r\n', 'header line ": websocket"'],
    ['a non-token name', 'HTTP/1.1 101 OK\r\nX(y): z\r\n\r\n', 'header line "X(y): z"'],
    ['NUL in a value', 'HTTP/1.1 101 OK\r\nA: b\x00c\r\n\r\n', 'control character in header "A": "b\\x00c"'],
    ['DEL in a value', 'HTTP/1.1 101 OK\r\nA: b\x7f\r\n\r\n', 'control character in header "A": "b\\x7f"'],
  ])('%s → malformed', (_, input, message) => {
    const error = parseError(input);
    expect(error.reason).toBe('malformed');
    expect(error.message).toContain(message);
    expect(error.message.startsWith('Malformed HTTP response: ')).toBe(true);
  });

  it('fails on the first byte that cannot start "HTTP/", before any line end arrives', () => {
    const parser = new HttpResponseParser();
    expect(parser.push(bytes('HTT'))).toBeNull();
    expect(() => parser.push(bytes('X'))).toThrow('status line starting "HTTX"');
  });

  it('quotes long received lines truncated and escaped', () => {
    const error = parseError(`HTTP/1.1 101 OK\r\n${'\x01'.repeat(200)}\r\n\r\n`);
    expect(error.message).toBe(
      `Malformed HTTP response: header line "${'\\x01'.repeat(64)}…" (expected "name: value" with a token name)`,
    );
  });

  it('attaches the status and headers seen so far', () => {
    const error = parseError('HTTP/1.1 503 Busy\r\nRetry-After: 5\r\nbad line\r\n\r\n');
    expect(error.status).toBe(503);
    expect(error.headers).toEqual({ 'retry-after': '5' });
    expect(parseError('garbage').status).toBeUndefined();
  });

  it('the error is sticky: the next push throws it again', () => {
    const parser = new HttpResponseParser();
    let first: unknown;
    try {
      parser.push(bytes('HTTP/1.1 101 OK\nA: b\r\n\r\n'));
    } catch (error) {
      first = error;
    }
    expect(first).toBeInstanceOf(HandshakeError);
    expect(() => parser.push(bytes(HEAD))).toThrow(first as Error);
  });
});

describe('HttpResponseParser: any chunking (fast-check)', () => {
  const tchar = fc.constantFrom(..."!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".split(''));
  const token = fc.string({ unit: tchar, minLength: 1, maxLength: 12 });
  const valueChar = fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f)
    .map((c) => String.fromCharCode(c));
  const fieldValue = fc.string({ unit: valueChar, maxLength: 30 }).map((v) => v.replace(/^ +| +$/g, ''));
  const response = fc.record({
    status: fc.integer({ min: 100, max: 599 }),
    reason: fc.string({ unit: valueChar, maxLength: 20 }),
    headers: fc.array(fc.tuple(token, fieldValue), { maxLength: 10 }),
    rest: fc.uint8Array({ maxLength: 40 }),
  });

  it('gives the same head and rest as a single push, whatever the chunk boundaries', () => {
    fc.assert(
      fc.property(response, fc.array(fc.nat(), { maxLength: 12 }), ({ status, reason, headers, rest }, rawCuts) => {
        const headText = `HTTP/1.1 ${status} ${reason}\r\n` + headers.map(([n, v]) => `${n}: ${v}\r\n`).join('') + '\r\n';
        const data = new Uint8Array([...bytes(headText), ...rest]);
        const whole = new HttpResponseParser().push(data);
        expect(whole).not.toBeNull();
        expect(whole!.head.status).toBe(status);
        expect(whole!.head.statusText).toBe(reason);
        expect(whole!.head.rawHeaders).toEqual(headers);
        expect(whole!.rest).toEqual(rest);

        const chunks = split(
          data,
          rawCuts.map((c) => c % (data.length + 1)),
        );
        const parser = new HttpResponseParser();
        let result: HttpResponseParseResult | null = null;
        const after: number[] = [];
        for (const chunk of chunks) {
          if (result) after.push(...chunk);
          else result = parser.push(chunk);
        }
        expect(result).not.toBeNull();
        expect(result!.head).toEqual(whole!.head);
        expect(new Uint8Array([...result!.rest, ...after])).toEqual(rest);
      }),
      { numRuns: 500 },
    );
  });

  it('one byte at a time equals a single push', () => {
    fc.assert(
      fc.property(response, ({ status, reason, headers, rest }) => {
        const headText = `HTTP/1.1 ${status} ${reason}\r\n` + headers.map(([n, v]) => `${n}: ${v}\r\n`).join('') + '\r\n';
        const headBytes = bytes(headText);
        // Every head byte alone; the final LF arrives together with the frames that follow it.
        const chunks = Array.from(headBytes.subarray(0, -1), (b) => Uint8Array.of(b));
        chunks.push(new Uint8Array([headBytes[headBytes.length - 1], ...rest]));
        const data = new Uint8Array([...headBytes, ...rest]);
        const result = feed(new HttpResponseParser(), chunks);
        expect(result.head).toEqual(new HttpResponseParser().push(data)!.head);
        expect(result.rest).toEqual(rest);
      }),
      { numRuns: 200 },
    );
  });
});

describe('quoteValue', () => {
  it('escapes and truncates', () => {
    expect(quoteValue('a"b\\c\r\n\t\x00\xff\u0100')).toBe('"a\\"b\\\\c\\r\\n\\t\\x00\\xff\\u{100}"');
    expect(quoteValue('x'.repeat(65))).toBe(`"${'x'.repeat(64)}…"`);
  });
});
