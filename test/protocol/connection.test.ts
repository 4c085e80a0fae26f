import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConnectionClosedError, HandshakeError, NetworkError, ProtocolError } from '../../src/errors.js';
import { ClientConnection, type ConnectionOutput } from '../../src/protocol/connection.js';
import type { ConnectionEvents, OpenInfo } from '../../src/protocol/events.js';
import { decodeFrames } from '../helpers/frames.js';
import { hex } from '../helpers/hex.js';

const sha1 = (s: string): Uint8Array => createHash('sha1').update(s).digest();
const accept = (key: string): string =>
  createHash('sha1')
    .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
    .digest('base64');
const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));

function setup(protocols: string[] = []) {
  const written: Uint8Array[] = [];
  const events: unknown[] = [];
  const ends: boolean[] = [];
  const output: ConnectionOutput = {
    write: (bytes) => written.push(bytes),
    end: (abort) => ends.push(abort),
  };
  const handler: ConnectionEvents = {
    onOpen: (info: OpenInfo) => events.push(['open', info.protocol]),
    onMessage: (data, binary) => events.push(['message', data, binary]),
    onPing: (data) => events.push(['ping', Buffer.from(data).toString()]),
    onPong: (data) => events.push(['pong', Buffer.from(data).toString()]),
  };
  const connection = new ClientConnection(
    { url: new URL('ws://example.com/chat'), protocols, headers: {}, origin: undefined, maxPayload: 1024, sha1 },
    output,
    handler,
  );
  connection.start();
  const request = Buffer.from(written.shift()!).toString('latin1');
  const response = (extra = '', key = connection.key) =>
    ascii(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept(key)}\r\n${extra}\r\n`,
    );
  const sent = () => decodeFrames(Uint8Array.from(Buffer.concat(written.splice(0))));
  return { connection, request, response, sent, events, ends };
}

describe('ClientConnection', () => {
  it('client sends an Upgrade request carrying a fresh 16-byte key', () => {
    const a = setup();
    const b = setup();
    expect(a.request).toMatch(/^GET \/chat HTTP\/1\.1\r\n/);
    expect(a.request).toContain(`Sec-WebSocket-Key: ${a.connection.key}\r\n`);
    expect(Buffer.from(a.connection.key, 'base64')).toHaveLength(16);
    expect(a.connection.key).not.toBe(b.connection.key);
    expect(a.connection.expectedAccept).toBe(accept(a.connection.key));
  });

  it('client receives 101 with a frame in the same chunk → open, then the message', () => {
    const { connection, response, events } = setup();
    const bytes = Buffer.concat([response(), hex('810548656c6c6f')]);
    connection.receiveData(bytes);
    expect(connection.state).toBe('open');
    expect(events).toEqual([
      ['open', ''],
      ['message', 'Hello', false],
    ]);
    expect(connection.handshake?.receivedAccept).toBe(connection.expectedAccept);
  });

  it('client receives the response one byte at a time → same result', () => {
    const { connection, response, events } = setup();
    const bytes = Buffer.concat([response(), hex('810548656c6c6f')]);
    for (const byte of bytes) connection.receiveData(Uint8Array.of(byte));
    expect(events).toEqual([
      ['open', ''],
      ['message', 'Hello', false],
    ]);
  });

  it('client receives a wrong Sec-WebSocket-Accept → fails the handshake and destroys TCP', () => {
    const { connection, response, ends, events } = setup();
    connection.receiveData(response('', 'dGhlIHNhbXBsZSBub25jZQ=='));
    expect(connection.state).toBe('closed');
    expect(ends).toEqual([true]);
    expect(events).toEqual([]);
    expect(connection.error).toBeInstanceOf(HandshakeError);
    expect((connection.error as HandshakeError).reason).toBe('accept');
    expect(connection.closeInfo()).toMatchObject({ code: 1006, wasClean: false });
  });

  it('client offered subprotocols and the server selected one → open reports it', () => {
    const { connection, response, events } = setup(['chat', 'superchat']);
    connection.receiveData(response('Sec-WebSocket-Protocol: superchat\r\n'));
    expect(events).toEqual([['open', 'superchat']]);
  });

  it('server closes TCP before answering → handshake error', () => {
    const { connection } = setup();
    connection.receiveEof();
    expect(connection.closeInfo().error).toBeInstanceOf(HandshakeError);
  });

  it('client receives ping → answers with a masked pong carrying the same payload', () => {
    const { connection, response, sent, events } = setup();
    connection.receiveData(response());
    connection.receiveData(hex('890548656c6c6f'));
    const [pong] = sent();
    expect(pong).toMatchObject({ fin: true, opcode: 0xa, masked: true });
    expect(Buffer.from(pong.payload).toString()).toBe('Hello');
    expect(events.at(-1)).toEqual(['ping', 'Hello']);
  });

  it('client receives close 1000 → echoes 1000, ends TCP, and the close is clean', () => {
    const { connection, response, sent, ends } = setup();
    connection.receiveData(response());
    connection.receiveData(hex('880503e8627965'));
    const [echo] = sent();
    expect(echo.opcode).toBe(0x8);
    expect([...echo.payload.slice(0, 2)]).toEqual([0x03, 0xe8]);
    expect(ends).toEqual([false]);
    connection.receiveEof();
    expect(connection.closeInfo()).toEqual({ code: 1000, reason: 'bye', wasClean: true });
  });

  it('client receives close with no code → echoes an empty close and reports 1005', () => {
    const { connection, response, sent } = setup();
    connection.receiveData(response());
    connection.receiveData(hex('8800'));
    expect(sent()[0].payload).toHaveLength(0);
    connection.receiveEof();
    expect(connection.closeInfo()).toMatchObject({ code: 1005, reason: '', wasClean: true });
  });

  it('client receives a data frame after close → ignored', () => {
    const { connection, response, events } = setup();
    connection.receiveData(response());
    connection.receiveData(hex('880203e8 810548656c6c6f'));
    expect(events).toEqual([['open', '']]);
  });

  it('client receives a masked frame → sends close 1002 and reports a ProtocolError', () => {
    const { connection, response, sent, ends } = setup();
    connection.receiveData(response());
    connection.receiveData(hex('818537fa213d7f9f4d5158'));
    const [close] = sent();
    expect(close.opcode).toBe(0x8);
    expect((close.payload[0] << 8) | close.payload[1]).toBe(1002);
    expect(ends).toEqual([false]);
    connection.receiveEof();
    const info = connection.closeInfo();
    expect(info).toMatchObject({ code: 1006, wasClean: false });
    expect(info.error).toBeInstanceOf(ProtocolError);
    expect((info.error as ProtocolError).closeCode).toBe(1002);
  });

  it('client receives a message over maxPayload → sends close 1009', () => {
    const { connection, response, sent } = setup();
    connection.receiveData(response());
    connection.receiveData(hex('827e0800')); // binary, 2048 bytes > maxPayload 1024: header alone decides
    const [close] = sent();
    expect((close.payload[0] << 8) | close.payload[1]).toBe(1009);
  });

  it('client sends fragmented text → Text + Continuation frames, each with its own mask', () => {
    const { connection, response, sent } = setup();
    connection.receiveData(response());
    connection.sendText('hello world', 4);
    const frames = sent();
    expect(frames.map((f) => [f.opcode, f.fin])).toEqual([
      [1, false],
      [0, false],
      [0, true],
    ]);
    expect(Buffer.concat(frames.map((f) => f.payload)).toString()).toBe('hello world');
    expect(frames.every((f) => f.masked)).toBe(true);
  });

  it('client starts the closing handshake → server echo completes it cleanly', () => {
    const { connection, response, sent, ends } = setup();
    connection.receiveData(response());
    connection.sendClose(4000, 'done');
    const [close] = sent();
    expect((close.payload[0] << 8) | close.payload[1]).toBe(4000);
    expect(Buffer.from(close.payload.slice(2)).toString()).toBe('done');
    expect(connection.state).toBe('closing');
    expect(connection.sendText('late')).toBe(false);
    expect(sent()).toEqual([]);
    connection.receiveData(hex('8802 0fa0'));
    expect(ends).toEqual([false]);
    connection.receiveEof();
    expect(connection.closeInfo()).toEqual({ code: 4000, reason: '', wasClean: true });
  });

  it('server drops TCP in the middle of a frame → abnormal close with a NetworkError', () => {
    const { connection, response } = setup();
    connection.receiveData(response());
    connection.receiveData(hex('8105486c'));
    connection.receiveEof();
    const info = connection.closeInfo();
    expect(info).toMatchObject({ code: 1006, wasClean: false });
    expect(info.error).toBeInstanceOf(NetworkError);
  });

  it('TCP ends twice (FIN, then the socket closes or errors) → the first end decides, the second changes nothing', () => {
    const { connection, response } = setup();
    connection.receiveData(response());
    connection.receiveEof();
    connection.receiveEof(new ConnectionClosedError('terminated', 1006, '', false));
    const info = connection.closeInfo();
    expect(info).toMatchObject({ code: 1006, wasClean: false });
    expect(info.error).toBeInstanceOf(NetworkError);
    expect(info.error?.message).toBe('Connection closed without a closing handshake');
    expect(connection.state).toBe('closed');
  });

  it('the transport gives up with an error (timeout, reset) → that error, unless both Close frames were exchanged', () => {
    const failed = setup();
    failed.connection.receiveData(failed.response());
    const reason = new NetworkError('Connection error: ECONNRESET');
    failed.connection.receiveEof(reason);
    expect(failed.connection.closeInfo().error).toBe(reason);

    const clean = setup();
    clean.connection.receiveData(clean.response());
    clean.connection.receiveData(hex('880203e8'));
    clean.connection.receiveEof(new NetworkError('Connection error: ECONNRESET'));
    expect(clean.connection.closeInfo()).toEqual({ code: 1000, reason: '', wasClean: true });
  });

  it('client sends after TCP ended → nothing is written and send reports false', () => {
    const { connection, response, sent } = setup();
    connection.receiveData(response());
    connection.receiveEof();
    expect(connection.sendText('late')).toBe(false);
    expect(connection.sendPing()).toBe(false);
    expect(sent()).toEqual([]);
  });
});
