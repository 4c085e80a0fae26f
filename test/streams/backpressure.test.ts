/**
 * messages() backpressure over real TCP on loopback: a real `ws` server floods 200 MB of 64 KiB messages (3,200)
 * to a loop that handles one per ms. The server sends as fast as its own write buffer lets it (it waits for the
 * socket to drain over 1 MiB, as a well-behaved server does): if the client did not stop reading, the whole flood
 * would be in the client's memory within a second. It asserts:
 * - the server is held back: it is never more than LAG_BOUND bytes ahead of the loop (TCP backpressure reached it);
 * - this process's RSS (client and server both) grows by less than RSS_BOUND;
 * - every message arrives, in order, byte-exact; and the heartbeat (on, short) did not kill the paused link.
 */
import { afterEach, expect, it } from 'vitest';
import { Socket } from '../../src/index.node.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';

const MESSAGE = 64 * 1024;
const COUNT = 3_200; // 200 MiB
const MiB = 1024 * 1024;
/** The loop's highWaterMark in bytes. */
const HWM = 4 * MiB;
/** How far ahead the server may get: HWM + the loopback socket buffers of both sides (Linux autotuning: ≤ ~10 MiB) + its 1 MiB. */
const LAG_BOUND = 32 * MiB;
/** Measured: about +46 MiB (garbage the GC has not collected yet included); without backpressure it would be ~200 MiB. */
const RSS_BOUND = 80 * MiB;

let server: WsServer | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.close();
  socket = undefined;
  await server?.close();
  server = undefined;
});

function payload(i: number): Uint8Array {
  const bytes = new Uint8Array(MESSAGE);
  bytes.fill(i & 0xff);
  new DataView(bytes.buffer).setUint32(0, i);
  return bytes;
}

function sameAs(data: Uint8Array, i: number): boolean {
  if (data.byteLength !== MESSAGE || new DataView(data.buffer, data.byteOffset, 4).getUint32(0) !== i) return false;
  const fill = i & 0xff;
  for (let k = 4; k < MESSAGE; k += 997) if (data[k] !== fill) return false;
  return data[MESSAGE - 1] === fill;
}

it('a lagging for-await loop holds a flooding server back; everything arrives in order, byte-exact', {
  timeout: 120_000,
}, async () => {
  let sent = 0;
  let waits = 0;
  let serverDone: Promise<void> | undefined;
  server = await startWsServer({
    echo: false,
    onConnection(ws) {
      serverDone = (async () => {
        while (sent < COUNT && ws.readyState === ws.OPEN) {
          if (ws.bufferedAmount > MiB) {
            waits++;
            await new Promise((resolve) => setTimeout(resolve, 2));
            continue;
          }
          // A fresh buffer each time: a server's frames are not masked, so ws writes the caller's bytes as they are.
          ws.send(payload(sent), { binary: true });
          sent++;
        }
      })();
    },
  });
  const rssBefore = process.memoryUsage().rss;
  let rssMax = rssBefore;
  let lagMax = 0;
  let abMax = 0;
  socket = new Socket(server.url, { heartbeat: { interval: 300, timeout: 300 }, reconnect: false });
  const errors: unknown[] = [];
  socket.on('error', (error) => errors.push(error));
  let received = 0;
  let bad = -1;
  for await (const data of socket.messages({ highWaterMark: { messages: 1024, bytes: HWM } })) {
    if (bad < 0 && !(data instanceof Uint8Array && sameAs(data, received))) bad = received;
    received++;
    lagMax = Math.max(lagMax, (sent - received) * MESSAGE);
    if (received % 64 === 0) {
      const { rss, arrayBuffers } = process.memoryUsage();
      rssMax = Math.max(rssMax, rss);
      abMax = Math.max(abMax, arrayBuffers);
    }
    if (received === COUNT) break;
    await new Promise((resolve) => setTimeout(resolve, 1)); // handles one message per ms
  }
  await serverDone;
  console.log(
    `[backpressure] ${COUNT} × 64 KiB: server at most ${(lagMax / MiB).toFixed(1)} MiB ahead (bound ${LAG_BOUND / MiB}), ` +
      `waited ${waits}× for its buffer; RSS +${((rssMax - rssBefore) / MiB).toFixed(1)} MiB (bound ${RSS_BOUND / MiB}); ArrayBuffers at most ${(abMax / MiB).toFixed(1)} MiB`,
  );
  expect(bad).toBe(-1);
  expect(received).toBe(COUNT);
  expect(errors).toEqual([]);
  expect(socket.state).toBe('open'); // the heartbeat did not kill the link while it was paused
  expect(waits).toBeGreaterThan(0);
  expect(lagMax).toBeLessThan(LAG_BOUND);
  expect(rssMax - rssBefore).toBeLessThan(RSS_BOUND);
});
