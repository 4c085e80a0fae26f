/**
 * fast-check arbitraries for what a server sends after the handshake: valid frame streams (messages cut into
 * fragments, pings and pongs between them, an optional close, bytes after it), then mutated at the frame level
 * (opcode, RSV bits, FIN, MASK, lying or non-minimal lengths, corrupted text, random close bodies) and at the
 * byte level (bit flips, overwritten bytes, truncation, insertion, extension). Frames are encoded by
 * test/helpers/frames.ts `frame()`, independently of src/.
 */
import fc from 'fast-check';
import { frame, type FrameSpec } from '../helpers/frames.js';

type Spec = FrameSpec & { payload: Uint8Array };

const textArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom('', 'κόσμε', '\ufeff€😀', '\u0000\u007f\u0080\u07ff\u0800\uffff\u{10000}\u{10ffff}'),
);

const controlArb = fc.record({
  opcode: fc.constantFrom(0x9, 0xa),
  payload: fc.oneof(
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: 12 }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 120, maxLength: 125 }) },
  ),
});

const messageArb = fc.record({
  text: fc.option(textArb, { nil: null }),
  binary: fc.oneof(
    { weight: 5, arbitrary: fc.uint8Array({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 120, maxLength: 400 }) },
  ),
  /** Fragment boundaries as fractions of the payload (duplicates make empty fragments). */
  cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
  /** Control frames after each fragment. */
  controls: fc.array(fc.option(controlArb, { nil: null, freq: 2 }), { maxLength: 5 }),
});

const closeArb = fc.record({
  code: fc.oneof(fc.constantFrom(1000, 1001, 1002, 1011, 3000, 4999), fc.integer({ min: 0, max: 65535 })),
  reason: fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.constant('')),
  empty: fc.boolean(),
});

/** A valid stream as frame specs: messages, controls between fragments, maybe a close, maybe bytes after it. */
export const streamArb: fc.Arbitrary<Spec[]> = fc
  .record({
    messages: fc.array(messageArb, { maxLength: 4 }),
    close: fc.option(closeArb, { nil: null }),
    after: fc.option(fc.uint8Array({ minLength: 1, maxLength: 8 }), { nil: null }),
  })
  .map(({ messages, close, after }) => {
    const specs: Spec[] = [];
    for (const m of messages) {
      const isText = m.text !== null;
      const payload = isText ? new TextEncoder().encode(m.text as string) : m.binary;
      const bounds = [0, ...m.cuts.map((c) => Math.floor(c * payload.length)).sort((a, b) => a - b), payload.length];
      for (let i = 0; i < bounds.length - 1; i++) {
        specs.push({
          opcode: i === 0 ? (isText ? 0x1 : 0x2) : 0x0,
          fin: i === bounds.length - 2,
          payload: payload.subarray(bounds[i], bounds[i + 1]),
        });
        const control = m.controls[i];
        if (control) specs.push({ opcode: control.opcode, payload: control.payload });
      }
    }
    if (close) {
      const reason = new TextEncoder().encode(close.reason);
      const body = close.empty ? new Uint8Array(0) : Uint8Array.from([close.code >> 8, close.code & 0xff, ...reason]);
      specs.push({ opcode: 0x8, payload: body });
      if (after) specs.push({ opcode: 0x1, payload: after });
    }
    return specs;
  });

const at = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

/**
 * A byte sequence at the boundaries of the well-formed UTF-8 table (Unicode table 3-7): a lead byte (or a stray
 * continuation) followed by 0-3 bytes at the edges of the continuation ranges. About half are valid.
 */
export const utf8EdgeArb: fc.Arbitrary<number[]> = fc
  .tuple(
    fc.constantFrom(
      0x41,
      0x7f,
      0x80,
      0xbf,
      0xc0,
      0xc1,
      0xc2,
      0xdf,
      0xe0,
      0xe1,
      0xec,
      0xed,
      0xee,
      0xef,
      0xf0,
      0xf1,
      0xf3,
      0xf4,
      0xf5,
      0xf8,
      0xff,
    ),
    fc.array(fc.constantFrom(0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0), { minLength: 3, maxLength: 3 }),
    fc.integer({ min: 0, max: 3 }),
  )
  .map(([lead, rest, count]) => [lead, ...rest.slice(0, count)]);

