/**
 * The Node transport against scripted hostile servers: every bad handshake and every bad frame gives the
 * documented error and close code, the TCP connection is torn down, and nothing crashes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HandshakeError, NetworkError, ProtocolError, TimeoutError } from '../../src/errors.js';
import { frame } from '../helpers/frames.js';
import { startRawServer, upgradeResponse, type RawScript, type RawServer } from '../helpers/raw-server.js';
import { open } from './transport-harness.js';

let server: RawServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function against(script: RawScript, overrides = {}) {
  server = await startRawServer(script);
  const client = open(server.url, overrides);
  const info = await client.closed;
  const connection = server.connections[0];
  return { client, info, connection };
}

describe('handshake rejections destroy the connection with a typed HandshakeError', () => {
  const cases: {
    name: string;
    reason: string;
    status?: number;
    response: (key: string) => string;
    protocols?: string[];
    message: RegExp;
  }[] = [
    {
      name: 'wrong Sec-WebSocket-Accept',
      reason: 'accept',
      response: () => upgradeResponse('dGhlIHNhbXBsZSBub25jZQ=='),
      message: /Accept/,
    },
    {
      name: 'missing Sec-WebSocket-Accept',
      reason: 'accept',
      response: (k) => upgradeResponse(k, { 'Sec-WebSocket-Accept': null }),
      message: /Accept/,
    },
    { name: 'missing Upgrade', reason: 'upgrade', response: (k) => upgradeResponse(k, { Upgrade: null }), message: /Upgrade/ },
    { name: 'Upgrade: h2c', reason: 'upgrade', response: (k) => upgradeResponse(k, { Upgrade: 'h2c' }), message: /h2c/ },
    {
      name: 'missing Connection',
      reason: 'connection',
      response: (k) => upgradeResponse(k, { Connection: null }),
      message: /Connection/,
    },
    {
      name: 'Connection: keep-alive only',
      reason: 'connection',
      response: (k) => upgradeResponse(k, { Connection: 'keep-alive' }),
      message: /keep-alive/,
    },
    {
      name: '200 OK',
      reason: 'status',
      status: 200,
      response: () => 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi',
      message: /200/,
    },
    {
      name: '302 redirect',
      reason: 'status',
      status: 302,
      response: () => 'HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n',
      message: /302/,
    },
    {
      name: '503',
      reason: 'status',
      status: 503,
      response: () => 'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3\r\nContent-Length: 0\r\n\r\n',
      message: /503/,
    },
    {
      name: 'unoffered subprotocol',
      reason: 'subprotocol',
      response: (k) => upgradeResponse(k, { 'Sec-WebSocket-Protocol': 'evil' }),
      message: /evil/,
    },
    {
      name: 'no subprotocol when one was offered',
      reason: 'subprotocol',
      protocols: ['chat'],
      response: (k) => upgradeResponse(k),
      message: /chat/,
    },
    {
      name: 'a subprotocol we did not offer among offered ones',
      reason: 'subprotocol',
      protocols: ['chat'],
      response: (k) => upgradeResponse(k, { 'Sec-WebSocket-Protocol': 'superchat' }),
      message: /superchat/,
    },
    // permessage-deflate is offered by default since issue 12: an extension nobody offered instead.
    {
      name: 'unoffered extension',
      reason: 'extension',
      response: (k) => upgradeResponse(k, { 'Sec-WebSocket-Extensions': 'x-webkit-deflate-frame' }),
      message: /x-webkit-deflate-frame/,
    },
    {
      name: 'garbage instead of HTTP',
      reason: 'malformed',
      response: () => 'SSH-2.0-OpenSSH_9.2\r\n\r\n',
      message: /Malformed HTTP response/,
    },
  ];

  it.each(cases)('$name → HandshakeError($reason)', async ({ reason, status, response, protocols, message }) => {
    const { client, info, connection } = await against((socket, req) => void socket.write(response(req.key)), {
      protocols: protocols ?? [],
    });
    expect(client.log).toEqual(['close']);
    expect(info.code).toBe(1006);
    expect(info.wasClean).toBe(false);
    expect(info.error).toBeInstanceOf(HandshakeError);
    const error = info.error as HandshakeError;
    expect(error.reason).toBe(reason);
    if (status) expect(error.status).toBe(status);
    expect(error.message).toMatch(message);
    // Destroyed at once: the server sees the connection close, and no frame was sent.
    await connection.closed;
    expect(connection.received()).toHaveLength(0);
  });

  it('oversized response headers → HandshakeError(headers-too-large)', async () => {
    const { info } = await against((socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\n');
      for (let i = 0; i < 400; i++) socket.write(`X-Filler-${i}: ${'x'.repeat(100)}\r\n`);
    });
    expect((info.error as HandshakeError).reason).toBe('headers-too-large');
  });

  it('server that never answers → TimeoutError(handshake) after handshakeTimeout', async () => {
    const { info, connection } = await against(() => {}, { handshakeTimeout: 200 });
    expect(info.error).toBeInstanceOf(TimeoutError);
    expect((info.error as TimeoutError).phase).toBe('handshake');
    await connection.closed;
  });

  it('server that closes before answering → error, not a hang', async () => {
    const { info } = await against((socket) => void socket.end());
    expect(info.code).toBe(1006);
    expect(info.error).toBeInstanceOf(HandshakeError);
  });

  it('connection refused → NetworkError with the system error as cause', async () => {
    const probe = await startRawServer(() => {});
    const url = probe.url;
    await probe.close();
    const client = open(url);
    const info = await client.closed;
    expect(info.error).toBeInstanceOf(NetworkError);
    expect((info.error?.cause as NodeJS.ErrnoException | undefined)?.code).toBe('ECONNREFUSED');
  });

  it('a 101 with frames in the same TCP packet → open, then the messages in order', async () => {
    server = await startRawServer((socket, req) => {
      socket.write(
        Buffer.concat([
          Buffer.from(upgradeResponse(req.key)),
          frame({ opcode: 1, payload: 'first' }),
          frame({ opcode: 2, payload: 'second' }),
        ]),
      );
    });
    const client = open(server.url);
    await client.opened;
    expect(await client.nextMessage()).toEqual({ data: 'first', binary: false });
    expect((await client.nextMessage()).binary).toBe(true);
    expect(client.log.slice(0, 3)).toEqual(['open', 'message', 'message']);
    client.transport.terminate();
    await client.closed;
  });
});

describe('frame violations fail the connection with the right close code', () => {
  const violations: { name: string; frames: Buffer[]; code: number }[] = [
    { name: 'masked server frame', frames: [frame({ opcode: 1, payload: 'Hello', masked: true })], code: 1002 },
    { name: 'RSV1 without an extension', frames: [frame({ opcode: 1, payload: 'x', rsv: 4 })], code: 1002 },
    { name: 'RSV2', frames: [frame({ opcode: 2, payload: 'x', rsv: 2 })], code: 1002 },
    { name: 'RSV3 on a ping', frames: [frame({ opcode: 9, rsv: 1 })], code: 1002 },
    { name: 'reserved opcode 3', frames: [frame({ opcode: 3 })], code: 1002 },
    { name: 'reserved opcode 0xB', frames: [frame({ opcode: 0xb })], code: 1002 },
    { name: 'ping of 126 bytes', frames: [frame({ opcode: 9, payload: new Uint8Array(126) })], code: 1002 },
    { name: 'fragmented ping', frames: [frame({ opcode: 9, fin: false, payload: 'a' })], code: 1002 },
    { name: 'continuation without a start', frames: [frame({ opcode: 0, payload: 'x' })], code: 1002 },
    {
      name: 'new text frame inside a fragmented message',
      frames: [frame({ opcode: 1, fin: false, payload: 'a' }), frame({ opcode: 1, payload: 'b' })],
      code: 1002,
    },
    { name: '64-bit length with the top bit set', frames: [Buffer.from('827f8000000000000001', 'hex')], code: 1002 },
    { name: 'invalid UTF-8 text', frames: [frame({ opcode: 1, payload: Uint8Array.of(0x48, 0xc3, 0x28) })], code: 1007 },
    {
      name: 'invalid UTF-8 split across fragments',
      frames: [
        frame({ opcode: 1, fin: false, payload: Uint8Array.of(0xce, 0xba, 0xe1) }),
        frame({ opcode: 0, payload: Uint8Array.of(0xbd, 0xff) }),
      ],
      code: 1007,
    },
    { name: 'close code 1005 on the wire', frames: [frame({ opcode: 8, payload: Uint8Array.of(0x03, 0xed) })], code: 1002 },
    { name: 'close code 999', frames: [frame({ opcode: 8, payload: Uint8Array.of(0x03, 0xe7) })], code: 1002 },
    { name: '1-byte close payload', frames: [frame({ opcode: 8, payload: Uint8Array.of(0x03) })], code: 1002 },
    {
      name: 'close reason that is not UTF-8',
      frames: [frame({ opcode: 8, payload: Uint8Array.of(0x03, 0xe8, 0xff) })],
      code: 1007,
    },
    { name: 'message over maxPayload', frames: [frame({ opcode: 2, payload: new Uint8Array(2048) })], code: 1009 },
  ];

  it.each(violations)('$name → close $code', async ({ frames, code }) => {
    const { client, info, connection } = await against(
      (socket, req) => {
        socket.write(upgradeResponse(req.key));
        for (const f of frames) socket.write(f);
      },
      { maxPayload: 1024 },
    );
    expect(client.log).toEqual(['open', 'close']);
    expect(info.code).toBe(1006);
    expect(info.wasClean).toBe(false);
    expect(info.error).toBeInstanceOf(ProtocolError);
    expect((info.error as ProtocolError).closeCode).toBe(code);
    const close = await connection.readClientFrame();
    expect(close).toMatchObject({ opcode: 8, masked: true });
    expect(close.payload.readUInt16BE(0)).toBe(code);
    await connection.closed;
  });

  it('abrupt TCP end in the middle of a frame → 1006 with a NetworkError', async () => {
    const { info } = await against((socket, req) => {
      socket.write(upgradeResponse(req.key));
      socket.end(frame({ opcode: 1, payload: 'Hello' }).subarray(0, 4));
    });
    expect(info).toMatchObject({ code: 1006, wasClean: false });
    expect(info.error).toBeInstanceOf(NetworkError);
  });

  it('a server that never answers our close → the close timeout destroys the socket', async () => {
    server = await startRawServer((socket, req) => void socket.write(upgradeResponse(req.key)));
    const client = open(server.url, { closeTimeout: 200 });
    await client.opened;
    client.transport.close(1000);
    const info = await client.closed;
    expect(info.wasClean).toBe(false);
    expect((info.error as TimeoutError).phase).toBe('close');
    const connection = server.connections[0];
    expect((await connection.readClientFrame()).opcode).toBe(8);
    await connection.closed;
  });
});
