/**
 * The interop scenarios, run by the public `Socket` against each peer of peers.ts: echo of text and binary up to
 * 4 MiB, fragmented sends (`fragmentSize`) that the peer must reassemble, fragmented messages from the peer,
 * subprotocol selection, pings, and close codes in both directions.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HandshakeError, Socket } from '../../src/index.node.js';
import type { SocketCloseEvent } from '../../src/events.js';
import type { SocketOptions } from '../../src/options.js';
import { withTimeout } from '../helpers/test-server.js';
import type { Peer } from './peers.js';

const MiB = 1024 * 1024;
const SIZES = [0, 1, 125, 126, 65_535, 65_536, MiB, 4 * MiB];

interface Received {
  data: string | Uint8Array;
  binary: boolean;
}

interface Client {
  socket: Socket;
  opened: Promise<void>;
  closed: Promise<SocketCloseEvent>;
  next(timeoutMs?: number): Promise<Received>;
  pongs: Uint8Array[];
}

const clients: Socket[] = [];
let counter = 0;

/** A unique connection id, so the peer's close report can be matched. */
const nextId = (): string => `c${process.pid}-${++counter}`;

function connect(url: string, options: SocketOptions = {}): Client {
  const socket = new Socket(url, { reconnect: false, heartbeat: false, ...options });
  clients.push(socket);
  const received: Received[] = [];
  const waiting: ((message: Received) => void)[] = [];
  const pongs: Uint8Array[] = [];
  socket.on('message', (data, info) => {
    const message = { data, binary: info.binary };
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else received.push(message);
  });
  socket.on('pong', (data) => pongs.push(data));
  socket.on('error', () => {}); // asserted through the close event
  const closed = new Promise<SocketCloseEvent>((resolve) => socket.once('close', resolve));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    void closed.then((event) => reject(new Error(`closed before opening: ${event.code} ${event.error?.message ?? ''}`)));
  });
  const openedInTime = withTimeout(opened, 10_000, 'the socket to open');
  // Awaited only by the tests that expect an open; the others must not see an unhandled rejection.
  openedInTime.catch(() => {});
  return {
    socket,
    opened: openedInTime,
    closed,
    pongs,
    next(timeoutMs = 20_000) {
      const ready = received.shift();
      if (ready) return Promise.resolve(ready);
      return withTimeout(new Promise<Received>((resolve) => waiting.push(resolve)), timeoutMs, 'an echoed message');
    },
  };
}

function textOfBytes(bytes: number): string {
  const unit = 'aé€😀'; // 10 bytes
  const whole = Math.floor(bytes / 10);
  return unit.repeat(whole) + 'x'.repeat(bytes - whole * 10);
}

