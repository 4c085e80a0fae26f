/**
 * The node:zlib permessage-deflate codec: RFC 7692 §7.2.3 vectors, round trips checked against zlib's one-shot
 * API as an independent oracle, window bits, context takeover, the inflation bomb, corrupt data. Every test runs
 * on both implementations: the native handle (the default) and the documented one-shot fallback.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createZlibCodec, handleWorks } from '../../src/node/zlib-codec.js';
import { ProtocolError } from '../../src/errors.js';
import type { DeflateCodec, MessageInflater } from '../../src/protocol/deflate-codec.js';
import { hex, toHex } from '../helpers/hex.js';

const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const MiB = 1024 * 1024;

function protocolError(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return error as ProtocolError;
  }
  throw new Error('expected a ProtocolError');
}

/** The oracle: zlib's own one-shot inflate of a whole stream of messages (each followed by the tail). */
function oracleInflate(messages: Uint8Array[], windowBits = 15): Buffer {
  return zlib.inflateRawSync(Buffer.concat(messages.flatMap((m) => [Buffer.from(m), TAIL])), {
    windowBits,
    finishFlush: zlib.constants.Z_SYNC_FLUSH,
  });
}

/** A JSON-like message of about `size` bytes. */
function jsonLike(seed: number, size: number): Buffer {
  let out = '';
  for (let i = 0; out.length < size; i++)
    out += `{"seq":${seed * 1000 + i},"sym":"BTC-USD","px":"${(43000 + ((seed + i) % 97) / 100).toFixed(2)}"},`;
  return Buffer.from(out.slice(0, size));
}

/**
 * A compressed message of `mib` MiB of zeros, built without compressing that much: zlib (level 9) compresses 1 MiB of
 * zeros twice in one stream, sync-flushed after each; the second piece refers back only into zeros, so repeating it
 * continues the stream validly. About 1 KiB per MiB (DEFLATE's best ratio is about 1,032 : 1).
 */
async function bomb(mib: number): Promise<Uint8Array> {
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => parts.push(chunk));
  const zeros = Buffer.alloc(MiB);
  const piece = async (): Promise<Buffer> => {
    deflate.write(zeros);
    await new Promise<void>((resolve) => deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
    return Buffer.concat(parts.splice(0));
  };
  const first = await piece();
  const next = await piece();
  deflate.close();
  const stream = Buffer.concat([first, ...Array.from({ length: mib - 1 }, () => next)]);
  // Each piece ends with a sync flush's 00 00 ff ff: the inner ones are empty stored blocks, the last is removed.
  return new Uint8Array(stream.buffer, stream.byteOffset, stream.length - 4);
}

const MODES = ['handle', 'one-shot'] as const;

it('this Node has the native zlib handle (else the slower fallback runs)', () => {
  expect(handleWorks()).toBe(true);
});