/** Text payloads made of valid characters and edge sequences, for the UTF-8 state machine. */
export const edgyTextArb: fc.Arbitrary<Uint8Array> = fc
  .array(
    fc.oneof(
      utf8EdgeArb,
      fc
        .constantFrom('a', 'é', '\u07ff', '\u0800', '€', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '😀', '\u{10ffff}')
        .map((c) => [...new TextEncoder().encode(c)]),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((tokens) => Uint8Array.from(tokens.flat()));

/** Frame-level mutations: each picks a frame by position and breaks one rule (or keeps it legal but unusual). */
const frameMutationArb = fc.oneof(
  fc.record({ kind: fc.constant('opcode' as const), frame: at, opcode: fc.integer({ min: 0, max: 15 }) }),
  fc.record({ kind: fc.constant('rsv' as const), frame: at, rsv: fc.integer({ min: 1, max: 7 }) }),
  fc.record({ kind: fc.constant('fin' as const), frame: at }),
  fc.record({ kind: fc.constant('mask' as const), frame: at }),
  fc.record({
    kind: fc.constant('length' as const),
    frame: at,
    // A lie about the length (the bytes that follow are then read as payload or header), in any encoding.
    length: fc.oneof(
      fc.integer({ min: 0, max: 300 }),
      fc.constantFrom(125, 126, 127, 65535, 65536, 2 ** 31, 2 ** 53, 2 ** 62, 2n ** 63n + 1n, 2n ** 64n - 1n),
    ),
  }),
  fc.record({ kind: fc.constant('form' as const), frame: at, form: fc.constantFrom(16 as const, 64 as const) }),
  fc.record({ kind: fc.constant('payloadByte' as const), frame: at, at, value: fc.integer({ min: 0x80, max: 0xff }) }),
  fc.record({ kind: fc.constant('closeBody' as const), body: fc.uint8Array({ maxLength: 6 }) }),
  // A sequence at the edges of the UTF-8 table (overlong, surrogate, > U+10FFFF, truncated) spliced into a payload.
  fc.record({ kind: fc.constant('utf8Edge' as const), frame: at, at, bytes: utf8EdgeArb }),
);

/** Byte-level mutations of the encoded stream. */
const byteMutationArb = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at, value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at }),
  fc.record({ kind: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 10 }) }),
  fc.record({ kind: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 30 }) }),
);

export type FrameMutation = typeof frameMutationArb extends fc.Arbitrary<infer T> ? T : never;
export type ByteMutation = typeof byteMutationArb extends fc.Arbitrary<infer T> ? T : never;

function applyFrameMutations(specs: Spec[], mutations: FrameMutation[]): FrameSpec[] {
  const out: FrameSpec[] = specs.map((s) => ({ ...s }));
  for (const m of mutations) {
    if (m.kind === 'closeBody') {
      const close = out.find((s) => s.opcode === 0x8);
      if (close) close.payload = m.body;
      else out.push({ opcode: 0x8, payload: m.body });
      continue;
    }
    if (out.length === 0) continue;
    const target = out[Math.floor(m.frame * out.length)];
    if (m.kind === 'opcode') target.opcode = m.opcode;
    else if (m.kind === 'rsv') target.rsv = m.rsv;
    else if (m.kind === 'fin') target.fin = !(target.fin ?? true);
    else if (m.kind === 'mask') target.masked = true;
    else if (m.kind === 'length') {
      target.lengthOverride = m.length;
      target.lengthForm = undefined;
    } else if (m.kind === 'form') {
      if (target.lengthOverride === undefined) target.lengthForm = m.form;
    } else if (m.kind === 'utf8Edge') {
      // Prefer a text frame (or its continuations); any frame otherwise.
      const texts = out.filter((s) => s.opcode === 0x1 || s.opcode === 0x0);
      const frame = texts.length ? texts[Math.floor(m.frame * texts.length)] : target;
      const payload = frame.payload as Uint8Array;
      const cut = Math.floor(m.at * (payload.length + 1));
      frame.payload = Uint8Array.from([...payload.subarray(0, cut), ...m.bytes, ...payload.subarray(cut)]);
    } else {
      const payload = Uint8Array.from(target.payload as Uint8Array);
      if (payload.length > 0) payload[Math.floor(m.at * payload.length)] = m.value;
      target.payload = payload;
    }
  }
  return out;
}

