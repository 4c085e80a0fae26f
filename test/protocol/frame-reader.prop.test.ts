import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { Opcode } from '../../src/protocol/constants.js';
import { frame } from '../helpers/frames.js';
import { toHex } from '../helpers/hex.js';
import { concat, pushSplit, recordingReader, utf8, type ReaderEvent } from './frame-helpers.js';

const MAX_PAYLOAD = 4096;

type Control = { opcode: typeof Opcode.Ping | typeof Opcode.Pong; payload: Uint8Array };

interface MessageSpec {
  text: string | null;
  binary: Uint8Array;
  /** Fraction positions (0..1) at which the payload is cut into fragments. */
  cuts: number[];
  /** Control frames to insert after fragment i (only between fragments and after the message). */
  controls: Array<Control | null>;
}

const controlArb: fc.Arbitrary<Control> = fc.record({
  opcode: fc.constantFrom(Opcode.Ping, Opcode.Pong),
  payload: fc.uint8Array({ maxLength: 125 }),
});

const messageArb: fc.Arbitrary<MessageSpec> = fc.record({
  text: fc.option(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.constant('\ufeff€😀'),
    ),
    { nil: null },
  ),
  binary: fc.uint8Array({ maxLength: 300 }),
  cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }),
  controls: fc.array(fc.option(controlArb, { nil: null, freq: 3 }), { maxLength: 6 }),
});

const closeArb = fc.option(
  fc.record({ code: fc.constantFrom(1000, 1001, 1011, 3000, 4999), reason: fc.string({ unit: 'binary', maxLength: 20 }) }),
  { nil: null },
);

/** Builds the bytes a server would send for `messages` and the events a client must see. */
interface FrameInfo {
  /** Offset of byte 0 of the frame in the stream. */
  start: number;
  /** Offset of the payload. */
  payloadStart: number;
  payloadLength: number;
  text: boolean;
}

function buildStream(
  messages: MessageSpec[],
  close: { code: number; reason: string } | null,
): {
  bytes: Uint8Array;
  expected: ReaderEvent[];
  frames: FrameInfo[];
} {
  const parts: Uint8Array[] = [];
  const expected: ReaderEvent[] = [];
  const frames: FrameInfo[] = [];
  let offset = 0;
  const add = (bytes: Uint8Array, payloadLength: number, text: boolean): void => {
    frames.push({ start: offset, payloadStart: offset + bytes.length - payloadLength, payloadLength, text });
    parts.push(bytes);
    offset += bytes.length;
  };
  for (const message of messages) {
    const isText = message.text !== null;
    const payload = isText ? utf8(message.text as string) : message.binary;
    // Fragments may be empty: the cuts are not deduplicated and may fall at 0 or at the end.
    const bounds = [0, ...message.cuts.map((c) => Math.floor(c * payload.length)).sort((a, b) => a - b), payload.length];
    const fragmentCount = bounds.length - 1;
    const controlsAfter: ReaderEvent[] = [];
    for (let i = 0; i < fragmentCount; i++) {
      const start = bounds[i];
      const end = bounds[i + 1];
      const fin = i === fragmentCount - 1;
      add(
        frame({
          opcode: i === 0 ? (isText ? Opcode.Text : Opcode.Binary) : Opcode.Continuation,
          payload: payload.subarray(start, end),
          fin,
        }),
        end - start,
        isText,
      );
      const control = message.controls[i];
      if (control) {
        add(frame({ opcode: control.opcode, payload: control.payload }), control.payload.length, false);
        const event: ReaderEvent = { type: control.opcode === Opcode.Ping ? 'ping' : 'pong', data: toHex(control.payload) };
        // A control frame after the last fragment comes after the message; between fragments it comes first.
        if (fin) controlsAfter.push(event);
        else expected.push(event);
      }
    }
    expected.push(isText ? { type: 'text', data: message.text as string } : { type: 'binary', data: toHex(payload) });
    expected.push(...controlsAfter);
  }
  if (close) {
    // At most 20 code points: 80 bytes of UTF-8, within a control frame.
    const body = concat(Uint8Array.of(close.code >> 8, close.code & 0xff), utf8(close.reason));
    add(frame({ opcode: Opcode.Close, payload: body }), body.length, false);
    expected.push({ type: 'close', code: close.code, reason: close.reason, data: toHex(body) });
    parts.push(Uint8Array.of(0x81, 0x01, 0x41)); // ignored: nothing after close
  }
  return { bytes: concat(...parts), expected, frames };
}

/** Sorted distinct cut points inside [1, length). */
function cutsArb(maxCuts: number): fc.Arbitrary<number[]> {
  return fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: maxCuts });
}

function toCuts(fractions: number[], length: number): number[] {
  return [...new Set(fractions.map((f) => Math.floor(f * length)))].filter((c) => c > 0 && c < length).sort((a, b) => a - b);
}

type Outcome = { events: ReaderEvent[]; closeCode: number | null };

