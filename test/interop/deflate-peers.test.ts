/**
 * The compression peers (deflate-peers.ts) start on loopback and negotiate permessage-deflate — checked here with
 * `ws`'s own client (the peers themselves); sockline's client against them is deflate-sockline.test.ts. For each: the server's
 * and the client's account of the agreed parameters, a byte-exact echo of compressible text and binary (1 MiB for
 * each ws combination, 4 MiB for the Python peers), and proof on the wire that it was compressed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import {
  startAutobahnDeflatePeer,
  startPythonDeflatePeer,
  startWsDeflatePeer,
  WS_DEFLATE_COMBINATIONS,
  type DeflatePeer,
} from './deflate-peers.js';

let peer: DeflatePeer | undefined;
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const ws of clients.splice(0)) ws.terminate();
  await peer?.close();
  peer = undefined;
});

/** A ws client offering permessage-deflate; `header` is the Sec-WebSocket-Extensions of the 101 it got. */
function connect(url: string, options: ClientOptions = {}): Promise<{ ws: WebSocket; header: string }> {
  const ws = new WebSocket(url, { perMessageDeflate: true, ...options });
  clients.push(ws);
  let header = '';
  ws.once('upgrade', (response) => (header = String(response.headers['sec-websocket-extensions'] ?? '')));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, header }));
    ws.once('error', reject);
  });
}

function echo(ws: WebSocket, data: string | Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no echo within 10 s')), 10_000);
    ws.once('message', (message, isBinary) => {
      clearTimeout(timer);
      expect(isBinary).toBe(typeof data !== 'string');
      resolve(message as Buffer);
    });
    ws.send(data, { binary: typeof data !== 'string', compress: true });
  });
}

const compressibleText = (bytes: number): string => {
  let out = '';
  for (let i = 0; out.length < bytes; i++) out += `{"seq":${i},"sym":"ETH-USD","px":"${(3000 + (i % 89) / 10).toFixed(1)}"},`;
  return out.slice(0, bytes);
};

/** Echo 64 KiB of text and `binaryBytes` of binary byte-exact; the bytes read from TCP prove compression. */
async function exercise(ws: WebSocket, binaryBytes = 4 * 1024 * 1024): Promise<void> {
  const text = compressibleText(64 * 1024);
  expect((await echo(ws, text)).toString('utf8')).toBe(text);
  const binary = Buffer.from(compressibleText(binaryBytes));
  const before = (ws as unknown as { _socket: { bytesRead: number } })._socket.bytesRead;
  const back = await echo(ws, binary);
  expect(Buffer.compare(back, binary)).toBe(0);
  const wire = (ws as unknown as { _socket: { bytesRead: number } })._socket.bytesRead - before;
  expect(wire, 'compressed on the wire').toBeLessThan(binary.length / 3);
}

describe('ws server with perMessageDeflate, every combination', () => {
  it.each(WS_DEFLATE_COMBINATIONS.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, { options }) => {
      peer = await startWsDeflatePeer(options);
      const { ws, header } = await connect(peer.url('/combo'));
      const server = await peer.opened();
      expect(server.extensions).toMatch(/^permessage-deflate/);
      expect(header).toBe(server.extensions);
      const expected: string[] = [];
      if (options.serverNoContextTakeover) expected.push('server_no_context_takeover');
      if (options.clientNoContextTakeover) expected.push('client_no_context_takeover');
      if (options.serverMaxWindowBits !== undefined) expected.push(`server_max_window_bits=${options.serverMaxWindowBits}`);
      if (options.clientMaxWindowBits !== undefined) expected.push(`client_max_window_bits=${options.clientMaxWindowBits}`);
      for (const param of expected) expect(header).toContain(param);
      // 1 MiB here (64 combinations); the Python peers below go to 4 MiB.
      await exercise(ws, 1024 * 1024);
    },
    30_000,
  );
});

describe('Python websockets (Debian python3-websockets)', () => {
  it('its default compression: permessage-deflate with 12-bit windows', async () => {
    peer = await startPythonDeflatePeer();
    expect(peer.version).toMatch(/^websockets \d+/);
    const { ws, header } = await connect(peer.url('/default'));
    const server = await peer.opened();
    expect(server.path).toBe('/default');
    expect(server.extensions).toMatch(/^permessage-deflate/);
    expect(server.extensions).toContain('server_max_window_bits=12');
    expect(server.extensions).toContain('client_max_window_bits=12');
    expect(header).toBe(server.extensions);
    await exercise(ws);
  }, 30_000);

  it('no context takeover both ways, server window 9', async () => {
    peer = await startPythonDeflatePeer({
      server_no_context_takeover: true,
      client_no_context_takeover: true,
      server_max_window_bits: 9,
    });
    const { ws } = await connect(peer.url('/strict'));
    const server = await peer.opened();
    for (const param of ['server_no_context_takeover', 'client_no_context_takeover', 'server_max_window_bits=9'])
      expect(server.extensions).toContain(param);
    await exercise(ws);
  }, 30_000);
});

describe('Autobahn|Python (Debian python3-autobahn)', () => {
  it('accepts the offer with its defaults', async () => {
    peer = await startAutobahnDeflatePeer();
    expect(peer.version).toMatch(/^autobahn \d+/);
    const { ws, header } = await connect(peer.url('/default'));
    const server = await peer.opened();
    expect(server.extensions).toMatch(/PerMessageDeflate/);
    expect(header).toMatch(/^permessage-deflate/);
    await exercise(ws);
  }, 30_000);

  it('grants the server_no_context_takeover and window the client asks for, and asks the client for the same', async () => {
    peer = await startAutobahnDeflatePeer({ request_no_context_takeover: true, request_max_window_bits: 10 });
    const { ws, header } = await connect(peer.url('/strict'), {
      perMessageDeflate: { serverNoContextTakeover: true, serverMaxWindowBits: 10 },
    });
    await peer.opened();
    for (const param of [
      'server_no_context_takeover',
      'client_no_context_takeover',
      'server_max_window_bits=10',
      'client_max_window_bits=10',
    ]) {
      expect(header).toContain(param);
    }
    await exercise(ws);
  }, 30_000);
});
