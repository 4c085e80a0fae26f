// Prepared wire bytes shared by the peer and the raw-TCP ceiling client. Built once per process.

/** A server (unmasked) frame header for `length` payload bytes. */
export function serverHeader(opcode, fin, length) {
  const b0 = (fin ? 0x80 : 0) | opcode;
  if (length < 126) return Buffer.from([b0, length]);
  if (length <= 0xffff) return Buffer.from([b0, 126, length >>> 8, length & 0xff]);
  const h = Buffer.alloc(10);
  h[0] = b0;
  h[1] = 127;
  h.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
  h.writeUInt32BE(length >>> 0, 6);
  return h;
}

/** One server message of `size` bytes, as one frame or as `fragment`-sized frames. */
export function serverMessage(size, fragment = 0) {
  const payload = Buffer.alloc(size, 0x61);
  if (!fragment || fragment >= size) return Buffer.concat([serverHeader(0x2, true, size), payload]);
  const parts = [];
  for (let at = 0; at < size; at += fragment) {
    const end = Math.min(at + fragment, size);
    parts.push(serverHeader(at === 0 ? 0x2 : 0x0, end === size, end - at), payload.subarray(at, end));
  }
  return Buffer.concat(parts);
}

/**
 * What the peer writes after the 101 in `stream` mode: `count` messages of `size` bytes. Small messages are
 * packed ~64 KiB per buffer, so the peer makes one write call per 64 KiB, not per message.
 */
export function buildServerStream({ size, count, fragment }) {
  const one = serverMessage(size, fragment);
  const perBuffer = Math.max(1, Math.floor(65536 / one.length));
  const buffer = Buffer.concat(Array.from({ length: Math.min(perBuffer, count) }, () => one));
  const per = Math.min(perBuffer, count);
  const repeat = Math.floor(count / per);
  const rest = count - repeat * per;
  return { buffer, repeat, last: rest > 0 ? buffer.subarray(0, rest * one.length) : undefined, wireBytes: count * one.length };
}

/** The peer's answer once a `sink` run received every message: a 1-byte binary message. */
export const DONE_FRAME = Buffer.from([0x82, 0x01, 0x00]);
/** The peer's answer to each echo request: a 64 B binary message. */
export const ECHO_REPLY = Buffer.concat([serverHeader(0x2, true, 64), Buffer.alloc(64, 0x62)]);
/** The peer's reply to a client Close: Close 1000. */
export const CLOSE_ECHO = Buffer.from([0x88, 0x02, 0x03, 0xe8]);

/** A client (masked) frame, masked with a fixed key: the ceiling client writes these bytes as they are. */
export function clientFrame(opcode, payload) {
  const length = payload.length;
  const mask = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  const h = serverHeader(opcode, true, length);
  h[1] |= 0x80;
  const body = Buffer.alloc(length);
  for (let i = 0; i < length; i++) body[i] = payload[i] ^ mask[i & 3];
  return Buffer.concat([h, mask, body]);
}

/** The ceiling client's Close 1000 frame. */
export const CLIENT_CLOSE = clientFrame(0x8, Buffer.from([0x03, 0xe8]));

/** The ceiling client's opening request: the same shape as a real client's, with a fixed key. */
export function upgradeRequest(host, port) {
  return Buffer.from(
    `GET / HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    'latin1',
  );
}