function applyByteMutations(input: Uint8Array, mutations: ByteMutation[]): Uint8Array {
  let bytes: Uint8Array = Uint8Array.from(input);
  for (const m of mutations) {
    if (m.kind === 'extend') {
      bytes = Buffer.concat([bytes, m.bytes]);
      continue;
    }
    if (bytes.length === 0) continue;
    const index = Math.floor(m.at * bytes.length);
    if (m.kind === 'flip') bytes[index] ^= 1 << m.bit;
    else if (m.kind === 'set') bytes[index] = m.value;
    else if (m.kind === 'truncate') bytes = bytes.subarray(0, index);
    else bytes = Buffer.concat([bytes.subarray(0, index), m.bytes, bytes.subarray(index)]);
  }
  return bytes;
}

export function encode(specs: FrameSpec[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(specs.map((s) => frame(s))));
}

/** A server byte stream: valid, or mutated at the frame and/or byte level (about 1 in 5 stays valid). */
export const serverBytesArb: fc.Arbitrary<Uint8Array> = fc
  .record({
    specs: streamArb,
    frameMutations: fc.oneof(
      { weight: 1, arbitrary: fc.constant<FrameMutation[]>([]) },
      { weight: 3, arbitrary: fc.array(frameMutationArb, { minLength: 1, maxLength: 3 }) },
    ),
    byteMutations: fc.oneof(
      { weight: 2, arbitrary: fc.constant<ByteMutation[]>([]) },
      { weight: 1, arbitrary: fc.array(byteMutationArb, { minLength: 1, maxLength: 3 }) },
    ),
  })
  .map(({ specs, frameMutations, byteMutations }) =>
    applyByteMutations(encode(applyFrameMutations(specs, frameMutations)), byteMutations),
  );

/** Limits to run with: small ones reach 1009 often; the default reaches it only through lying lengths. */
export const maxPayloadArb = fc.constantFrom(0, 16, 100, 1024, 64 * 1024, 100 * 1024 * 1024);

/** How a stream is cut into pushes or TCP writes: whole, at random points, or one byte each. */
export interface Chunking {
  mode: 'whole' | 'random' | 'bytes';
  /** Cut points as fractions of the length (mode 'random'). */
  cuts: number[];
}

export function chunkingArb(): fc.Arbitrary<Chunking> {
  return fc.oneof(
    fc.constant<Chunking>({ mode: 'whole', cuts: [] }),
    fc.record({ mode: fc.constant<Chunking['mode']>('random'), cuts: fc.array(at, { maxLength: 12 }) }),
    fc.constant<Chunking>({ mode: 'bytes', cuts: [] }),
  );
}

/** Splits `bytes` into chunks for a chunking drawn from `chunkingArb`. */
export function chunk(bytes: Uint8Array, chunking: Chunking): Uint8Array[] {
  if (chunking.mode === 'whole') return bytes.length ? [bytes] : [];
  if (chunking.mode === 'bytes') return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  const points = [...new Set(chunking.cuts.map((c) => Math.floor(c * bytes.length)))].filter((c) => c > 0).sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    if (point > start) out.push(bytes.subarray(start, point));
    start = point;
  }
  return out;
}