describe.each(MODES)('zlib codec (%s)', (mode) => {
  const codec: DeflateCodec = createZlibCodec(mode);
  const inflater = (windowBits = 15, noContextTakeover = false): MessageInflater =>
    codec.createInflater({ windowBits, noContextTakeover });
  const deflater = (windowBits = 15, noContextTakeover = false, level = -1) =>
    codec.createDeflater({ windowBits, noContextTakeover, level, memLevel: 8 });

  describe('RFC 7692 §7.2.3 examples (inflate)', () => {
    it('§7.2.3.1 "Hello" in one compressed block: f2 48 cd c9 c9 07 00', () => {
      expect(text(inflater().inflate(hex('f2 48 cd c9 c9 07 00'), true, 100))).toBe('Hello');
    });

    it('§7.2.3.1 the same message in two fragments: f2 48 cd | c9 c9 07 00', () => {
      const i = inflater();
      const first = i.inflate(hex('f2 48 cd'), false, 100);
      const second = i.inflate(hex('c9 c9 07 00'), true, 100);
      expect(text(Buffer.concat([first, second]))).toBe('Hello');
    });

    it('§7.2.3.2 with context takeover the second "Hello" is f2 00 11 00 00', () => {
      const i = inflater();
      expect(text(i.inflate(hex('f2 48 cd c9 c9 07 00'), true, 100))).toBe('Hello');
      expect(text(i.inflate(hex('f2 00 11 00 00'), true, 100))).toBe('Hello');
    });

    it('§7.2.3.2 without context takeover each "Hello" stands alone, and a back-reference into the last message fails (1007)', () => {
      const i = inflater(15, true);
      expect(text(i.inflate(hex('f2 48 cd c9 c9 07 00'), true, 100))).toBe('Hello');
      expect(text(i.inflate(hex('f2 48 cd c9 c9 07 00'), true, 100))).toBe('Hello');
      const error = protocolError(() => i.inflate(hex('f2 00 11 00 00'), true, 100));
      expect(error.closeCode).toBe(1007);
      expect(error.message).toMatch(/^invalid compressed data/);
    });

    it('§7.2.3.3 a DEFLATE block with no compression: 00 05 00 fa ff 48 65 6c 6c 6f 00', () => {
      expect(text(inflater().inflate(hex('00 05 00 fa ff 48 65 6c 6c 6f 00'), true, 100))).toBe('Hello');
    });

    it('§7.2.3.4 a block with BFINAL set: f3 48 cd c9 c9 07 00 00, and the next message still inflates', () => {
      const i = inflater();
      expect(text(i.inflate(hex('f3 48 cd c9 c9 07 00 00'), true, 100))).toBe('Hello');
      expect(text(i.inflate(hex('f2 48 cd c9 c9 07 00'), true, 100))).toBe('Hello');
    });

    it('§7.2.3.5 two DEFLATE blocks in one message: f2 48 05 00 00 00 ff ff ca c9 c9 07 00', () => {
      expect(text(inflater().inflate(hex('f2 48 05 00 00 00 ff ff ca c9 c9 07 00'), true, 100))).toBe('Hello');
    });

    it('§7.2.3.6 an empty message (00), then more messages', () => {
      const i = inflater();
      expect(i.inflate(hex('00'), true, 100)).toHaveLength(0);
      expect(text(i.inflate(hex('f2 48 cd c9 c9 07 00'), true, 100))).toBe('Hello');
      expect(i.inflate(hex('00'), true, 100)).toHaveLength(0);
      expect(text(i.inflate(hex('f2 00 11 00 00'), true, 100))).toBe('Hello');
    });

    it('a zero-byte compressed payload is an empty message and leaves the context intact', () => {
      const i = inflater();
      expect(i.inflate(new Uint8Array(0), true, 100)).toHaveLength(0);
      expect(text(i.inflate(hex('f2 48 cd c9 c9 07 00'), true, 100))).toBe('Hello');
      expect(i.inflate(new Uint8Array(0), false, 100)).toHaveLength(0);
      expect(i.inflate(new Uint8Array(0), true, 100)).toHaveLength(0);
      expect(text(i.inflate(hex('f2 00 11 00 00'), true, 100))).toBe('Hello');
    });
  });

  describe('RFC 7692 §7.2.1 (deflate)', () => {
    it('"Hello" → f2 48 cd c9 c9 07 00, then f2 00 11 00 00 with context takeover', () => {
      const d = deflater();
      expect(toHex(d.deflate(Buffer.from('Hello')))).toBe('f248cdc9c90700');
      // The fallback compresses every message on its own (allowed for a client, RFC 7692 §7.1.1.2).
      expect(toHex(d.deflate(Buffer.from('Hello')))).toBe(mode === 'handle' ? 'f200110000' : 'f248cdc9c90700');
    });

    it('client_no_context_takeover: every "Hello" is f2 48 cd c9 c9 07 00', () => {
      const d = deflater(15, true);
      for (let i = 0; i < 3; i++) expect(toHex(d.deflate(Buffer.from('Hello')))).toBe('f248cdc9c90700');
    });

    it('an empty message is the single byte 00 (§7.2.3.6), first or after another message', () => {
      const d = deflater();
      expect(toHex(d.deflate(new Uint8Array(0)))).toBe('00');
      d.deflate(Buffer.from('Hello'));
      expect(toHex(d.deflate(new Uint8Array(0)))).toBe('00');
      expect(toHex(d.deflate(new Uint8Array(0)))).toBe('00');
    });

    it('the tail 00 00 ff ff is removed: the output never ends with it', () => {
      const d = deflater();
      for (const size of [1, 100, 70_000, 300_000]) {
        const out = d.deflate(randomBytes(size));
        expect(toHex(out.subarray(-4))).not.toBe('0000ffff');
      }
    });
  });

  describe('round trips, checked against zlib one-shot inflate', () => {
    it.each([
      [15, false],
      [15, true],
      [12, false],
      [9, false],
      [8, false],
      [8, true],
    ])('window bits %i, no context takeover %s: JSON-like, random and empty messages, 0 B to 3 MiB', (bits, noContext) => {
      const d = deflater(bits, noContext);
      const i = inflater(bits, noContext);
      const messages = [
        jsonLike(1, 1024),
        jsonLike(2, 1024),
        new Uint8Array(0),
        randomBytes(5000),
        jsonLike(3, 70_000),
        Buffer.alloc(3 * MiB, 7),
        jsonLike(4, 300),
      ];
      const compressed: Uint8Array[] = [];
      for (const message of messages) {
        const payload = d.deflate(message).slice(); // the handle's output is a view of a reused buffer
        compressed.push(payload);
        const back = i.inflate(payload, true, 4 * MiB);
        expect(Buffer.compare(Buffer.from(back), Buffer.from(message))).toBe(0);
      }
      expect(Buffer.compare(oracleInflate(compressed, bits), Buffer.concat(messages))).toBe(0);
    });

    it('property: any messages, any fragmentation of the compressed payloads, inflate to the same bytes', () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(3000), { maxLength: 4 })), {
            minLength: 1,
            maxLength: 6,
          }),
          fc.boolean(),
          (items, noContext) => {
            const d = deflater(15, noContext, 1);
            const i = inflater(15, noContext);
            for (const [message, cuts] of items) {
              const payload = d.deflate(message).slice();
              const edges = [...new Set(cuts.map((c) => c % (payload.length + 1)))].sort((a, b) => a - b);
              const parts: Uint8Array[] = [];
              let from = 0;
              for (const edge of [...edges, payload.length]) {
                parts.push(i.inflate(payload.subarray(from, edge), edge === payload.length, 10_000));
                from = edge;
              }
              expect(Buffer.compare(Buffer.concat(parts), Buffer.from(message))).toBe(0);
            }
          },
        ),
        { numRuns: 60 },
      );
    });

    it('ws can read what we compress, and we can read what ws compresses (context takeover, 3 messages)', async () => {
      // ws's own permessage-deflate (not in its package exports: loaded by path).
      const require = createRequire(import.meta.url);
      const PerMessageDeflate = require(join(dirname(require.resolve('ws')), 'lib', 'permessage-deflate.js')) as new (
        options: object,
        isServer: boolean,
      ) => WsPmd;
      interface WsPmd {
        accept(offers: object[]): object;
        decompress(data: Buffer, fin: boolean, cb: (error: Error | null, result?: Buffer) => void): void;
        compress(data: Buffer, fin: boolean, cb: (error: Error | null, result?: Buffer) => void): void;
        cleanup(): void;
      }
      const server = new PerMessageDeflate({}, true);
      server.accept([{}]);
      const d = deflater();
      const i = inflater();
      const call = (fn: (cb: (error: Error | null, result?: Buffer) => void) => void): Promise<Buffer> =>
        new Promise((resolve, reject) => fn((error, result) => (error ? reject(error) : resolve(result as Buffer))));
      for (const message of [jsonLike(1, 2000), jsonLike(2, 2000), jsonLike(3, 200_000)]) {
        const ours = Buffer.from(d.deflate(message));
        expect(Buffer.compare(await call((cb) => server.decompress(ours, true, cb)), message)).toBe(0);
        const theirs = await call((cb) => server.compress(message, true, cb));
        expect(Buffer.compare(Buffer.from(i.inflate(theirs, true, MiB)), message)).toBe(0);
      }
      server.cleanup();
    });
  });

  describe('window bits', () => {
    /** Random 200-byte blocks, each repeated `distance` bytes later: compressible only with a window > distance. */
    function repeatsAt(distance: number): Buffer {
      const parts: Buffer[] = [];
      for (let i = 0; i < 20; i++) {
        const block = randomBytes(200);
        parts.push(block, randomBytes(distance - 200), block);
      }
      return Buffer.concat(parts);
    }

    it('an 8-bit window is honoured: zlib deflates with 9 bits but never reaches back more than 250 bytes', () => {
      const message = repeatsAt(240);
      const payload = deflater(8).deflate(message).slice();
      // An 8-bit (256 B) inflater, the window the server announced, reads it.
      expect(Buffer.compare(oracleInflate([payload], 8), message)).toBe(0);
      expect(Buffer.compare(Buffer.from(inflater(8).inflate(payload, true, MiB)), message)).toBe(0);
    });

    it('a 15-bit deflater uses distances a 10-bit inflater cannot follow: 1007', () => {
      const message = repeatsAt(4000);
      const payload = zlib.deflateRawSync(message, { windowBits: 15, finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, -4);
      expect(Buffer.from(inflater(15).inflate(payload, true, MiB)).equals(message)).toBe(true);
      expect(protocolError(() => inflater(10).inflate(payload, true, MiB)).closeCode).toBe(1007);
    });

    it('a smaller window compresses long-distance repeats worse (the setting reaches zlib)', () => {
      const message = repeatsAt(4000);
      expect(deflater(15).deflate(message).length).toBeLessThan(deflater(10).deflate(message).length);
    });
  });

  describe('limits and bad data', () => {
    it('maxPayload applies to the inflated size: exactly the limit passes, one byte more is 1009', () => {
      const message = Buffer.alloc(10_000, 'a');
      const payload = deflater().deflate(message).slice();
      expect(inflater().inflate(payload, true, 10_000)).toHaveLength(10_000);
      const error = protocolError(() => inflater().inflate(payload, true, 9_999));
      expect(error.closeCode).toBe(1009);
      expect(error.message).toBe('message too big - over 9999 bytes inflated - max payload 9999');
      expect(error.reason).toBe('message-too-big');
    });

    it('the limit counts every fragment of the message', () => {
      const payload = deflater().deflate(Buffer.alloc(10_000, 'a')).slice();
      const i = inflater();
      const half = payload.length >> 1;
      expect(() => {
        i.inflate(payload.subarray(0, half), false, 9_000);
        i.inflate(payload.subarray(half), true, 9_000);
      }).toThrow(ProtocolError);
    });

    it('the limit starts again with every message', () => {
      const d = deflater();
      const i = inflater();
      for (let n = 0; n < 5; n++) expect(i.inflate(d.deflate(Buffer.alloc(900, n)).slice(), true, 1000)).toHaveLength(900);
    });

    it('a bomb: 2 MiB that would inflate to 2 GiB, limit 1 MiB → 1009, with RSS growing by less than 64 MiB', async () => {
      const payload = await bomb(2048);
      expect(payload.length).toBeLessThan(2.5 * MiB);
      // The bomb is real: a 3 MiB version inflates, by the oracle, to 3 MiB of zeros.
      const small = oracleInflate([await bomb(3)]);
      expect(small.length).toBe(3 * MiB);
      expect(small.every((byte) => byte === 0)).toBe(true);
      globalThis.gc?.();
      const before = process.memoryUsage().rss;
      const error = protocolError(() => inflater().inflate(payload, true, MiB));
      const grown = process.memoryUsage().rss - before;
      expect(error.closeCode).toBe(1009);
      expect(grown).toBeLessThan(64 * MiB);
    });

    it('corrupt data is 1007, and the inflater is closed (no error event escapes later)', async () => {
      const i = inflater();
      const error = protocolError(() => i.inflate(hex('ff ff ff ff 00 01 02'), true, 100));
      expect(error.closeCode).toBe(1007);
      expect(error.message).toMatch(/^invalid compressed data: /);
      await new Promise((resolve) => setTimeout(resolve, 20));
    });

    it('property: arbitrary bytes never throw anything but a ProtocolError 1007/1009', async () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, fin) => {
          const i = inflater();
          try {
            i.inflate(bytes, fin, 10_000);
            if (!fin) i.inflate(new Uint8Array(0), true, 10_000);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
            expect([1007, 1009]).toContain((error as ProtocolError).closeCode);
          }
          i.close();
        }),
        { numRuns: 400 },
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    });

    it('property: mutated compressed messages never throw anything but a ProtocolError', () => {
      const payload = deflater().deflate(jsonLike(9, 3000)).slice();
      fc.assert(
        fc.property(fc.nat(payload.length - 1), fc.integer({ min: 1, max: 255 }), (at, flip) => {
          const mutated = payload.slice();
          mutated[at] ^= flip;
          try {
            inflater().inflate(mutated, true, 10_000);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('resources', () => {
    it('no zlib context before the first message, one after it, none after close(); usable again after close()', () => {
      const i = inflater() as MessageInflater & { allocated: boolean };
      const d = deflater() as ReturnType<typeof deflater> & { allocated: boolean };
      expect(i.allocated).toBe(false);
      expect(d.allocated).toBe(false);
      const payload = d.deflate(jsonLike(1, 2000)).slice();
      i.inflate(payload, true, MiB);
      if (mode === 'handle') {
        expect(d.allocated).toBe(true);
        expect(i.allocated).toBe(true);
      }
      i.close();
      d.close();
      i.close();
      expect(i.allocated).toBe(false);
      expect(d.allocated).toBe(false);
      expect(toHex(d.deflate(Buffer.from('Hello')))).toBe('f248cdc9c90700');
      expect(text(i.inflate(hex('f2 48 cd c9 c9 07 00'), true, 100))).toBe('Hello');
    });

    it('inflated output is owned by the caller: later messages do not overwrite it', () => {
      const d = deflater();
      const i = inflater();
      const first = i.inflate(d.deflate(Buffer.from('first message')).slice(), true, 100);
      i.inflate(d.deflate(Buffer.from('second message')).slice(), true, 100);
      expect(text(first)).toBe('first message');
    });
  });
});

it("'handle' mode is refused where the handle does not work; 'auto' picks it here", () => {
  expect(() => createZlibCodec('handle')).not.toThrow();
  const auto = createZlibCodec('auto').createDeflater({ windowBits: 15, noContextTakeover: false, level: -1, memLevel: 8 });
  auto.deflate(Buffer.from('Hello'));
  // Context takeover shows the handle is in use (the fallback would repeat f248cdc9c90700).
  expect(toHex(auto.deflate(Buffer.from('Hello')))).toBe('f200110000');
});
