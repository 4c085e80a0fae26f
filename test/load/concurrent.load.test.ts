/**
 * 1,000 concurrent Sockets from this process to a ws echo server in another process, each echoing 100 messages
 * (100,000 round trips), then closed. Afterwards the file descriptors, active handles and timers are back to the
 * baseline, every Socket object has been garbage-collected, and the heap is back near its baseline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Socket } from '../../src/index.node.js';
import type { SocketCloseEvent } from '../../src/events.js';
import { withTimeout } from '../helpers/test-server.js';
import {
  activeResources,
  collect,
  fdCount,
  heapUsed,
  increase,
  MiB,
  processListeners,
  startEchoServer,
  type EchoServer,
} from './helpers.js';

const CONNECTIONS = 1_000;
const MESSAGES = 100;

let server: EchoServer;
beforeAll(async () => {
  server = await startEchoServer();
});
afterAll(() => server?.stop());

/** Message `i` of connection `c`: text, or binary every 10th, with a body that names both. */
function message(c: number, i: number): string | Uint8Array {
  const text = `conn ${c} msg ${i} ${'·'.repeat(i % 17)}`;
  return i % 10 === 9 ? new TextEncoder().encode(text) : text;
}

interface Run {
  socket: Socket;
  done: Promise<void>;
  closed: Promise<SocketCloseEvent>;
}

/** Opens a Socket that, once open, sends its 100 messages and resolves `done` when all came back in order. */
function start(c: number): Run {
  const socket = new Socket(server.url, { reconnect: false });
  socket.on('error', () => {});
  const closed = new Promise<SocketCloseEvent>((resolve) => socket.once('close', resolve));
  const done = new Promise<void>((resolve, reject) => {
    let received = 0;
    socket.on('message', (data, { binary }) => {
      const expected = message(c, received);
      const ok = binary
        ? expected instanceof Uint8Array && Buffer.compare(Buffer.from(data as Uint8Array), Buffer.from(expected)) === 0
        : data === expected;
      if (!ok) reject(new Error(`connection ${c}: message ${received} came back wrong or out of order`));
      if (++received === MESSAGES) resolve();
    });
    socket.once('open', () => {
      for (let i = 0; i < MESSAGES; i++) socket.send(message(c, i));
    });
    void closed.then((event) => {
      if (received < MESSAGES)
        reject(new Error(`connection ${c} closed after ${received} messages: ${event.code} ${event.error?.message ?? ''}`));
    });
  });
  return { socket, done, closed };
}

describe('load: 1,000 concurrent connections', () => {
  it(`${CONNECTIONS} Sockets × ${MESSAGES} echoed messages, then fds, handles, timers and heap back to baseline`, async () => {
    // Warm up (module loading, JIT, first allocations of pools) so the baseline is not taken on a cold process.
    const warm = Array.from({ length: 20 }, (_, c) => start(c));
    await Promise.all(warm.map((r) => r.done));
    warm.forEach((r) => r.socket.close(1000));
    await Promise.all(warm.map((r) => r.closed));
    warm.length = 0;
    await collect();

    const baseline = { fds: fdCount(), resources: activeResources(), listeners: processListeners(), heap: heapUsed() };
    const startedAt = performance.now();

    let runs: Run[] | undefined = Array.from({ length: CONNECTIONS }, (_, c) => start(c));
    const refs = runs.map((r) => new WeakRef(r.socket));
    await withTimeout(Promise.all(runs.map((r) => r.done)), 90_000, 'every echo');
    const echoedAt = performance.now();

    // All at once, really: every Socket is open and holds its own descriptor.
    expect(runs.filter((r) => r.socket.state === 'open')).toHaveLength(CONNECTIONS);
    const peakFds = fdCount();
    expect(peakFds).toBeGreaterThanOrEqual(baseline.fds + CONNECTIONS);
    const peakHeap = heapUsed();

    // (Not a for-of here: a suspended async function may keep its last loop variable, and with it a Socket, alive.)
    runs.forEach((r) => r.socket.close(1000, 'load test done'));
    const closes = await withTimeout(Promise.all(runs.map((r) => r.closed)), 30_000, 'every close');
    expect(closes.filter((e) => e.code === 1000 && e.wasClean)).toHaveLength(CONNECTIONS);
    const closedAt = performance.now();

    runs = undefined;
    await collect();
    const after = { fds: fdCount(), resources: activeResources(), listeners: processListeners(), heap: heapUsed() };
    const alive = refs.filter((ref) => ref.deref() !== undefined).length;

    console.log(
      `[load] ${CONNECTIONS} connections × ${MESSAGES} messages: echoed in ${((echoedAt - startedAt) / 1000).toFixed(2)} s, ` +
        `closed in ${((closedAt - echoedAt) / 1000).toFixed(2)} s; fds ${baseline.fds} → peak ${peakFds} → ${after.fds}; ` +
        `heap ${(baseline.heap / MiB).toFixed(1)} → peak ${(peakHeap / MiB).toFixed(1)} → ${(after.heap / MiB).toFixed(1)} MiB; ` +
        `Sockets still alive after gc: ${alive}; resources ${JSON.stringify(baseline.resources)} → ${JSON.stringify(after.resources)}`,
    );

    expect(after.fds, 'file descriptors back to baseline').toBeLessThanOrEqual(baseline.fds + 2);
    // Compared kind by kind: a leak adds handles or timers; the test runner's own may come and go.
    expect(increase(baseline.resources, after.resources), 'no more active handles or timers than at baseline').toEqual({});
    expect(increase(baseline.listeners, after.listeners), 'no new process listeners').toEqual({});
    expect(alive, 'every Socket garbage-collected').toBe(0);
    // 1,000 connections held tens of MiB at the peak; what stays must be small (JIT code, pools), not per connection.
    expect(after.heap - baseline.heap, 'heap back near baseline').toBeLessThan(8 * MiB);
  }, 180_000);
});
