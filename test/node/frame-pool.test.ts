import { describe, expect, it } from 'vitest';
import { allocateFrame, POOLED_FRAME_BYTES, recycleFrame } from '../../src/node/frame-pool.js';
import { serializeFrame } from '../../src/protocol/frame-serializer.js';

const mask = new Uint8Array([1, 2, 3, 4]);

describe('frame pool (Node transport)', () => {
  it('reuses a written large frame buffer for the next frame of exactly that size, once', () => {
    const size = POOLED_FRAME_BYTES + 1000;
    const first = allocateFrame(size);
    recycleFrame(new Uint8Array(first));
    expect(allocateFrame(size)).toBe(first);
    expect(allocateFrame(size)).not.toBe(first);
    recycleFrame(new Uint8Array(first));
    recycleFrame(new Uint8Array(first));
    expect(allocateFrame(size), 'handed back twice, pooled once').toBe(first);
    expect(allocateFrame(size)).not.toBe(first);
  });

  it('never pools small frames nor buffers it did not hand out', () => {
    const small = allocateFrame(100);
    recycleFrame(new Uint8Array(small));
    expect(allocateFrame(100)).not.toBe(small);
    const foreign = new ArrayBuffer(POOLED_FRAME_BYTES + 8);
    recycleFrame(new Uint8Array(foreign));
    expect(allocateFrame(POOLED_FRAME_BYTES + 8)).not.toBe(foreign);
  });

  it('is what the serializer writes into when injected, every byte overwritten', () => {
    const payload = new Uint8Array(POOLED_FRAME_BYTES).fill(7);
    const a = serializeFrame(0x2, payload, true, mask, false, allocateFrame);
    const expected = Uint8Array.from(a);
    a.fill(0xee);
    recycleFrame(a);
    const b = serializeFrame(0x2, payload, true, mask, false, allocateFrame);
    expect(b.buffer).toBe(a.buffer);
    expect(b).toEqual(expected);
  });
});
