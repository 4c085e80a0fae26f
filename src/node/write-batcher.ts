/**
 * Write batching for one socket: everything written in one tick leaves in one write or writev syscall, at the
 * end of the tick. The Node transport extends it (no extra object per connection).
 *
 * - Frames up to `SMALL_FRAME` are held until the end of the tick. A lone one is written as it is (no copy);
 *   from the second one on they are copied into a 16 KiB batch handed to the socket as one chunk: a burst of
 *   small sends then costs one stream write and one syscall instead of one per message (issue #6: send 1M × 16 B).
 * - A larger frame corks the socket, so it and the pending batch leave together in one writev; from
 *   `POOLED_FRAME_BYTES` on, its buffer goes back to the frame pool once written.
 * - `done` callbacks run with the socket's write callback, in order; bytes still held when the socket can no
 *   longer write get `done(ConnectionClosedError)`.
 */
import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import { ConnectionClosedError } from '../errors.js';
import { CloseCode } from '../protocol/constants.js';
import { POOLED_FRAME_BYTES, recycleFrame } from './frame-pool.js';

/** Frames up to this size are held until the end of the tick and batched. */
const SMALL_FRAME = 1024;
/** Size of a batch buffer; a burst larger than this becomes several batches, still in one corked writev. */
const BATCH_BYTES = 16 * 1024;

type Done = (error?: Error) => void;

export class WriteBatcher {
  #corked = false;
  #tickScheduled = false;
  /**
   * Small frames of this tick not handed to the socket yet. The first one is kept as it is (`#lone`), so a
   * single send per tick costs no copy; from the second one on they are copied into `#batch`.
   */
  #lone: Uint8Array | undefined;
  #loneDone: Done | undefined;
  #batch: Buffer | undefined;
  #batchUsed = 0;
  #batchDone: Done[] | undefined;
  /** Bytes in `#lone` or `#batch`. */
  #pendingBytes = 0;

  /** Bytes held for the end of the tick. */
  protected get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Queue `bytes` for `socket` (which must be writable); `done` runs once they were handed to the network. */
  protected queueWrite(socket: Socket, bytes: Uint8Array, done?: Done): void {
    if (!this.#tickScheduled) {
      this.#tickScheduled = true;
      process.nextTick(endOfTick, this, socket);
    }
    const length = bytes.byteLength;
    if (length > SMALL_FRAME) {
      this.#cork(socket);
      if (this.#pendingBytes > 0) this.#flushPending(socket);
      if (length < POOLED_FRAME_BYTES) {
        socket.write(bytes, done as ((error?: Error | null) => void) | undefined);
      } else {
        // Once written, a large frame's buffer can serve the next frame of the same size.
        socket.write(bytes, (error) => {
          recycleFrame(bytes);
          done?.(error ?? undefined);
        });
      }
      return;
    }
    let batch = this.#batch;
    if (this.#pendingBytes === 0) {
      this.#lone = bytes;
      this.#loneDone = done;
      this.#pendingBytes = length;
      return;
    }
    if (batch === undefined) {
      // The second small frame of this tick: start a batch with the first one.
      const lone = this.#lone as Uint8Array;
      batch = this.#batch = Buffer.allocUnsafe(BATCH_BYTES);
      batch.set(lone, 0);
      this.#batchUsed = lone.byteLength;
      if (this.#loneDone) this.#batchDone = [this.#loneDone];
      this.#lone = this.#loneDone = undefined;
    } else if (this.#batchUsed + length > batch.length) {
      this.#cork(socket);
      this.#flushPending(socket);
      this.#lone = bytes;
      this.#loneDone = done;
      this.#pendingBytes = length;
      return;
    }
    batch.set(bytes, this.#batchUsed);
    this.#batchUsed += length;
    this.#pendingBytes += length;
    if (done) (this.#batchDone ??= []).push(done);
  }

  /** Hand over what is pending now and let corked writes go out (before ending or destroying the socket). */
  protected flushWrites(socket: Socket): void {
    if (this.#pendingBytes > 0) this.#flushPending(socket);
    if (this.#corked) {
      this.#corked = false;
      if (!socket.destroyed) socket.uncork();
    }
  }

  /** @internal The tick is over: hand over what is pending and let corked writes go out. */
  endOfTick(socket: Socket): void {
    this.#tickScheduled = false;
    this.flushWrites(socket);
  }

  /** Hand the pending small frames to the (corked) socket as one chunk. */
  #flushPending(socket: Socket): void {
    const lone = this.#lone;
    const loneDone = this.#loneDone;
    const batch = this.#batch;
    const used = this.#batchUsed;
    const callbacks = this.#batchDone;
    this.#lone = this.#loneDone = this.#batch = this.#batchDone = undefined;
    this.#batchUsed = this.#pendingBytes = 0;
    if (socket.destroyed || !socket.writable) {
      loneDone?.(lostBeforeSent());
      if (callbacks) for (const done of callbacks) done(lostBeforeSent());
      return;
    }
    if (lone !== undefined) {
      socket.write(lone, loneDone as ((error?: Error | null) => void) | undefined);
      return;
    }
    if (batch === undefined || used === 0) return;
    const chunk = batch.subarray(0, used);
    if (callbacks === undefined) socket.write(chunk);
    else if (callbacks.length === 1) socket.write(chunk, callbacks[0] as (error?: Error | null) => void);
    else {
      socket.write(chunk, (error) => {
        for (const done of callbacks) done(error ?? undefined);
      });
    }
  }

  /** Hold the socket's writes until the end of the tick (several chunks then leave in one writev). */
  #cork(socket: Socket): void {
    if (!this.#corked) {
      this.#corked = true;
      socket.cork();
    }
  }
}

function endOfTick(batcher: WriteBatcher, socket: Socket): void {
  batcher.endOfTick(socket);
}

/** Why bytes that were taken never reached the network. */
export function lostBeforeSent(): ConnectionClosedError {
  return new ConnectionClosedError('Connection lost before the data could be sent', CloseCode.Abnormal, '', false);
}
