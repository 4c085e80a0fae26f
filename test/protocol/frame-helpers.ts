/**
 * Test helpers for the FrameReader tests (recording reader, every-split pushes, ProtocolError checks). The frame
 * builder, the client-frame decoder and the hex helpers live in test/helpers/ (frames.ts, hex.ts); they are
 * re-exported here so existing imports keep working.
 */
import { expect } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { FrameReader, type FrameReaderOptions } from '../../src/protocol/frame-reader.js';
import { decodeFrame, frame as buildFrame } from '../helpers/frames.js';
import { toHex } from '../helpers/hex.js';

export { decodeFrame, decodeFrames, naiveMask } from '../helpers/frames.js';
export { hex, toHex } from '../helpers/hex.js';

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * @deprecated Kept for tests written against the old positional form; use `frame({ opcode, payload, fin, ... })`
 * from test/helpers/frames.ts.
 */
export function frame(
  opcode: number,
  payload: Uint8Array = new Uint8Array(0),
  spec: { fin?: boolean; rsv1?: boolean; rsv2?: boolean; rsv3?: boolean; mask?: Uint8Array; lengthForm?: 7 | 16 | 64 } = {},
): Uint8Array {
  const rsv = (spec.rsv1 ? 4 : 0) | (spec.rsv2 ? 2 : 0) | (spec.rsv3 ? 1 : 0);
  return buildFrame({
    opcode,
    payload,
    rsv,
    fin: spec.fin,
    masked: !!spec.mask,
    maskKey: spec.mask,
    lengthForm: spec.lengthForm,
  });
}

/**
 * @deprecated Kept for tests written against the old shape; use `decodeFrame()` from test/helpers/frames.ts.
 * One complete client frame (nothing may trail it), with RSV bits as booleans and the header size.
 */
export function parseClientFrame(bytes: Uint8Array) {
  const decoded = decodeFrame(bytes);
  expect(decoded?.size).toBe(bytes.length);
  const { frame: f } = decoded!;
  return {
    fin: f.fin,
    rsv1: (f.rsv & 4) !== 0,
    rsv2: (f.rsv & 2) !== 0,
    rsv3: (f.rsv & 1) !== 0,
    opcode: f.opcode,
    masked: f.masked,
    mask: f.maskKey ?? new Uint8Array(4),
    payload: f.payload,
    headerSize: bytes.length - f.payload.length,
  };
}

export type ReaderEvent =
  | { type: 'text'; data: string }
  | { type: 'binary'; data: string /* hex */ }
  | { type: 'compressed'; binary: boolean; data: string /* hex */ }
  | { type: 'ping'; data: string }
  | { type: 'pong'; data: string }
  | { type: 'close'; code: number; reason: string; data: string };

/** A FrameReader whose handler records everything as plain comparable values. */
export function recordingReader(options: Partial<FrameReaderOptions> = {}): {
  reader: FrameReader;
  events: ReaderEvent[];
} {
  const events: ReaderEvent[] = [];
  const reader = new FrameReader(
    {
      onMessage(data, binary, compressed) {
        if (compressed) events.push({ type: 'compressed', binary, data: toHex(data as Uint8Array) });
        else if (binary) {
          expect(data).toBeInstanceOf(Uint8Array);
          events.push({ type: 'binary', data: toHex(data as Uint8Array) });
        } else {
          expect(typeof data).toBe('string');
          events.push({ type: 'text', data: data as string });
        }
      },
      onPing: (payload) => events.push({ type: 'ping', data: toHex(payload) }),
      onPong: (payload) => events.push({ type: 'pong', data: toHex(payload) }),
      onClose: (code, reason, payload) => events.push({ type: 'close', code, reason, data: toHex(payload) }),
    },
    { maxPayload: 1024 * 1024, ...options },
  );
  return { reader, events };
}

/** Push `bytes` cut at the given offsets (each chunk a fresh copy, as a socket would deliver). */
export function pushSplit(reader: FrameReader, bytes: Uint8Array, cuts: number[]): void {
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    reader.push(bytes.slice(start, cut));
    start = cut;
  }
}

/** Every cut list to try on a stream: one byte at a time and every 2-way split. */
export function* allSplits(length: number): Generator<number[]> {
  yield Array.from({ length: Math.max(0, length - 1) }, (_, i) => i + 1);
  for (let cut = 0; cut <= length; cut++) yield [cut];
}

/** Runs `fn`, expects a ProtocolError with `closeCode`, returns it. */
export function expectProtocolError(fn: () => void, closeCode: number): ProtocolError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  const error = caught as ProtocolError;
  expect(error.closeCode).toBe(closeCode);
  // It travels as a close reason: short, lower-case ASCII.
  expect(error.message).toMatch(/^[a-z0-9 -]{1,123}$/);
  return error;
}
