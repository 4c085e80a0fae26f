import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { Opcode } from '../../src/protocol/constants.js';
import { encodeText, serializeFrame, serializeMessage } from '../../src/protocol/frame-serializer.js';
import { decodeFrame, type ClientFrame } from '../helpers/frames.js';
import { hex, toHex } from '../helpers/hex.js';
import { concat, recordingReader, utf8 } from './frame-helpers.js';

const MASK = hex('37fa213d');

function payloadOf(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);
}

/** A counter of masks: 00000001, 00000002, … so each frame's key is known. */
function countingMasks(): { next: () => Uint8Array; used: Uint8Array[] } {
  let n = 0;
  const used: Uint8Array[] = [];
  return {
    used,
    next: () => {
      n++;
      const mask = Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, (n & 0xff) | 0x10);
      used.push(mask);
      return mask;
    },
  };
}

/** The one client frame in `bytes`, decoded by the reference decoder (test/helpers/frames.ts); nothing may trail it. */
function onlyFrame(bytes: Uint8Array): ClientFrame {
  const decoded = decodeFrame(bytes);
  expect(decoded?.size).toBe(bytes.length);
  return decoded!.frame;
}

/** What a server sees: the same frame, unmasked (the reader rejects masked frames, as a client must). */
function unmaskedForReader(clientFrame: Uint8Array): Uint8Array {
  const parsed = onlyFrame(clientFrame);
  const len = parsed.payload.length;
  const lengthHeader =
    len < 126
      ? [len]
      : len < 65536
        ? [126, len >> 8, len & 0xff]
        : [127, 0, 0, 0, 0, len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff];
  return concat(Uint8Array.of(clientFrame[0], ...lengthHeader), parsed.payload);
}

describe('serializeFrame', () => {
  it('client sends the RFC 6455 §5.7 masked "Hello" → 0x81 0x85 37fa213d 7f9f4d5158', () => {
    expect(toHex(serializeFrame(Opcode.Text, utf8('Hello'), true, MASK))).toBe('818537fa213d7f9f4d5158');
  });

  it('client sends a masked ping "Hello" → 0x89 0x85 …', () => {
    expect(toHex(serializeFrame(Opcode.Ping, utf8('Hello'), true, MASK))).toBe('898537fa213d7f9f4d5158');
  });

  it('client sends an empty close and an empty pong', () => {
    expect(toHex(serializeFrame(Opcode.Close, new Uint8Array(0), true, MASK))).toBe('888037fa213d');
    expect(toHex(serializeFrame(Opcode.Pong, new Uint8Array(0), true, MASK))).toBe('8a8037fa213d');
  });

  it('client sends a fragment without FIN and with RSV1', () => {
    expect(toHex(serializeFrame(Opcode.Text, utf8('Hel'), false, MASK)).slice(0, 4)).toBe('0183');
    expect(toHex(serializeFrame(Opcode.Continuation, utf8('lo'), true, MASK)).slice(0, 4)).toBe('8082');
    expect(toHex(serializeFrame(Opcode.Binary, utf8('x'), true, MASK, true)).slice(0, 4)).toBe('c281');
  });

  it.each([
    [0, 6, '8280'],
    [125, 6, '82fd'],
    [126, 8, '82fe007e'],
    [256, 8, '82fe0100'],
    [65535, 8, '82feffff'],
    [65536, 14, '82ff0000000000010000'],
    [65536 + 3, 14, '82ff0000000000010003'],
  ])('client sends %i bytes with the minimal length encoding (%i-byte header)', (length, headerSize, prefix) => {
    const payload = payloadOf(length);
    const bytes = serializeFrame(Opcode.Binary, payload, true, MASK);
    expect(bytes.length).toBe(headerSize + length);
    expect(toHex(bytes.subarray(0, headerSize - 4))).toBe(prefix);
    const parsed = onlyFrame(bytes);
    expect(parsed.masked).toBe(true);
    expect(toHex(parsed.maskKey!)).toBe('37fa213d');
    expect(bytes.length - parsed.payload.length).toBe(headerSize);
    expect(toHex(parsed.payload)).toBe(toHex(payload));
  });

  it('round-trips every length 0..300 and 70000 through the reference unmasker, with varied masks', () => {
    for (const length of [...Array.from({ length: 301 }, (_, i) => i), 70000]) {
      const payload = payloadOf(length);
      const mask = Uint8Array.of(length & 0xff, 0xa5, (length >> 3) & 0xff, 0x5a);
      const parsed = onlyFrame(serializeFrame(Opcode.Binary, payload, true, mask));
      expect(parsed.fin && parsed.masked && parsed.opcode === Opcode.Binary).toBe(true);
      expect(toHex(parsed.payload)).toBe(toHex(payload));
    }
  });

  it("lays the payload out 4-byte aligned in its own buffer (at the payload's own phase when unaligned)", () => {
    for (const length of [0, 5, 125, 126, 1000, 65535, 65536]) {
      for (const shift of [0, 1, 2, 3]) {
        const payload = new Uint8Array(new ArrayBuffer(length + 4), shift, length);
        payload.set(payloadOf(length));
        const bytes = serializeFrame(Opcode.Binary, payload, true, MASK);
        const parsed = onlyFrame(bytes);
        expect((bytes.byteOffset + bytes.length - parsed.payload.length) % 4).toBe(shift);
        expect(bytes.buffer.byteLength - bytes.byteOffset).toBe(bytes.length);
        expect(toHex(parsed.payload)).toBe(toHex(payloadOf(length)));
      }
    }
  });

  it('never modifies the payload', () => {
    const payload = payloadOf(5000);
    const copy = payload.slice();
    serializeFrame(Opcode.Binary, payload, true, MASK);
    expect(toHex(payload)).toBe(toHex(copy));
  });

  it('masks a payload that is an unaligned view', () => {
    const backing = payloadOf(1003);
    const view = backing.subarray(3);
    const parsed = onlyFrame(serializeFrame(Opcode.Binary, view, true, MASK));
    expect(toHex(parsed.payload)).toBe(toHex(view));
  });

  it('rejects a control frame over 125 bytes, a fragmented control frame, unknown opcodes and bad masks', () => {
    expect(() => serializeFrame(Opcode.Ping, payloadOf(126), true, MASK)).toThrow(InvalidArgumentError);
    expect(() => serializeFrame(Opcode.Close, payloadOf(2), false, MASK)).toThrow(/never fragmented/);
    expect(() => serializeFrame(Opcode.Ping, payloadOf(125), true, MASK)).not.toThrow();
    expect(() => serializeFrame(3, payloadOf(1), true, MASK)).toThrow(/Invalid opcode 3/);
    expect(() => serializeFrame(0xb, payloadOf(1), true, MASK)).toThrow(InvalidArgumentError);
    expect(() => serializeFrame(Opcode.Text, payloadOf(1), true, hex('010203'))).toThrow(/4 bytes/);
  });
});

