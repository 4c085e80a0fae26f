/**
 * Test helpers for the framing layer. They are written independently of the code under test:
 * frames are built and unmasked byte by byte here, the naive way.
 */
import { expect } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import { FrameReader, type FrameReaderOptions } from '../../src/protocol/frame-reader.js';

export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

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

/** Byte-by-byte XOR, straight from RFC 6455 §5.3 ("j = i MOD 4"). */
export function naiveMask(data: Uint8Array, mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] ^ mask[i % 4];
  return out;
}

export interface FrameSpec {
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  mask?: Uint8Array;
  /** Force a length encoding (to test non-minimal forms). */
  lengthForm?: 7 | 16 | 64;
}

/** A frame as a server would send it (unmasked unless `mask` is given). */
export function frame(opcode: number, payload: Uint8Array = new Uint8Array(0), spec: FrameSpec = {}): Uint8Array {
  const { fin = true, rsv1 = false, rsv2 = false, rsv3 = false, mask } = spec;
  const len = payload.length;
  const form = spec.lengthForm ?? (len < 126 ? 7 : len < 65536 ? 16 : 64);
  const header: number[] = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | (rsv2 ? 0x20 : 0) | (rsv3 ? 0x10 : 0) | opcode];
  const maskBit = mask ? 0x80 : 0;
  if (form === 7) header.push(maskBit | len);
  else if (form === 16) header.push(maskBit | 126, (len >> 8) & 0xff, len & 0xff);
  else {
    header.push(maskBit | 127);
    const big = BigInt(len);
    for (let shift = 56n; shift >= 0n; shift -= 8n) header.push(Number((big >> shift) & 0xffn));
  }
  if (mask) header.push(...mask);
  return concat(Uint8Array.from(header), mask ? naiveMask(payload, mask) : payload);
}

export interface ParsedClientFrame {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  mask: Uint8Array;
  payload: Uint8Array;
  /** Bytes of the header, including the mask. */
  headerSize: number;
}

/** Reference parser for one complete client frame; unmasks with `naiveMask`. */
export function parseClientFrame(bytes: Uint8Array): ParsedClientFrame {
  const b0 = bytes[0];
  const b1 = bytes[1];
  let len = b1 & 0x7f;
  let at = 2;
  if (len === 126) {
    len = (bytes[2] << 8) | bytes[3];
    at = 4;
  } else if (len === 127) {
    let big = 0n;
    for (let i = 2; i < 10; i++) big = (big << 8n) | BigInt(bytes[i]);
    len = Number(big);
    at = 10;
  }
  const masked = (b1 & 0x80) !== 0;
  const mask = masked ? bytes.slice(at, at + 4) : new Uint8Array(4);
  if (masked) at += 4;
  const body = bytes.subarray(at);
  expect(body.length).toBe(len);
  return {
    fin: (b0 & 0x80) !== 0,
    rsv1: (b0 & 0x40) !== 0,
    rsv2: (b0 & 0x20) !== 0,
    rsv3: (b0 & 0x10) !== 0,
    opcode: b0 & 0x0f,
    masked,
    mask,
    payload: naiveMask(body, mask),
    headerSize: at,
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