function bytesOf(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

function expectSame(actual: Received, expected: string | Uint8Array): void {
  if (typeof expected === 'string') {
    expect(actual.binary).toBe(false);
    // Not toBe: a 4 MiB diff would drown the report.
    if (actual.data !== expected) expect.fail(`text differs: ${String(actual.data).length} vs ${expected.length} code units`);
  } else {
    expect(actual.binary).toBe(true);
    const data = actual.data as Uint8Array;
    expect(data.length).toBe(expected.length);
    expect(Buffer.compare(Buffer.from(data.buffer, data.byteOffset, data.byteLength), Buffer.from(expected))).toBe(0);
  }
}

async function closeClean(client: Client): Promise<SocketCloseEvent> {
  client.socket.close(1000, 'done');
  const event = await withTimeout(client.closed, 10_000, 'the socket to close');
  expect(event).toMatchObject({ code: 1000, wasClean: true });
  return event;
}

/** Defines the interop suite for one peer. */
export function defineInteropSuite(title: string, start: () => Promise<Peer>): void {
  describe(title, () => {
    let started: Peer | undefined;
    let startError: unknown;
    /** The peer; a peer that could not start (e.g. not installed) fails every test with the reason, none is skipped. */
    const peerOrThrow = (): Peer => {
      if (!started) throw startError;
      return started;
    };
    const peer = {
      url: (path: string) => peerOrThrow().url(path),
      closeReceived: (id: string) => peerOrThrow().closeReceived(id),
    };

    beforeAll(async () => {
      try {
        started = await start();
        console.log(`[interop] ${title}: ${started.version}`);
      } catch (error) {
        startError = error;
      }
    }, 30_000);

    it('the peer is installed and running, and it is the peer that answers the handshake', async () => {
      const { serverHeader } = peerOrThrow();
      const client = connect(peer.url(`/echo?id=${nextId()}`));
      await client.opened;
      const server = client.socket.handshake?.headers.server;
      if (serverHeader) expect(server).toMatch(serverHeader);
      else expect(server).toBeUndefined();
      await closeClean(client);
    });

    afterEach(() => {
      for (const socket of clients.splice(0)) if (socket.state !== 'closed') socket.close();
    });

    afterAll(async () => {
      await started?.close();
    });

    it.each(['text', 'binary'] as const)(
      `echoes %s messages of ${SIZES.map((s) => (s >= MiB ? `${s / MiB} MiB` : s)).join(', ')} bytes`,
      async (kind) => {
        const client = connect(peer.url(`/echo?id=${nextId()}`));
        await client.opened;
        const payloads = SIZES.map((size) => (kind === 'text' ? textOfBytes(size) : bytesOf(size)));
        for (const payload of payloads) client.socket.send(payload);
        for (const payload of payloads) expectSame(await client.next(), payload);
        await closeClean(client);
      },
    );

    it('the peer reassembles fragmented sends (fragmentSize), including UTF-8 split inside characters', async () => {
      const client = connect(peer.url(`/echo?id=${nextId()}`), { fragmentSize: 1000 });
      await client.opened;
      const big = textOfBytes(MiB + 7);
      const binary = bytesOf(100 * 1024 + 3);
      const small = 'κόσμε 😀 €';
      client.socket.send(big);
      client.socket.send(binary);
      // One byte per frame: every multi-byte character is split across fragments.
      client.socket.send(small, { fragmentSize: 1 });
      client.socket.send(bytesOf(10), { fragmentSize: 3 });
      expectSame(await client.next(), big);
      expectSame(await client.next(), binary);
      expectSame(await client.next(), small);
      expectSame(await client.next(), bytesOf(10));
      await closeClean(client);
    });

    it('the client reassembles messages the peer sends in fragments', async () => {
      const client = connect(peer.url(`/echo-fragmented?id=${nextId()}`));
      await client.opened;
      const text = textOfBytes(300_001);
      const binary = bytesOf(200_002);
      client.socket.send(text);
      client.socket.send(binary);
      client.socket.send('ab€');
      expectSame(await client.next(), text);
      expectSame(await client.next(), binary);
      expectSame(await client.next(), 'ab€');
      await closeClean(client);
    });

    it.each([
      { offered: ['chat'], selected: 'chat' },
      { offered: ['superchat'], selected: 'superchat' },
      { offered: ['chat', 'superchat'], selected: 'superchat' },
      { offered: ['v9.unknown', 'chat'], selected: 'chat' },
    ])('subprotocol: offers $offered, the peer selects $selected', async ({ offered, selected }) => {
      const client = connect(peer.url(`/echo?id=${nextId()}`), { protocols: offered });
      await client.opened;
      expect(client.socket.protocol).toBe(selected);
      client.socket.send('hi');
      expectSame(await client.next(), 'hi');
      await closeClean(client);
    });

    it('subprotocol: offers only unknown ones, the peer answers without one → HandshakeError(subprotocol)', async () => {
      const client = connect(peer.url(`/echo?id=${nextId()}`), { protocols: ['v9.unknown'] });
      const event = await withTimeout(client.closed, 10_000, 'the failed handshake');
      expect(event.code).toBe(1006);
      expect(event.error).toBeInstanceOf(HandshakeError);
      expect((event.error as HandshakeError).reason).toBe('subprotocol');
    });

    it('answers pings: ping payload comes back in the pong', async () => {
      const client = connect(peer.url(`/echo?id=${nextId()}`));
      await client.opened;
      client.socket.ping('are you there?');
      client.socket.send('after the ping');
      expectSame(await client.next(), 'after the ping');
      await withTimeout(
        (async () => {
          while (client.pongs.length === 0) await new Promise((r) => setTimeout(r, 5));
        })(),
        5_000,
        'the pong',
      );
      expect(Buffer.from(client.pongs[0]).toString()).toBe('are you there?');
      await closeClean(client);
    });

    const reason123 = 'é€😀'.repeat(13) + 'r'.repeat(123 - 13 * 9);
    it.each([
      { code: 1000, reason: 'normal' },
      { code: 3000, reason: '' },
      { code: 4000, reason: 'κόσμε' },
      { code: 4999, reason: reason123 },
    ])('client closes with $code: the peer receives the code and reason, and the close is clean', async ({ code, reason }) => {
      const id = nextId();
      const client = connect(peer.url(`/echo?id=${id}`));
      await client.opened;
      client.socket.close(code, reason);
      const event = await withTimeout(client.closed, 10_000, 'the close');
      expect(await peer.closeReceived(id)).toEqual({ code, reason });
      expect(event.wasClean).toBe(true);
      expect(event.code, 'the peer echoes the code').toBe(code);
      expect(event.error).toBeUndefined();
    });

    it.each([
      { code: 1000, reason: 'bye' },
      { code: 1001, reason: 'going away' },
      { code: 1008, reason: 'policy' },
      { code: 1011, reason: 'internal error' },
      { code: 3001, reason: '' },
      { code: 4002, reason: 'κόσμε' },
      { code: 4999, reason: reason123 },
    ])('peer closes with $code: the client reports the code and reason, clean, and echoes the code', async ({ code, reason }) => {
      const id = nextId();
      const client = connect(peer.url(`/close?id=${id}&code=${code}&reason=${encodeURIComponent(reason)}`));
      const event = await withTimeout(client.closed, 10_000, 'the close');
      expect(event).toMatchObject({ code, reason, wasClean: true });
      expect(event.error).toBeUndefined();
      expect((await peer.closeReceived(id)).code, 'the client echoed the code').toBe(code);
    });
  });
}
