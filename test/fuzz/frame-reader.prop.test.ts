/**
 * FrameReader against the reference model (test/fuzz/model.ts) on valid and mutated server streams, under any
 * chunking: same events, same failure code, failure at the exact byte (one byte per push), nothing but a
 * ProtocolError ever thrown, and nothing read after a failure or a Close frame.
 *
 * test/protocol/frame-reader.prop.test.ts checks that chunking does not change the outcome; this one checks the
 * outcome itself against an independent oracle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { FrameReader } from '../../src/protocol/frame-reader.js';
import { model, toHex, type ModelEvent } from './model.js';
import { check, runs, testTimeout } from './settings.js';
import { chunk, chunkingArb, edgyTextArb, encode, maxPayloadArb, serverBytesArb } from './streams.js';

interface ReaderRun {
  events: ModelEvent[];
  failure: number | null;
  /** Index of the last byte of the chunk whose push threw. */
  failAt: number;
  /** Anything other than a ProtocolError that escaped push(). */
  unexpected: unknown;
}

function read(bytes: Uint8Array, chunks: Uint8Array[], maxPayload: number): ReaderRun & { reader: FrameReader } {
  const events: ModelEvent[] = [];
  const reader = new FrameReader(
    {
      onMessage: (data, binary) =>
        events.push(binary ? { type: 'binary', hex: toHex(data as Uint8Array) } : { type: 'text', data: data as string }),
      onPing: (payload) => events.push({ type: 'ping', hex: toHex(payload) }),
      onPong: (payload) => events.push({ type: 'pong', hex: toHex(payload) }),
      onClose: (code, reason) => events.push({ type: 'close', code, reason }),
    },
    { maxPayload },
  );
  let offset = 0;
  for (const piece of chunks) {
    // Copies: the reader may keep views of what it was given, and the stream is reused.
    offset += piece.length;
    try {
      reader.push(Uint8Array.from(piece));
    } catch (error) {
      if (!(error instanceof ProtocolError)) return { reader, events, failure: null, failAt: -1, unexpected: error };
      return { reader, events, failure: error.closeCode, failAt: offset - 1, unexpected: undefined };
    }
  }
  void bytes;
  return { reader, events, failure: null, failAt: -1, unexpected: undefined };
}

describe('FrameReader vs the reference model', () => {
  it(
    'reports what the model reports and fails with its code, at its byte, under any chunking',
    async () => {
      const outcomes = new Set<string>();
      await check(
        'model agreement',
        fc.property(serverBytesArb, maxPayloadArb, chunkingArb(), (bytes, maxPayload, chunking) => {
          const expected = model(bytes, maxPayload);
          const actual = read(bytes, chunk(bytes, chunking), maxPayload);
          expect(actual.unexpected, 'only ProtocolError may escape push()').toBeUndefined();
          expect(actual.events).toEqual(expected.events);
          expect(actual.failure).toBe(expected.failure);
          if (chunking.mode === 'bytes' && expected.failure !== null) {
            expect(actual.failAt, 'fails at the byte that makes the stream invalid').toBe(expected.failAt);
          }
          if (actual.failure !== null || expected.closed) {
            // Failed or closed: everything after is ignored, without a throw.
            const before = actual.events.length;
            actual.reader.push(Uint8Array.of(0x81, 0x01, 0x41, 0x89, 0x00));
            expect(actual.events.length).toBe(before);
          } else {
            expect(actual.reader.inMessage, 'inMessage matches an unfinished frame or message').toBe(expected.incomplete);
          }
          outcomes.add(expected.closed ? 'close' : String(expected.failure));
        }),
        runs(600),
      );
      // Not vacuous: the generator reaches every outcome.
      expect([...outcomes].sort()).toEqual(['1002', '1007', '1009', 'close', 'null']);
    },
    testTimeout(30_000),
  );

  it(
    'text at the edges of the UTF-8 table, in random fragments, one byte per push: fails with 1007 at the exact byte',
    async () => {
      const outcomes = new Set<string>();
      await check(
        'utf-8 edges',
        fc.property(edgyTextArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }), (text, cuts) => {
          const bounds = [0, ...cuts.map((c) => Math.floor(c * text.length)).sort((a, b) => a - b), text.length];
          const bytes = encode(
            bounds.slice(1).map((end, i) => ({
              opcode: i === 0 ? 0x1 : 0x0,
              fin: i === bounds.length - 2,
              payload: text.subarray(bounds[i], end),
            })),
          );
          const expected = model(bytes, 1024);
          const actual = read(bytes, chunk(bytes, { mode: 'bytes', cuts: [] }), 1024);
          expect(actual.unexpected).toBeUndefined();
          expect(actual.events).toEqual(expected.events);
          expect(actual.failure).toBe(expected.failure);
          expect(actual.failAt, 'fails at the byte that makes the text invalid').toBe(expected.failAt);
          outcomes.add(String(expected.failure));
        }),
        runs(1_000),
      );
      expect([...outcomes].sort()).toEqual(['1007', 'null']);
    },
    testTimeout(30_000),
  );

  it(
    'random bytes: only ProtocolError 1002/1007/1009, as the model says',
    async () => {
      await check(
        'random bytes',
        fc.property(fc.uint8Array({ maxLength: 64 }), maxPayloadArb, chunkingArb(), (bytes, maxPayload, chunking) => {
          const expected = model(bytes, maxPayload);
          const actual = read(bytes, chunk(bytes, chunking), maxPayload);
          expect(actual.unexpected).toBeUndefined();
          expect(actual.events).toEqual(expected.events);
          expect(actual.failure).toBe(expected.failure);
        }),
        runs(400),
      );
    },
    testTimeout(30_000),
  );
});
