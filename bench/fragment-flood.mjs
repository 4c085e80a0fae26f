// Issue 9 item 4: memory of a message sent as many 1-byte fragments.
//
//   node bench/fragment-flood.mjs [fragments=8000000]
//
// A loopback raw-TCP server answers the upgrade, then sends one binary message as `fragments` frames of 1 byte
// (the first a binary frame with FIN clear, the rest continuation frames, the last with FIN) and keeps the
// connection open. The client (sockline's Node build from dist/) is run in this process; the script samples
// RSS and the V8 heap while the message is being assembled and prints the peak growth per fragment.
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { Socket } from '../dist/node.js';

const FRAGMENTS = Number(process.argv[2] ?? 8_000_000);
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const BLOCK = 64 * 1024; // frames per write (3 bytes each)

const server = createServer((socket) => {
  socket.once('data', (head) => {
    const key = /sec-websocket-key: *(\S+)/i.exec(head.toString('latin1'))[1];
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    let sent = 0;
    const pump = () => {
      while (sent < FRAGMENTS) {
        const n = Math.min(BLOCK, FRAGMENTS - sent);
        const buf = Buffer.alloc(n * 3);
        for (let i = 0; i < n; i++) {
          const index = sent + i;
          buf[i * 3] = (index === FRAGMENTS - 1 ? 0x80 : 0) | (index === 0 ? 0x2 : 0x0);
          buf[i * 3 + 1] = 1;
          buf[i * 3 + 2] = 0x61;
        }
        sent += n;
        if (!socket.write(buf)) return void socket.once('drain', pump);
      }
    };
    pump();
  });
  socket.on('error', () => {});
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();

global.gc?.();
const base = process.memoryUsage();
let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss - base.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed - base.heapUsed);
};
const sampler = setInterval(sample, 20);
const start = performance.now();
const socket = new Socket(`ws://127.0.0.1:${port}/`, { heartbeat: false, reconnect: false });
const result = await new Promise((resolve) => {
  socket.on('message', (data) => resolve(`message of ${data.length} bytes`));
  socket.on('close', (event) => resolve(`close ${event.code} ${event.error?.message ?? ''}`));
});
sample();
clearInterval(sampler);
const seconds = ((performance.now() - start) / 1000).toFixed(1);
const MiB = (n) => (n / 2 ** 20).toFixed(1) + ' MiB';
console.log(`${FRAGMENTS} fragments (${MiB(FRAGMENTS)} payload): ${result} in ${seconds} s`);
console.log(`peak RSS +${MiB(peakRss)}, peak heap +${MiB(peakHeap)} (${(peakHeap / FRAGMENTS) | 0} B of heap per fragment)`);
socket.close();
server.close();
process.exit(0);