function run(bytes: Uint8Array, cuts: number[]): Outcome {
  const { reader, events } = recordingReader({ maxPayload: MAX_PAYLOAD });
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    try {
      reader.push(bytes.slice(start, cut));
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      return { events, closeCode: error.closeCode };
    }
    start = cut;
  }
  return { events, closeCode: null };
}

describe('FrameReader properties', () => {
  it('random valid streams parse to exactly the same messages under any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { maxLength: 6 }),
        closeArb,
        cutsArb(12),
        fc.boolean(),
        (messages, close, fractions, oneByte) => {
          const { bytes, expected } = buildStream(messages, close);
          const cuts = oneByte
            ? Array.from({ length: Math.max(0, bytes.length - 1) }, (_, i) => i + 1)
            : toCuts(fractions, bytes.length);
          const { reader, events } = recordingReader({ maxPayload: MAX_PAYLOAD });
          pushSplit(reader, bytes, cuts);
          expect(events).toEqual(expected);
          expect(reader.inMessage).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  const mutationArb = fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
    fc.record({
      kind: fc.constant('byte' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      value: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({
      kind: fc.constant('opcode' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      value: fc.integer({ min: 0, max: 15 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
    // Aimed at one frame: a 16- or 64-bit length over whatever follows (often too big: 1009, or a set MSB: 1002).
    fc.record({
      kind: fc.constant('length' as const),
      frame: fc.double({ min: 0, max: 1, noNaN: true }),
      value: fc.constantFrom(126, 127),
    }),
    // Aimed at a text payload: a byte that is not ASCII (often invalid UTF-8: 1007).
    fc.record({
      kind: fc.constant('utf8' as const),
      frame: fc.double({ min: 0, max: 1, noNaN: true }),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      value: fc.integer({ min: 0x80, max: 0xff }),
    }),
    fc.record({ kind: fc.constant('extend' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      extra: fc.uint8Array({ minLength: 1, maxLength: 12 }),
    }),
  );

  type Mutation = typeof mutationArb extends fc.Arbitrary<infer T> ? T : never;

  function mutate(input: Uint8Array, frames: FrameInfo[], mutations: Mutation[]): Uint8Array {
    let bytes: Uint8Array = input.slice();
    // Targeted mutations first, while the frame offsets still hold.
    for (const m of mutations) {
      if (m.kind === 'length') {
        const target = frames[Math.floor(m.frame * frames.length)];
        if (target) bytes[target.start + 1] = m.value;
      } else if (m.kind === 'utf8') {
        const texts = frames.filter((f) => f.text && f.payloadLength > 0);
        const target = texts[Math.floor(m.frame * texts.length)];
        if (target) bytes[target.payloadStart + Math.floor(m.at * target.payloadLength)] = m.value;
      }
    }
    for (const m of mutations) {
      const index = 'at' in m ? Math.min(bytes.length - 1, Math.floor(m.at * bytes.length)) : 0;
      if (m.kind === 'length' || m.kind === 'utf8') continue;
      if (m.kind === 'extend') bytes = concat(bytes, m.extra);
      else if (bytes.length === 0) continue;
      else if (m.kind === 'flip') bytes[index] ^= 1 << m.bit;
      else if (m.kind === 'byte') bytes[index] = m.value;
      else if (m.kind === 'opcode') bytes[index] = (bytes[index] & 0xf0) | m.value;
      else if (m.kind === 'truncate') bytes = bytes.slice(0, index);
      else bytes = concat(bytes.subarray(0, index), m.extra, bytes.subarray(index));
    }
    return bytes;
  }

  it('mutated streams only ever fail with ProtocolError 1002/1007/1009, the same way under any chunking', () => {
    const seen = new Set<number | null>();
    fc.assert(
      fc.property(
        fc.array(messageArb, { minLength: 1, maxLength: 4 }),
        closeArb,
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        cutsArb(10),
        (messages, close, mutations, fractions) => {
          const stream = buildStream(messages, close);
          const bytes = mutate(stream.bytes, stream.frames, mutations);
          const whole = run(bytes, []);
          seen.add(whole.closeCode);
          if (whole.closeCode !== null) expect([1002, 1007, 1009]).toContain(whole.closeCode);
          // Fail-fast or not, the outcome does not depend on how the bytes were chunked.
          expect(run(bytes, toCuts(fractions, bytes.length))).toEqual(whole);
        },
      ),
      { numRuns: 400 },
    );
    // The mutations reach every outcome (each shows up 10-40 times in 400 runs), so the property is not vacuous.
    expect([...seen].sort()).toEqual([1002, 1007, 1009, null]);
  });

  it('random bytes only ever fail with ProtocolError 1002/1007/1009', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), cutsArb(6), (bytes, fractions) => {
        const whole = run(bytes, []);
        if (whole.closeCode !== null) expect([1002, 1007, 1009]).toContain(whole.closeCode);
        expect(run(bytes, toCuts(fractions, bytes.length))).toEqual(whole);
      }),
      { numRuns: 400 },
    );
  });
});
