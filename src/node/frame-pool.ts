/**
 * Reuse of large frame buffers across the Node transport's connections: a written frame's buffer serves the
 * next frame of exactly the same size. Reuse spares a large send the zeroing and page faults of fresh memory,
 * which cost as much as masking the payload (issue #6: "send 1,000 × 1 MiB").
 *
 * Module-wide state, on purpose, and so outside the protocol core (which stays free of shared mutable state):
 * the core gets `allocateFrame` injected, and the transport hands frames back from the socket's write callback.
 */
import { Buffer } from 'node:buffer';

/** Frames whose buffer is at least this large come from, and go back to, the pool. */
export const POOLED_FRAME_BYTES = 64 * 1024;
/** At most this many bytes of frame buffers wait for reuse, module-wide. */
const POOL_MAX_BYTES = 4 * 1024 * 1024;
/** Buffers of large frames handed out and not seen back yet: only those can be recycled, once. */
const handedOut = new WeakSet<ArrayBuffer>();
/** Written frames' buffers by byte length, for the next frame of exactly that size. */
const pooled = new Map<number, ArrayBuffer[]>();
let pooledBytes = 0;

/**
 * A `FrameAllocator`: a buffer for a frame of `size` bytes, a pooled one of exactly that size when there is one
 * (the serializer overwrites all its old bytes), else a fresh one.
 */
export function allocateFrame(size: number): ArrayBuffer {
  if (size < POOLED_FRAME_BYTES) return new ArrayBuffer(size);
  const list = pooled.get(size);
  const buffer = list?.pop() ?? new ArrayBuffer(size);
  if (list !== undefined) {
    pooledBytes -= size;
    if (list.length === 0) pooled.delete(size);
  }
  handedOut.add(buffer);
  return buffer;
}

/**
 * Hand back a frame once it has been written and nothing refers to it any more. Frames under 64 KiB, frames
 * already handed back and buffers `allocateFrame` did not make are ignored. At most 4 MiB wait for reuse.
 */
export function recycleFrame(frame: Uint8Array): void {
  const buffer = frame.buffer as ArrayBuffer;
  if (!handedOut.delete(buffer)) return;
  const size = buffer.byteLength;
  if (pooledBytes + size > POOL_MAX_BYTES) return;
  let list = pooled.get(size);
  if (list === undefined) pooled.set(size, (list = []));
  list.push(buffer);
  pooledBytes += size;
}

/**
 * The reader's `allocate` for an incoming frame spread over chunks: uninitialised memory of exactly `size` bytes
 * (the reader overwrites every byte before the message is handed out), so a 1 MiB message costs one copy and no
 * zeroing. Not pooled: the message's buffer belongs to the application.
 */
export function allocatePayload(size: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer;
}
