// DRAFT bench peer for the permessage-deflate rows (bench/deflate-scenarios.mjs): like bench/peer.mjs, on raw
// node:net in its own process, but it answers a permessage-deflate offer ("permessage-deflate", context takeover
// both ways, 15-bit windows) and, in `stream` mode, writes prepared compressed frames.
//
// How a compressed stream with context takeover can be prepared once and replayed: the messages of one pass (a
// cycle of distinct JSON-like messages, at least 32 KiB in all) are compressed twice in one zlib context, pass A
// then pass B. B's back-references reach only into the last 32 KiB before it, which is the end of A — and the
// end of B is the same bytes. So A, B, B, B… decodes to the cycle over and over, exactly as if compressed live,
// and the peer spends no CPU on zlib while the client is measured.
//
//   stream  after the 101: pass A, then pass B (packed into ~64 KiB writes) until `count` messages were sent
//   sink    skip client frames by their headers (compressed or not), DONE after `count` messages
//   idle    handshakes and closing handshakes only (memory)
//
// argv[2] is a JSON config { mode, size, count }; the parent gets { port } once we listen on 127.0.0.1.
import { createHash } from 'node:crypto';
import net from 'node:net';
import zlib from 'node:zlib';
import { jsonLikeMessage } from './deflate-scenarios.mjs';
import { CLOSE_ECHO, DONE_FRAME, serverHeader } from './frames.mjs';
import { FrameSkipper, pump } from './peer-io.mjs';

const cfg = JSON.parse(process.argv[2]);
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const HEAD_END = Buffer.from('\r\n\r\n');
const WINDOW = 32 * 1024;
const MESSAGES_PER_PASS = 50;

/** Compressed frames for `count` messages of `size`: { first, repeat, times, last }. */
export async function prepareStream({ size, count }) {
  if (!(size > 0)) throw new Error('stream mode needs a message size');
  // A pass holds at least the 32 KiB window: 50 messages of 1 KiB, or one of 1 MiB.
  const perPass = size >= WINDOW ? 1 : MESSAGES_PER_PASS;
  if (perPass * size < WINDOW) throw new Error(`a pass of ${perPass} × ${size} B is smaller than the window`);
  if (count % perPass !== 0) throw new Error(`count ${count} must be a multiple of ${perPass} (messages per pass)`);
  const messages = Array.from({ length: perPass }, (_, i) => jsonLikeMessage(i, size));
  const deflate = zlib.createDeflateRaw();
  const chunks = [];
  deflate.on('data', (chunk) => chunks.push(chunk));
  const compress = async (message) => {
    deflate.write(message);
    await new Promise((resolve) => deflate.flush(zlib.constants.Z_SYNC_FLUSH, resolve));
    const out = Buffer.concat(chunks.splice(0));
    const payload = out.subarray(0, out.length - 4); // RFC 7692 §7.2.1: remove 00 00 ff ff
    // Binary messages with RSV1 (0x40) on their only frame: FIN | RSV1 | opcode 2.
    const header = serverHeader(0x2, true, payload.length);
    header[0] |= 0x40;
    return Buffer.concat([header, payload]);
  };
  const pass = async () => {
    const frames = [];
    for (const message of messages) frames.push(await compress(message));
    return Buffer.concat(frames);
  };
  const a = await pass();
  const b = await pass();
  deflate.close();
  // Pack B into ~64 KiB writes like bench/peer.mjs does for small messages.
  const per = Math.max(1, Math.floor(65536 / b.length));
  const passes = count / perPass - 1;
  const packed = Buffer.concat(Array.from({ length: Math.min(per, Math.max(1, passes)) }, () => b));
  const packedPasses = Math.min(per, Math.max(1, passes));
  return {
    first: a,
    buffer: packed,
    repeat: Math.floor(passes / packedPasses),
    last: passes % packedPasses > 0 ? packed.subarray(0, (passes % packedPasses) * b.length) : undefined,
    wireBytes: a.length + passes * b.length,
    ratio: (count * size) / (a.length + passes * b.length),
  };
}

if (process.send) {
  const prepared = cfg.mode === 'stream' ? await prepareStream(cfg) : undefined;
  const server = net.createServer({ noDelay: true }, onConnection);
  server.on('error', (error) => {
    console.error(`deflate peer: ${error.message}`);
    process.exit(1);
  });
  server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => process.send({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));

  function onConnection(socket) {
    socket.on('error', () => {});
    let head = null;
    socket.on('data', function onHead(chunk) {
      head = head ? Buffer.concat([head, chunk]) : chunk;
      const end = head.indexOf(HEAD_END);
      if (end === -1) {
        if (head.length > 16384) socket.destroy();
        return;
      }
      socket.off('data', onHead);
      const request = head.toString('latin1', 0, end);
      const rest = head.subarray(end + 4);
      const key = /^sec-websocket-key:[ \t]*(\S+)/im.exec(request)?.[1] ?? '';
      const offered = /^sec-websocket-extensions:.*permessage-deflate/im.test(request);
      if (!offered) {
        // Every client in these rows must negotiate compression: refuse rather than measure the wrong thing.
        socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const accept = createHash('sha1')
        .update(key + GUID)
        .digest('base64');
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n`,
      );
      start(socket, rest);
    });
  }

  function start(socket, rest) {
    let messages = 0;
    const skipper = new FrameSkipper(
      () => {
        messages++;
        if (cfg.mode === 'sink' && messages === cfg.count) socket.write(DONE_FRAME);
      },
      () => {
        if (!socket.writableEnded) socket.end(CLOSE_ECHO);
      },
    );
    socket.on('data', (chunk) => skipper.push(chunk));
    if (rest.length > 0) skipper.push(rest);
    if (cfg.mode === 'stream') {
      socket.write(prepared.first);
      pump(socket, prepared);
    }
  }
}
