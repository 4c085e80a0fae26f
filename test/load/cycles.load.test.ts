/**
 * 10,000 connect/close cycles against a ws echo server in another process, 50 at a time, with the default
 * options (reconnection and heartbeat on) and one shared AbortSignal. Nothing may leak: no socket (file
 * descriptors), no timer or handle (`process.getActiveResourcesInfo()`), no listener (on `process` and on the
 * shared signal), no Socket object (WeakRefs), and the heap is back near its baseline.
 */
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Socket } from '../../src/index.node.js';
import type { SocketCloseEvent } from '../../src/events.js';
import { withTimeout } from '../helpers/test-server.js';
import {
  activeResources,
  collect,
  fdCount,
  heapUsed,
  inBatches,
  increase,
  MiB,
  processListeners,
  startEchoServer,
  type EchoServer,
} from './helpers.js';

const CYCLES = 10_000;
const CONCURRENCY = 50;
/** One WeakRef every this many Sockets (keeping 10,000 WeakRefs would itself be noise in the heap figure). */
const SAMPLE = 50;

let server: EchoServer;
beforeAll(async () => {
  server = await startEchoServer();
});
afterAll(() => server?.stop());

/** One cycle: connect, wait for open, close(1000), wait for the final close. */
function cycle(url: string, signal: AbortSignal, refs: WeakRef<Socket>[] | undefined): Promise<SocketCloseEvent> {
  const socket = new Socket(url, { signal });
  if (refs) refs.push(new WeakRef(socket));
  socket.on('error', () => {});
  const closed = new Promise<SocketCloseEvent>((resolve) => socket.once('close', resolve));
  socket.once('open', () => socket.close(1000, 'cycle'));
  return withTimeout(closed, 10_000, 'one connect/close cycle');
}

describe('load: 10,000 connect/close cycles', () => {
  it(`${CYCLES} cycles, ${CONCURRENCY} at a time, leak no sockets, timers, handles, listeners or Sockets`, async () => {
    const controller = new AbortController();
    const { signal } = controller;
    // Warm up, then take the baseline.
    await inBatches(100, CONCURRENCY, () => cycle(server.url, signal, undefined));
    await collect();
    const baseline = { fds: fdCount(), resources: activeResources(), listeners: processListeners(), heap: heapUsed() };
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);

    const refs: WeakRef<Socket>[] = [];
    const startedAt = performance.now();
    let clean = 0;
    let peakFds = 0;
    await inBatches(CYCLES, CONCURRENCY, async (i) => {
      const event = await cycle(server.url, signal, i % SAMPLE === 0 ? refs : undefined);
      if (event.code === 1000 && event.wasClean && event.error === undefined) clean++;
      if (i % 500 === 0) peakFds = Math.max(peakFds, fdCount());
    });
    const seconds = (performance.now() - startedAt) / 1000;

    await collect();
    const after = { fds: fdCount(), resources: activeResources(), listeners: processListeners(), heap: heapUsed() };
    const alive = refs.filter((ref) => ref.deref() !== undefined).length;
    console.log(
      `[load] ${CYCLES} connect/close cycles in ${seconds.toFixed(1)} s (${Math.round(CYCLES / seconds)}/s, ${CONCURRENCY} at a time); ` +
        `fds ${baseline.fds} → peak ${peakFds} → ${after.fds}; heap ${(baseline.heap / MiB).toFixed(1)} → ${(after.heap / MiB).toFixed(1)} MiB; ` +
        `sampled Sockets alive after gc: ${alive}/${refs.length}; abort listeners: ${getEventListeners(signal, 'abort').length}`,
    );

    expect(clean, 'every cycle closed cleanly with 1000').toBe(CYCLES);
    expect(after.fds, 'no socket left open').toBeLessThanOrEqual(baseline.fds + 2);
    expect(increase(baseline.resources, after.resources), 'no timer or handle left behind').toEqual({});
    expect(increase(baseline.listeners, after.listeners), 'no listener left on process').toEqual({});
    expect(getEventListeners(signal, 'abort'), 'no listener left on the shared AbortSignal').toHaveLength(0);
    expect(alive, 'every sampled Socket garbage-collected').toBe(0);
    expect(after.heap - baseline.heap, 'heap back near baseline').toBeLessThan(8 * MiB);
    // Bounded in time: 10,000 cycles on a shared 2-core machine take a few seconds to a few tens of seconds.
    expect(seconds).toBeLessThan(90);
  }, 150_000);
});
