import { describe, expect, it } from 'vitest';
import { FrameReader } from '../../src/protocol/frame-reader.js';

/** A single unmasked server frame with a 64-bit length. */
function binaryFrame(payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(10 + payload.length);
  frame[0] = 0x82;
  frame[1] = 127;
  new DataView(frame.buffer).setUint32(6, payload.length);
  frame.set(payload, 10);
  return frame;
}

function reader(sizes: number[]) {
  const messages: Uint8Array[] = [];
  const r = new FrameReader(
    { onMessage: (data) => messages.push(data as Uint8Array), onPing() {}, onPong() {}, onClose() {} },
    {
      maxPayload: Infinity,
      allocate: (size) => {
        sizes.push(size);
        return new ArrayBuffer(size);
      },
    },
  );
  return { r, messages };
}

describe('FrameReader: copies on the inbound path', () => {
  const payload = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) & 255);
  const wire = binaryFrame(payload);

  it('assembles a 1 MiB frame arriving in 64 KiB chunks in one buffer allocated from its header', () => {
    const sizes: number[] = [];
    const { r, messages } = reader(sizes);
    for (let at = 0; at < wire.length; at += 64 * 1024) r.push(wire.slice(at, at + 64 * 1024));
    expect(sizes).toEqual([payload.length]);
    expect(messages).toHaveLength(1);
    expect(messages[0].buffer.byteLength).toBe(payload.length);
    expect(Buffer.compare(messages[0], payload)).toBe(0);
  });

  it('hands out a view of the chunk, with no allocation, when the frame arrives in one chunk', () => {
    const sizes: number[] = [];
    const { r, messages } = reader(sizes);
    r.push(wire);
    expect(sizes).toEqual([]);
    expect(messages[0].buffer).toBe(wire.buffer);
    expect(Buffer.compare(messages[0], payload)).toBe(0);
  });
});
