import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { acceptKey, validateResponse } from '../../src/protocol/handshake.js';
import { HttpResponseParser } from '../../src/protocol/http-response-parser.js';
import { decodeFrame, frame } from './frames.js';
import { toHex } from './hex.js';
import { accept, startRawServer, upgradeResponse } from './raw-server.js';
import type { RawServer } from './raw-server.js';

const RFC_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

let server: RawServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('frame(): RFC 6455 §5.7 examples', () => {
  it('unmasked text "Hello" → 810548656c6c6f', () => {
    expect(toHex(frame({ opcode: 0x1, payload: 'Hello' }))).toBe('810548656c6c6f');
  });

  it('masked text "Hello" with key 37fa213d → 818537fa213d7f9f4d5158', () => {
    const bytes = frame({ opcode: 0x1, payload: 'Hello', masked: true, maskKey: Buffer.from('37fa213d', 'hex') });
    expect(toHex(bytes)).toBe('818537fa213d7f9f4d5158');
  });

  it('fragmented "Hel" + "lo" → 010348656c and 80026c6f', () => {
    expect(toHex(frame({ fin: false, opcode: 0x1, payload: 'Hel' }))).toBe('010348656c');
    expect(toHex(frame({ opcode: 0x0, payload: 'lo' }))).toBe('80026c6f');
  });

  it('256-byte binary → 827e0100…, 64 KiB binary → 827f0000000000010000…', () => {
    expect(toHex(frame({ opcode: 0x2, payload: new Uint8Array(256) }).subarray(0, 4))).toBe('827e0100');
    const big = frame({ opcode: 0x2, payload: new Uint8Array(65536) });
    expect(toHex(big.subarray(0, 10))).toBe('827f0000000000010000');
    expect(big).toHaveLength(10 + 65536);
  });

  it('breaks rules on request: RSV bits, reserved opcode, non-minimal length, lying length', () => {
    expect(toHex(frame({ rsv: 4, opcode: 0x3 }))).toBe('c300');
    expect(toHex(frame({ opcode: 0x1, payload: 'a', lengthForm: 64 }))).toBe('817f000000000000000161');
    expect(toHex(frame({ opcode: 0x1, payload: 'a', lengthForm: 16 }))).toBe('817e000161');
    expect(toHex(frame({ opcode: 0x2, payload: 'ab', lengthOverride: 10 }))).toBe('820a6162');
    expect(() => frame({ opcode: 0x1, payload: new Uint8Array(200), lengthForm: 7 })).toThrow(RangeError);
  });

  it('decodeFrame unmasks what frame() masked and reports incomplete input', () => {
    const bytes = frame({ opcode: 0x8, payload: Buffer.from('03e8', 'hex'), masked: true });
    expect(decodeFrame(bytes)).toMatchObject({ size: bytes.length, frame: { fin: true, opcode: 8, masked: true } });
    expect(toHex(decodeFrame(bytes)!.frame.payload)).toBe('03e8');
    for (let i = 0; i < bytes.length; i++) expect(decodeFrame(bytes.subarray(0, i))).toBeNull();
  });
});

describe('accept() / upgradeResponse()', () => {
  it('accept() matches the RFC 6455 §1.3 vector', () => {
    expect(accept(RFC_KEY)).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('upgradeResponse() is a 101 that src/protocol accepts', () => {
    const text = upgradeResponse(RFC_KEY);
    expect(text).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
    );
    const result = new HttpResponseParser().push(Buffer.from(text));
    const sha1 = (s: string): Uint8Array => createHash('sha1').update(s).digest();
    expect(
      validateResponse(result!.head, { key: RFC_KEY, expectedAccept: acceptKey(RFC_KEY, sha1), protocols: [], extensions: [] }),
    ).toEqual({ protocol: '', extensions: '' });
  });

  it('extra headers replace defaults in place, null removes, arrays repeat', () => {
    expect(upgradeResponse(RFC_KEY, { connection: 'keep-alive', 'Sec-WebSocket-Accept': null, 'X-A': ['1', '2'] })).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nconnection: keep-alive\r\nX-A: 1\r\nX-A: 2\r\n\r\n',
    );
  });
});

