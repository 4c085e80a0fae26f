/**
 * ClientConnection with permessage-deflate negotiated (issue 12), fed compressed server streams:
 *  - valid streams (compressed and uncompressed messages interleaved, text and binary, fragmented, pings between
 *    fragments) under any chunking report exactly the messages that were sent, in order, and nothing fails;
 *  - mutated streams (bytes flipped anywhere after the 101) never make `receiveData()`/`receiveEof()` throw, and
 *    every failure is a typed ProtocolError with 1002, 1007 or 1009 (synchronous: returning is "never hangs").
 *
 * The server side compresses with node:zlib directly (`deflateRawSync`, one context per message:
 * `server_no_context_takeover` is in the answer), independent of src/node/zlib-codec.ts.
 */
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError, type SocklineError } from '../../src/errors.js';
import { createZlibCodec } from '../../src/node/zlib-codec.js';
import { ClientConnection } from '../../src/protocol/connection.js';
import { resolvePerMessageDeflate } from '../../src/protocol/permessage-deflate.js';
import { accept } from '../helpers/raw-server.js';
import { check, runs, testTimeout } from './settings.js';
import { chunk, chunkingArb } from './streams.js';

const sha1 = (input: string): Uint8Array => createHash('sha1').update(input).digest();
const codec = createZlibCodec();
const MAX_PAYLOAD = 256 * 1024;

interface Message {
  binary: boolean;
  bytes: Uint8Array;
  compressed: boolean;
  /** Frame payload size when fragmented (0: one frame). */
  fragment: number;
  /** A ping between the first two fragments. */
  ping: boolean;
}

/** Text as valid UTF-8 (compressible or not), binary as arbitrary bytes or a repeated pattern. */
const messageArb: fc.Arbitrary<Message> = fc
  .record({
    binary: fc.boolean(),
    text: fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.string({ maxLength: 20 }).map((s) => s.repeat(200)),
    ),
    raw: fc.uint8Array({ maxLength: 2000 }),
    compressed: fc.boolean(),
    fragment: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 700 })),
    ping: fc.boolean(),
  })
  .map(({ binary, text, raw, compressed, fragment, ping }) => ({
    binary,
    bytes: binary ? raw : new TextEncoder().encode(text),
    compressed,
    fragment,
    ping,
  }));

function header(first: boolean, fin: boolean, opcode: number, rsv1: boolean, length: number): Buffer {
  const b0 = (fin ? 0x80 : 0) | (rsv1 && first ? 0x40 : 0) | (first ? opcode : 0);
  if (length < 126) return Buffer.from([b0, length]);
  if (length <= 0xffff) return Buffer.from([b0, 126, length >> 8, length & 0xff]);
  const h = Buffer.alloc(10);
  h[0] = b0;
  h[1] = 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  return h;
}

/** The server's frames for `messages` (RFC 7692 §7.2.1: deflate, sync flush, 00 00 ff ff removed). */
function serverStream(messages: Message[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of messages) {
    let payload = Buffer.from(m.bytes);
    if (m.compressed) {
      const deflated = zlib.deflateRawSync(payload, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      payload = deflated.subarray(0, deflated.length - 4);
    }
    const opcode = m.binary ? 2 : 1;
    const size = m.fragment > 0 ? m.fragment : Math.max(payload.length, 1);
    let first = true;
    for (let start = 0; first || start < payload.length; start += size) {
      const piece = payload.subarray(start, start + size);
      const fin = start + size >= payload.length;
      parts.push(header(first, fin, opcode, m.compressed, piece.length), piece);
      if (first && !fin && m.ping) parts.push(Buffer.from([0x89, 2, 0x70, 0x69]));
      first = false;
    }
  }
  return Buffer.concat(parts);
}

interface Run {
  connection: ClientConnection;
  received: { binary: boolean; data: string | Uint8Array }[];
  feed(bytes: Uint8Array[]): void;
}

function connect(): Run {
  const received: Run['received'] = [];
  const connection = new ClientConnection(
    {
      url: new URL('ws://fuzz.test/x'),
      protocols: [],
      headers: {},
      origin: undefined,
      maxPayload: MAX_PAYLOAD,
      sha1,
      deflate: { settings: resolvePerMessageDeflate(true)!, codec },
    },
    { write: () => {}, end: () => {} },
    {
      onOpen: () => {},
      onMessage: (data, binary) => received.push({ data, binary }),
      onPing: () => {},
      onPong: () => {},
    },
  );
  connection.start();
  connection.receiveData(
    Buffer.from(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept(connection.key)}\r\n` +
        'Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n\r\n',
      'latin1',
    ),
  );
  expect(connection.state).toBe('open');
  return { connection, received, feed: (pieces) => pieces.forEach((p) => connection.receiveData(Uint8Array.from(p))) };
}

describe('permessage-deflate streams (fuzz)', () => {
  it(
    'valid compressed and uncompressed messages under any chunking parse to the same messages',
    () =>
      check(
        'deflate valid streams',
        fc.property(fc.array(messageArb, { maxLength: 8 }), chunkingArb(), (messages, chunking) => {
          const run = connect();
          run.feed(chunk(serverStream(messages), chunking));
          expect(run.connection.error).toBeUndefined();
          expect(run.received.length).toBe(messages.length);
          messages.forEach((m, i) => {
            const got = run.received[i];
            expect(got.binary).toBe(m.binary);
            if (m.binary) expect(Buffer.from(got.data as Uint8Array).equals(Buffer.from(m.bytes))).toBe(true);
            else expect(got.data).toBe(new TextDecoder().decode(m.bytes));
          });
        }),
        runs(150),
      ),
    testTimeout(60_000),
  );

  it(
    'mutated compressed frames never throw; failures are ProtocolErrors with 1002, 1007 or 1009',
    () =>
      check(
        'deflate mutated streams',
        fc.property(
          fc.array(
            messageArb.map((m) => ({ ...m, compressed: true })),
            { minLength: 1, maxLength: 5 },
          ),
          fc.array(
            fc.record({
              at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
              xor: fc.integer({ min: 1, max: 255 }),
            }),
            { minLength: 1, maxLength: 6 },
          ),
          chunkingArb(),
          fc.boolean(),
          (messages, mutations, chunking, eof) => {
            const stream = serverStream(messages);
            for (const { at, xor } of mutations) stream[Math.floor(at * stream.length)] ^= xor;
            const run = connect();
            run.feed(chunk(stream, chunking));
            if (eof) run.connection.receiveEof();
            const error: SocklineError | undefined = run.connection.error;
            if (error instanceof ProtocolError) expect([1002, 1007, 1009]).toContain(error.closeCode);
            else if (error !== undefined) expect(eof, `only EOF may fail otherwise: ${error.message}`).toBe(true);
            // Every message delivered is within maxPayload, inflated.
            for (const { data } of run.received)
              expect(typeof data === 'string' ? data.length : data.length).toBeLessThanOrEqual(MAX_PAYLOAD);
          },
        ),
        runs(200),
      ),
    testTimeout(60_000),
  );
});
