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

/** Write `buffer` `repeat` times (then `last` once, if any), waiting for 'drain' whenever the socket says so. */
function pump(socket, { buffer, repeat, last }) {
  let written = 0;
  const step = () => {
    while (written < repeat) {
      written++;
      if (!socket.write(buffer)) {
        socket.once('drain', step);
        return;
      }
    }
    if (last && written === repeat) {
      written++;
      socket.write(last);
    }
  };
  step();
}

/**
 * Walks client frames by their headers only: the payload is skipped, never unmasked or copied.
 * Calls onMessage for each final data frame and onClose for a Close frame.
 */
class FrameSkipper {
  constructor(onMessage, onClose) {
    this.onMessage = onMessage;
    this.onClose = onClose;
    this.skip = 0; // payload bytes still to skip
    this.b0 = 0; // first header byte of the frame being skipped
    this.header = Buffer.alloc(14);
    this.have = 0; // header bytes collected while a header straddles chunks
  }

  push(chunk) {
    let i = 0;
    const length = chunk.length;
    while (i < length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, length - i);
        this.skip -= n;
        i += n;
        if (this.skip === 0) this.frameDone();
        continue;
      }
      let src = chunk;
      let at = i;
      let available = length - i;
      if (this.have > 0) {
        // Finish a header split across chunks, one byte at a time (rare).
        this.header[this.have++] = chunk[i++];
        src = this.header;
        at = 0;
        available = this.have;
      }
      if (available < 2) {
        if (this.have === 0) this.header[this.have++] = chunk[i++];
        continue;
      }
      const code = src[at + 1] & 0x7f;
      const masked = (src[at + 1] & 0x80) !== 0;
      const size = 2 + (code === 126 ? 2 : code === 127 ? 8 : 0) + (masked ? 4 : 0);
      if (available < size) {
        if (this.have === 0) {
          chunk.copy(this.header, 0, i, length);
          this.have = length - i;
          i = length;
        }
        continue;
      }
      let payload = code;
      if (code === 126) payload = src.readUInt16BE(at + 2);
      else if (code === 127) payload = src.readUInt32BE(at + 2) * 2 ** 32 + src.readUInt32BE(at + 6);
      this.b0 = src[at];
      if (this.have > 0) this.have = 0;
      else i += size;
      this.skip = payload;
      if (payload === 0) this.frameDone();
    }
  }

  frameDone() {
    const opcode = this.b0 & 0x0f;
    if (opcode === 0x8) this.onClose();
    else if (opcode < 0x8 && (this.b0 & 0x80) !== 0) this.onMessage();
  }
}
