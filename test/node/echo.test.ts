import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { generateCert } from '../helpers/tls-cert.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';
import { open } from './transport-harness.js';

const SIZES = [0, 125, 126, 127, 65535, 65536, 16 * 1024 * 1024];

function pattern(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

function textOf(size: number): string {
  // Mixed 1-4 byte characters, cut to exactly `size` UTF-16 units where possible, to exercise UTF-8 paths.
  const unit = 'aé€😀';
  return unit
    .repeat(Math.ceil(size / unit.length) + 1)
    .slice(0, size)
    .replace(/[\ud800-\udbff]$/, 'x');
}

describe.each([
  { name: 'ws://', secure: false },
  { name: 'wss:// (TLS, generated certificate)', secure: true },
])('Node transport echo against a real ws server over $name', ({ secure }) => {
  let server: WsServer;
  const cert = secure ? generateCert() : undefined;

  beforeAll(async () => {
    server = await startWsServer({
      tls: cert,
      handleProtocols: (offered) => (offered.has('chat') ? 'chat' : false),
    });
  });
  afterAll(() => server.close());

  const tls = cert ? { ca: cert.cert } : {};

  /** A client connected to its own server, with the server's side of the connection. */
  async function pair() {
    const own = await startWsServer({ tls: cert });
    const connection = own.nextConnection();
    const client = open(own.url, { tls });
    await client.opened;
    const { ws } = await connection;
    return { client, ws, done: () => own.close() };
  }

  it.each(SIZES)('binary message of %i bytes comes back byte-exact', async (size) => {
    const client = open(server.url, { tls });
    await client.opened;
    const sent = pattern(size, size % 251);
    client.transport.send(sent, 0);
    const echoed = await client.nextMessage();
    expect(echoed.binary).toBe(true);
    expect(echoed.data).toBeInstanceOf(Uint8Array);
    expect(Buffer.compare(Buffer.from(echoed.data as Uint8Array), Buffer.from(sent))).toBe(0);
    client.transport.close(1000);
    expect(await client.closed).toMatchObject({ code: 1000, wasClean: true });
  });

  it.each(SIZES.filter((s) => s <= 65536))('text message of %i UTF-16 units comes back byte-exact', async (size) => {
    const client = open(server.url, { tls });
    await client.opened;
    const text = '\ufeff' + textOf(size);
    client.transport.send(text, 0);
    const echoed = await client.nextMessage();
    expect(echoed).toEqual({ data: text, binary: false });
    client.transport.close(1000);
    await client.closed;
  });

  it('a message sent in fragments is reassembled by the server', async () => {
    const client = open(server.url, { tls });
    await client.opened;
    const text = textOf(5000);
    client.transport.send(text, 100);
    expect((await client.nextMessage()).data).toBe(text);
    client.transport.close();
    await client.closed;
  });

  it('negotiates the subprotocol the server selects', async () => {
    const client = open(server.url, { tls, protocols: ['superchat', 'chat'] });
    expect(await client.opened).toMatchObject({ protocol: 'chat', extensions: '' });
    client.transport.close(1000);
    await client.closed;
  });

  it('a server-initiated close code and reason reach the client, which echoes them', async () => {
    const { client, ws, done } = await pair();
    onTestFinished(done);
    const serverSaw = new Promise<[number, string]>((resolve) =>
      ws.once('close', (code, reason) => resolve([code, reason.toString()])),
    );
    ws.close(4321, 'server says bye');
    expect(await client.closed).toEqual({ code: 4321, reason: 'server says bye', wasClean: true });
    expect((await serverSaw)[0]).toBe(4321);
  });

  it('a client-initiated close code and reason reach the server', async () => {
    const { client, ws, done } = await pair();
    onTestFinished(done);
    const serverSaw = new Promise<[number, string]>((resolve) =>
      ws.once('close', (code, reason) => resolve([code, reason.toString()])),
    );
    client.transport.close(3001, 'client says bye');
    expect(await serverSaw).toEqual([3001, 'client says bye']);
    expect(await client.closed).toMatchObject({ code: 3001, wasClean: true });
  });

  it('answers server pings with pongs carrying the same payload', async () => {
    const { client, ws, done } = await pair();
    onTestFinished(done);
    const pong = new Promise<Buffer>((resolve) => ws.once('pong', resolve));
    ws.ping('are you there');
    expect((await pong).toString()).toBe('are you there');
    expect(Buffer.from(client.pings[0]).toString()).toBe('are you there');
    client.transport.close();
    await client.closed;
  });

  it('ping() sends a protocol ping the server answers', async () => {
    const client = open(server.url, { tls });
    await client.opened;
    client.transport.ping(new TextEncoder().encode('hi'));
    await expect.poll(() => client.pongs.length).toBe(1);
    expect(Buffer.from(client.pongs[0]).toString()).toBe('hi');
    client.transport.close();
    await client.closed;
  });
});

describe('Node transport addressing', () => {
  it('connects to an IPv6 literal', async () => {
    const server = await startWsServer({ host: '::1' });
    try {
      const client = open(server.url);
      await client.opened;
      client.transport.send('over ipv6', 0);
      expect((await client.nextMessage()).data).toBe('over ipv6');
      client.transport.close();
      await client.closed;
    } finally {
      await server.close();
    }
  });

  it('connects to a host name (localhost)', async () => {
    const server = await startWsServer();
    try {
      const client = open(server.url.replace('127.0.0.1', 'localhost'));
      await client.opened;
      client.transport.close();
      expect((await client.closed).wasClean).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('rejects a certificate it does not trust (rejectUnauthorized is on by default)', async () => {
    const server = await startWsServer({ tls: generateCert() });
    try {
      const client = open(server.url);
      const info = await client.closed;
      expect(client.log).toEqual(['close']);
      expect(info.code).toBe(1006);
      expect(info.error?.name).toBe('NetworkError');
      expect(info.error?.message).toMatch(/self.signed|certificate/i);
    } finally {
      await server.close();
    }
  });

  it('uses SNI: a TLS server sees the host name as servername', async () => {
    let servername: string | undefined;
    const server = await startWsServer({ tls: generateCert() });
    server.wss.options.server?.on('secureConnection', (s: import('node:tls').TLSSocket) => {
      servername = (s as unknown as { servername?: string }).servername;
    });
    try {
      const client = open(server.url.replace('127.0.0.1', 'localhost'), { tls: { ca: generateCert().cert } });
      await client.opened;
      expect(servername).toBe('localhost');
      client.transport.close();
      await client.closed;
    } finally {
      await server.close();
    }
  });
});
