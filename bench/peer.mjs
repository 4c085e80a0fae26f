// The benchmark peer: a minimal WebSocket server on raw node:net, run in its own process so that the
// client under test has the other core to itself. It does as little as possible per byte:
//   stream  – after the 101, write one prepared buffer of server frames again and again (backpressure-aware)
//   sink    – skip client frames by their headers (never unmask), count messages, answer DONE once all arrived
//   echo    – answer every client message with one prepared 64 B frame
//   idle    – complete handshakes and closing handshakes, nothing else (connect+close, memory)
// Every mode echoes a client Close frame and ends TCP, so clients see a clean closing handshake.
//
// argv[2] is a JSON config; the parent gets { port } once we listen on 127.0.0.1.
import { createHash } from 'node:crypto';
import net from 'node:net';
import { CLOSE_ECHO, DONE_FRAME, ECHO_REPLY, buildServerStream } from './frames.mjs';
import { FrameSkipper, pump } from './peer-io.mjs';

const cfg = JSON.parse(process.argv[2]);
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const HEAD_END = Buffer.from('\r\n\r\n');

const prepared = cfg.mode === 'stream' ? buildServerStream(cfg) : undefined;

const server = net.createServer({ noDelay: true }, onConnection);
server.on('error', (error) => {
  console.error(`peer: ${error.message}`);
  process.exit(1);
});
server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => {
  process.send({ port: server.address().port });
});
// The parent kills us; if it died first, do not linger.
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
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    start(socket, rest);
  });
}

function start(socket, rest) {
  let messages = 0;
  const skipper = new FrameSkipper(
    () => {
      messages++;
      if (cfg.mode === 'echo') socket.write(ECHO_REPLY);
      else if (cfg.mode === 'sink' && messages === cfg.count) socket.write(DONE_FRAME);
    },
    () => {
      if (!socket.writableEnded) socket.end(CLOSE_ECHO);
    },
  );
  socket.on('data', (chunk) => skipper.push(chunk));
  if (rest.length > 0) skipper.push(rest);
  if (cfg.mode === 'stream') pump(socket, prepared);
}
