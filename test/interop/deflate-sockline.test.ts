/**
 * Interop with compression NEGOTIATED (issue 12): sockline's Node `Socket` against the three compressing peers of
 * deflate-peers.ts — the ws server in every perMessageDeflate combination it has, Python websockets (its default
 * is permessage-deflate) and Autobahn-Python. For each: both sides' account of the agreed extension
 * (`socket.extensions`, `socket.handshake.perMessageDeflate`, the server's own report), then compressible text and
 * binary echoed byte-exact, up to 4 MiB both ways (1 MiB for each of the 64 ws combinations).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Socket } from '../../src/index.node.js';
import type { SocketOptions } from '../../src/options.js';
import { withTimeout } from '../helpers/test-server.js';
import {
  startAutobahnDeflatePeer,
  startPythonDeflatePeer,
  startWsDeflatePeer,
  WS_DEFLATE_COMBINATIONS,
  type DeflatePeer,
} from './deflate-peers.js';

const MiB = 1024 * 1024;
let peer: DeflatePeer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await peer?.close();
  peer = undefined;
});

interface Client {
  socket: Socket;
  echo(data: string | Uint8Array): Promise<string | Uint8Array>;
}

async function connect(url: string, options: SocketOptions = {}): Promise<Client> {
  const socket = new Socket(url, { reconnect: false, heartbeat: false, ...options });
  sockets.push(socket);
  const waiting: ((data: string | Uint8Array) => void)[] = [];
  socket.on('message', (data) => waiting.shift()?.(data));
  socket.on('error', () => {});
  await withTimeout(new Promise<void>((resolve) => socket.once('open', () => resolve())), 10_000, 'the socket to open');
  return {
    socket,
    echo: (data) =>
      withTimeout(
        new Promise<string | Uint8Array>((resolve) => {
          waiting.push(resolve);
          socket.send(data);
        }),
        20_000,
        'the echo',
      ),
  };
}

const compressibleText = (bytes: number): string => {
  let out = '';
  for (let i = 0; out.length < bytes; i++) out += `{"seq":${i},"sym":"ETH-USD","px":"${(3000 + (i % 89) / 10).toFixed(1)}"},`;
  return out.slice(0, bytes);
};

/** Several sizes of text and binary, byte-exact both ways, plus an uncompressed small message in between. */
async function exercise(client: Client, largest: number): Promise<void> {
  for (const size of [0, 1, 1024, 64 * 1024, largest]) {
    const text = compressibleText(size);
    expect(await client.echo(text)).toBe(text);
    const binary = new TextEncoder().encode(compressibleText(size));
    const back = await client.echo(binary);
    expect(back).toBeInstanceOf(Uint8Array);
    expect(Buffer.compare(Buffer.from(back as Uint8Array), Buffer.from(binary)), `binary ${size} B byte-exact`).toBe(0);
  }
}

function expectNegotiated(client: Client): void {
  expect(client.socket.extensions).toMatch(/^permessage-deflate/);
  expect(client.socket.handshake?.perMessageDeflate).toBeDefined();
}

describe('sockline against the ws server with perMessageDeflate, every combination', () => {
  it.each(WS_DEFLATE_COMBINATIONS.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, { options }) => {
      peer = await startWsDeflatePeer(options);
      const client = await connect(peer.url('/combo'));
      const server = await peer.opened();
      expectNegotiated(client);
      expect(client.socket.extensions).toBe(server.extensions);
      const agreed = client.socket.handshake!.perMessageDeflate!;
      expect(agreed.serverNoContextTakeover).toBe(!!options.serverNoContextTakeover);
      expect(agreed.clientNoContextTakeover).toBe(!!options.clientNoContextTakeover);
      expect(agreed.serverMaxWindowBits).toBe(options.serverMaxWindowBits ?? 15);
      expect(agreed.clientMaxWindowBits).toBe(options.clientMaxWindowBits ?? 15);
      await exercise(client, MiB);
    },
    60_000,
  );
});

describe('sockline against Python websockets (Debian python3-websockets)', () => {
  it('its default compression: permessage-deflate with 12-bit windows, 4 MiB both ways', async () => {
    peer = await startPythonDeflatePeer();
    const client = await connect(peer.url('/default'));
    const server = await peer.opened();
    expectNegotiated(client);
    expect(client.socket.extensions).toBe(server.extensions);
    expect(client.socket.handshake!.perMessageDeflate).toMatchObject({ serverMaxWindowBits: 12, clientMaxWindowBits: 12 });
    await exercise(client, 4 * MiB);
  }, 60_000);

  it('no context takeover both ways, server window 9', async () => {
    peer = await startPythonDeflatePeer({
      server_no_context_takeover: true,
      client_no_context_takeover: true,
      server_max_window_bits: 9,
    });
    const client = await connect(peer.url('/strict'));
    await peer.opened();
    expectNegotiated(client);
    expect(client.socket.handshake!.perMessageDeflate).toMatchObject({
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 9,
    });
    await exercise(client, 4 * MiB);
  }, 60_000);

  it('perMessageDeflate: false offers nothing and the connection runs uncompressed', async () => {
    peer = await startPythonDeflatePeer();
    const client = await connect(peer.url('/off'), { perMessageDeflate: false });
    const server = await peer.opened();
    expect(server.extensions).toBe('');
    expect(client.socket.extensions).toBe('');
    expect(client.socket.handshake?.perMessageDeflate).toBeUndefined();
    expect(await client.echo('plain')).toBe('plain');
  }, 30_000);
});

describe('sockline against Autobahn|Python (Debian python3-autobahn)', () => {
  it('accepts the default offer, 4 MiB both ways', async () => {
    peer = await startAutobahnDeflatePeer();
    const client = await connect(peer.url('/default'));
    const server = await peer.opened();
    expect(server.extensions).toMatch(/PerMessageDeflate/);
    expectNegotiated(client);
    await exercise(client, 4 * MiB);
  }, 60_000);

  it('grants server_no_context_takeover and the window asked for, and asks the same of the client', async () => {
    peer = await startAutobahnDeflatePeer({ request_no_context_takeover: true, request_max_window_bits: 10 });
    const client = await connect(peer.url('/strict'), {
      perMessageDeflate: { serverNoContextTakeover: true, serverMaxWindowBits: 10 },
    });
    await peer.opened();
    expectNegotiated(client);
    expect(client.socket.handshake!.perMessageDeflate).toEqual({
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 10,
    });
    await exercise(client, 4 * MiB);
  }, 60_000);
});
