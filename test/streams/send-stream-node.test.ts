/**
 * sendStream() over the real Node transport on loopback: a real `ws` server reassembles the fragments into one
 * message; our raw server sees every frame (first opcode, continuations, FIN last), a ping between fragments, the
 * messages sent meanwhile after the stream; abort() closes with 1011; a dropped link rejects and drops once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, ConnectionClosedError } from '../../src/errors.js';
import { Socket } from '../../src/index.node.js';
import type { DropEvent } from '../../src/events.js';
import { startRawServer, upgradeResponse, type ClientFrame, type RawServer } from '../helpers/raw-server.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';
import { next, until } from '../socket/helpers/node.js';

let server: WsServer | RawServer | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.close();
  socket = undefined;
  await server?.close();
  server = undefined;
});

const fast = { reconnect: { minDelay: 10, maxDelay: 50 }, heartbeat: false as const };

async function openTo(url: string, options = {}): Promise<Socket> {
  const s = new Socket(url, { ...fast, ...options });
  await next(s, 'open');
  return s;
}

describe('sendStream() at a real ws server', () => {
  it('50 text chunks arrive as one message, and a message sent meanwhile after it', async () => {
    const received: { data: string; binary: boolean }[] = [];
    const ws = (server = await startWsServer({
      echo: false,
      onConnection(peer) {
        peer.on('message', (data, binary) => received.push({ data: data.toString(), binary }));
      },
    }));
    socket = await openTo(ws.url);
    const writer = socket.sendStream();
    expect(writer.fragmented).toBe(true);
    const chunks = Array.from({ length: 50 }, (_, i) => `chunk ${i} é€😀;`);
    for (let i = 0; i < 50; i++) {
      await writer.write(chunks[i]!);
      if (i === 10) socket.send('sent during the stream');
    }
    await writer.end();
    await until(() => received.length === 2, 'two messages at the server');
    expect(received).toEqual([
      { data: chunks.join(''), binary: false },
      { data: 'sent during the stream', binary: false },
    ]);
  });

  it('a 4 MiB binary message in 50 chunks arrives byte-exact', async () => {
    const received: Buffer[] = [];
    const ws = (server = await startWsServer({
      echo: false,
      onConnection: (peer) => peer.on('message', (data) => received.push(data as Buffer)),
    }));
    socket = await openTo(ws.url);
    const writer = socket.sendStream({ binary: true });
    const whole = new Uint8Array(50 * 80 * 1024).map((_, i) => (i * 7) & 0xff);
    for (let i = 0; i < 50; i++) await writer.write(whole.subarray(i * 80 * 1024, (i + 1) * 80 * 1024));
    await writer.end();
    await until(() => received.length === 1, 'the message at the server');
    expect(Buffer.compare(received[0]!, Buffer.from(whole))).toBe(0);
  });

  it('abort() closes the link with 1011, the server gets no message, the queued message goes on the next link', async () => {
    const received: string[] = [];
    const closes: number[] = [];
    const ws = (server = await startWsServer({
      echo: false,
      onConnection(peer) {
        peer.on('message', (data) => received.push(data.toString()));
        peer.on('close', (code) => closes.push(code));
      },
    }));
    socket = await openTo(ws.url);
    const drops: DropEvent[] = [];
    socket.on('drop', (drop) => drops.push(drop));
    const writer = socket.sendStream();
    await writer.write('half a message');
    socket.send('queued behind the stream');
    writer.abort('producer failed');
    await expect(writer.write('more')).rejects.toThrow(AbortError);
    await next(socket, 'open');
    await until(() => received.length === 1, 'the queued message');
    expect(received).toEqual(['queued behind the stream']);
    expect(closes).toEqual([1011]);
    expect(drops).toHaveLength(1);
    expect(drops[0]!.error).toBeInstanceOf(AbortError);
  });
});

describe('sendStream() at a raw server (frames as sent)', () => {
  async function rawServer(): Promise<RawServer> {
    return (server = await startRawServer((peer, { key }) => {
      peer.write(upgradeResponse(key));
    }));
  }

  async function frames(raw: RawServer, count: number): Promise<ClientFrame[]> {
    const connection = raw.connections[raw.connections.length - 1]!;
    const out: ClientFrame[] = [];
    for (let i = 0; i < count; i++) out.push(await connection.readClientFrame());
    return out;
  }

  it('50 chunks are 50 frames: text opcode first, continuations, FIN on the last only; a ping goes between them', async () => {
    const raw = await rawServer();
    socket = await openTo(raw.url);
    const writer = socket.sendStream();
    for (let i = 0; i < 49; i++) {
      await writer.write(`c${i}`);
      if (i === 20) socket.ping(new Uint8Array([7]));
      if (i === 30) socket.send('after the stream');
    }
    await writer.end('last');
    const got = await frames(raw, 52);
    const data = got.filter((f) => f.opcode !== 0x9);
    expect(data).toHaveLength(51);
    const message = data.slice(0, 50);
    expect(message.map((f) => f.opcode)).toEqual([0x1, ...Array<number>(49).fill(0x0)]);
    expect(message.map((f) => f.fin)).toEqual([...Array<boolean>(49).fill(false), true]);
    expect(message.every((f) => f.masked)).toBe(true);
    expect(message.map((f) => f.payload.toString()).join('')).toBe(
      Array.from({ length: 49 }, (_, i) => `c${i}`).join('') + 'last',
    );
    // The ping went out between two fragments, right after the 21st.
    const pingAt = got.findIndex((f) => f.opcode === 0x9);
    expect(pingAt).toBe(21);
    expect([...got[pingAt]!.payload]).toEqual([7]);
    // The message sent during the stream is after the final fragment, whole.
    expect(data[50]).toMatchObject({ opcode: 0x1, fin: true });
    expect(data[50]!.payload.toString()).toBe('after the stream');
  });

  it('a link dropped mid-stream rejects with ConnectionClosedError and drops once; queued messages go on the next link', async () => {
    const raw = await rawServer();
    socket = await openTo(raw.url);
    const drops: DropEvent[] = [];
    socket.on('drop', (drop) => drops.push(drop));
    const writer = socket.sendStream({ binary: true });
    await writer.write(new Uint8Array([1, 2, 3]));
    socket.send('queued');
    await frames(raw, 1);
    raw.connections[0]!.socket.destroy();
    await next(socket, 'disconnect');
    await expect(writer.write(new Uint8Array([4]))).rejects.toThrow(ConnectionClosedError);
    await expect(writer.end()).rejects.toThrow(ConnectionClosedError);
    expect(drops).toHaveLength(1);
    expect(drops[0]!.error).toBeInstanceOf(ConnectionClosedError);
    await next(socket, 'open');
    const [queued] = await frames(raw, 1);
    expect(queued).toMatchObject({ opcode: 0x1, fin: true });
    expect(queued!.payload.toString()).toBe('queued');
  });
});
