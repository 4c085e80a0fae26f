/**
 * Issue 9 item 4: a message sent as a flood of tiny fragments holds memory proportional to its payload, not to
 * its number of fragments (before: ~100-130 B of heap per 1-byte fragment). The exact cost is measured by
 * bench/fragment-flood.mjs; this test only checks the bound with a wide margin.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, expect, it } from 'vitest';
import { FrameReader } from '../../src/protocol/frame-reader.js';
import { Socket } from '../../src/index.node.js';
import { startRawServer, upgradeResponse, type RawServer } from '../helpers/raw-server.js';
import { next } from '../socket/helpers/node.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** `count` one-byte frames of one binary message (the last one FIN when `finish`), payload = index & 0xff. */
function fragments(count: number, first: number, finish: boolean): Uint8Array {
  const bytes = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) {
    const index = first + i;
    bytes[i * 3] = (finish && i === count - 1 ? 0x80 : 0) | (index === 0 ? 0x2 : 0x0);
    bytes[i * 3 + 1] = 1;
    bytes[i * 3 + 2] = index & 0xff;
  }
  return bytes;
}

it('should hold a message of 1,000,000 one-byte fragments in memory proportional to its payload', () => {
  const FRAGMENTS = 1_000_000;
  const CHUNK = 10_000;
  let message: Uint8Array | undefined;
  const reader = new FrameReader(
    { onMessage: (data) => void (message = data as Uint8Array), onPing() {}, onPong() {}, onClose() {} },
    { maxPayload: Infinity },
  );
  gc();
  const before = process.memoryUsage().heapUsed;
  // Chunks are made and dropped one by one, as a socket would hand them over.
  for (let at = 0; at < FRAGMENTS - 1; at += CHUNK) reader.push(fragments(Math.min(CHUNK, FRAGMENTS - 1 - at), at, false));
  gc();
  const held = process.memoryUsage().heapUsed - before;
  reader.push(fragments(1, FRAGMENTS - 1, true));
  expect(message!.length).toBe(FRAGMENTS);
  for (let i = 0; i < FRAGMENTS; i += 9973) expect(message![i]).toBe(i & 0xff);
  // The payload is ~1 MB; before the fix the fragments held ~100 MB.
  expect(held).toBeLessThan(16 * 1024 * 1024);
});

let server: RawServer | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.close();
  await server?.close();
});

it('should deliver a message of 100,000 one-byte fragments byte-exact through the Node transport', async () => {
  const FRAGMENTS = 100_000;
  server = await startRawServer((s, request) => {
    s.write(upgradeResponse(request.key));
    s.write(fragments(FRAGMENTS, 0, true));
  });
  socket = new Socket(server.url, { heartbeat: false, reconnect: false });
  const [data] = await next(socket, 'message');
  const bytes = data as Uint8Array;
  expect(bytes.length).toBe(FRAGMENTS);
  for (let i = 0; i < FRAGMENTS; i++) if (bytes[i] !== (i & 0xff)) expect(bytes[i]).toBe(i & 0xff);
});