describe('serializeMessage', () => {
  it('client sends one frame when fragmentSize <= 0 or the payload fits', () => {
    for (const fragmentSize of [0, -1, 10, 11]) {
      const masks = countingMasks();
      const frames = serializeMessage(Opcode.Binary, payloadOf(10), fragmentSize, masks.next);
      expect(frames.length).toBe(1);
      const parsed = onlyFrame(frames[0]);
      expect(parsed.fin).toBe(true);
      expect(parsed.opcode).toBe(Opcode.Binary);
      expect(toHex(parsed.payload)).toBe(toHex(payloadOf(10)));
    }
  });

  it('client sends an empty message as one frame', () => {
    const frames = serializeMessage(Opcode.Text, new Uint8Array(0), 4, countingMasks().next);
    expect(frames.map(toHex)).toHaveLength(1);
    expect(onlyFrame(frames[0]).fin).toBe(true);
  });

  it.each([
    [10, 3, 4],
    [10, 5, 2],
    [9, 3, 3],
    [1000, 1, 1000],
    [65536 * 2 + 1, 65536, 3],
  ])('client sends %i bytes in fragments of %i → %i frames: opcode, continuations, FIN on the last', (length, size, count) => {
    const payload = payloadOf(length);
    const masks = countingMasks();
    const frames = serializeMessage(Opcode.Binary, payload, size, masks.next);
    expect(frames.length).toBe(count);
    expect(masks.used.length).toBe(count);
    const parsed = frames.map((f) => onlyFrame(f));
    parsed.forEach((f, i) => {
      expect(f.opcode).toBe(i === 0 ? Opcode.Binary : Opcode.Continuation);
      expect(f.fin).toBe(i === count - 1);
      expect(f.rsv & 0b100).toBe(0);
      // Each frame carries its own key from nextMask().
      expect(toHex(f.maskKey!)).toBe(toHex(masks.used[i]));
      expect(f.payload.length).toBe(i < count - 1 ? size : length - size * (count - 1));
    });
    expect(toHex(concat(...parsed.map((f) => f.payload)))).toBe(toHex(payload));
  });

  it('client sends multibyte text split mid-character; the reader reassembles it exactly', () => {
    const text = '\ufeffé€😀 κόσμε 𝄞!';
    const bytes = encodeText(text);
    for (let size = 1; size <= bytes.length; size++) {
      const frames = serializeMessage(Opcode.Text, bytes, size, countingMasks().next);
      expect(frames.length).toBe(Math.ceil(bytes.length / size));
      const { reader, events } = recordingReader();
      for (const f of frames) reader.push(unmaskedForReader(f));
      expect(events).toEqual([{ type: 'text', data: text }]);
    }
  });
});

describe('encodeText', () => {
  it('encodes UTF-8, astral characters included, and replaces lone surrogates with U+FFFD', () => {
    expect(toHex(encodeText('Hello'))).toBe('48656c6c6f');
    expect(toHex(encodeText('😀'))).toBe('f09f9880');
    expect(toHex(encodeText('\ud800'))).toBe('efbfbd');
    expect(toHex(encodeText(''))).toBe('');
  });
});
