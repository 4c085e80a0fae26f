/** ClientConnection.sendFragment byte for byte (the decode helpers are the ones of test/protocol/connection.test.ts). */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidStateError } from '../../src/errors.js';
import { Opcode } from '../../src/protocol/constants.js';
import { ClientConnection, type ConnectionOutput } from '../../src/protocol/connection.js';
import type { ConnectionEvents, OpenInfo } from '../../src/protocol/events.js';

const sha1 = (s: string): Uint8Array => createHash('sha1').update(s).digest();
const accept = (key: string): string =>
  createHash('sha1')
    .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
    .digest('base64');
const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));

interface ClientFrame {
  fin: boolean;
  opcode: number;
  masked: boolean;
  mask: Uint8Array;
  payload: Uint8Array;
}

/** Decode the frames a client wrote (after the handshake request), unmasking them. */
function decodeClientFrames(bytes: Uint8Array): ClientFrame[] {
  const frames: ClientFrame[] = [];
  let i = 0;
  while (i < bytes.length) {
    const fin = (bytes[i] & 0x80) !== 0;
    const opcode = bytes[i] & 0x0f;
    const masked = (bytes[i + 1] & 0x80) !== 0;
    let length = bytes[i + 1] & 0x7f;
    i += 2;
    if (length === 126) {
      length = (bytes[i] << 8) | bytes[i + 1];
      i += 2;
    } else if (length === 127) {
      length = Number(new DataView(bytes.buffer, bytes.byteOffset + i, 8).getBigUint64(0));
      i += 8;
    }
    const mask = bytes.slice(i, i + 4);
    i += 4;
    const payload = bytes.slice(i, i + length).map((b, j) => b ^ mask[j % 4]);
    i += length;
    frames.push({ fin, opcode, masked, mask, payload });
  }
  return frames;
}

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
  const sent = () => decodeClientFrames(Uint8Array.from(Buffer.concat(written.splice(0))));
  return { connection, request, response, sent, events, ends };
}

describe('ClientConnection.sendFragment (RFC 6455 §5.4)', () => {
  function open() {
    const made = setup();
    made.connection.receiveData(made.response());
    return made;
  }
  const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

  it('writes the opcode on the first fragment, continuations after, FIN on the last; all masked', () => {
    const { connection, sent } = open();
    expect(connection.sendFragment(Opcode.Text, bytes('he'), false)).toBe(true);
    expect(connection.sendFragment(Opcode.Continuation, bytes('l'), false)).toBe(true);
    expect(connection.sendFragment(Opcode.Continuation, bytes('lo'), true)).toBe(true);
    expect(sent().map(({ fin, opcode, masked, payload }) => [fin, opcode, masked, Buffer.from(payload).toString()])).toEqual([
      [false, 1, true, 'he'],
      [false, 0, true, 'l'],
      [true, 0, true, 'lo'],
    ]);
  });

  it('while a fragmented message is open, whole messages are not taken (false) but control frames go between', () => {
    const { connection, sent } = open();
    connection.sendFragment(Opcode.Binary, bytes('a'), false);
    expect(connection.sendText('x')).toBe(false);
    expect(connection.sendBinary(bytes('y'))).toBe(false);
    expect(connection.sendPing(bytes('p'))).toBe(true);
    connection.sendFragment(Opcode.Continuation, bytes('b'), true);
    expect(connection.sendText('after')).toBe(true);
    expect(sent().map(({ fin, opcode }) => [fin, opcode])).toEqual([
      [false, 2],
      [true, 9],
      [true, 0],
      [true, 1],
    ]);
  });

  it('refuses fragments out of sequence with InvalidStateError', () => {
    const { connection } = open();
    expect(() => connection.sendFragment(Opcode.Continuation, bytes('a'), true)).toThrow(InvalidStateError);
    connection.sendFragment(Opcode.Text, bytes('a'), false);
    expect(() => connection.sendFragment(Opcode.Text, bytes('b'), false)).toThrow(InvalidStateError);
  });

  it('takes nothing after our Close frame (false)', () => {
    const { connection } = open();
    connection.sendFragment(Opcode.Text, bytes('a'), false);
    connection.sendClose(1000);
    expect(connection.sendFragment(Opcode.Continuation, bytes('b'), true)).toBe(false);
  });
});