describe('startRawServer', () => {
  it('a real ws client completes the scripted handshake, receives the frame, and its close frame is read back', async () => {
    server = await startRawServer((socket, { key }) => {
      socket.write(upgradeResponse(key) + frame({ opcode: 0x1, payload: 'Hello' }).toString('latin1'), 'latin1');
    });
    const client = new WebSocket(`${server.url}/chat?x=1`, ['chat']);
    client.on('error', () => {});
    // The script selects no subprotocol, so ws fails this first client (correctly); only its request is inspected.
    await new Promise((resolve) => client.once('close', resolve));

    const connection = await server.nextConnection();
    expect(connection.request.method).toBe('GET');
    expect(connection.request.target).toBe('/chat?x=1');
    expect(connection.request.headers['sec-websocket-protocol']).toBe('chat');
    expect(connection.request.key).toBe(connection.request.headers['sec-websocket-key']);
    expect(connection.request.head.endsWith('\r\n\r\n')).toBe(true);

    const second = new WebSocket(server.url);
    const message = await new Promise<string>((resolve, reject) => {
      second.once('message', (data) => resolve(String(data)));
      second.once('error', reject);
    });
    expect(message).toBe('Hello');
    second.close(1000, 'bye');
    const connection2 = await server.nextConnection();
    const closeFrame = await connection2.readClientFrame();
    expect(closeFrame).toMatchObject({ fin: true, rsv: 0, opcode: 0x8, masked: true });
    expect(closeFrame.maskKey).toHaveLength(4);
    expect(toHex(closeFrame.payload)).toBe('03e8' + Buffer.from('bye').toString('hex'));
    // The script never answers the close frame; ending TCP lets ws close without its 30 s close timeout.
    const closed = new Promise((resolve) => second.once('close', resolve));
    connection2.socket.end();
    await closed;
  });

  it('keeps bytes the client sent in the same chunk as its request head', async () => {
    server = await startRawServer(() => {});
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    const request = 'GET / HTTP/1.1\r\nHost: x\r\nSec-WebSocket-Key: k\r\n\r\n';
    socket.write(Buffer.concat([Buffer.from(request), frame({ opcode: 0x9, payload: 'p', masked: true })]));
    const connection = await server.nextConnection();
    expect(connection.request.key).toBe('k');
    expect(await connection.readClientFrame()).toMatchObject({ opcode: 0x9, masked: true, payload: Buffer.from('p') });
    socket.end(frame({ opcode: 0x2, payload: 'tail' }).subarray(0, 3));
    await expect(connection.readClientFrame()).rejects.toThrow(/closed before a whole client frame arrived \(3 bytes pending\)/);
    expect(toHex(await connection.allReceived())).toContain('820474');
    socket.destroy();
  });

  it('readClientFrame times out when nothing arrives', async () => {
    server = await startRawServer(() => {});
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET / HTTP/1.1\r\n\r\n');
    const connection = await server.nextConnection();
    await expect(connection.readClientFrame(50)).rejects.toThrow(/Timed out after 50 ms/);
    socket.destroy();
  });

  it('records a failing script and destroys its socket', async () => {
    server = await startRawServer(async () => {
      throw new Error('script bug');
    });
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET / HTTP/1.1\r\n\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(server.errors).toHaveLength(1);
    expect(String(server.errors[0])).toContain('script bug');
  });

  it('close() destroys live sockets and resolves', async () => {
    server = await startRawServer(() => {});
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET / HTTP/1.1\r\n\r\n');
    await server.nextConnection();
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await server.close();
    await closed;
    await server.close();
  });

  it('binds ::1 on request', async () => {
    server = await startRawServer(
      (socket, { key }) => {
        socket.end(upgradeResponse(key));
      },
      { host: '::1' },
    );
    expect(server.url).toBe(`ws://[::1]:${server.port}`);
    const client = new WebSocket(server.url);
    await new Promise((resolve, reject) => {
      client.once('open', resolve);
      client.once('error', reject);
    });
    client.terminate();
  });
});
