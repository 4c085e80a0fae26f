import { get } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ClientOptions, RawData } from 'ws';
import { generateCert } from './tls-cert.js';
import { startWsServer } from './ws-server.js';
import type { WsServer } from './ws-server.js';

let server: WsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function open(url: string, protocols: string[] = [], options: ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, protocols, options);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<{ data: RawData; isBinary: boolean }> {
  return new Promise((resolve) => ws.once('message', (data, isBinary) => resolve({ data, isBinary })));
}

describe('startWsServer', () => {
  it('echoes text as text and binary as binary', async () => {
    server = await startWsServer();
    expect(server.url).toBe(`ws://127.0.0.1:${server.port}`);
    const ws = await open(server.url);
    ws.send('héllo');
    expect(await nextMessage(ws)).toMatchObject({ isBinary: false });
    ws.send(new Uint8Array([0, 1, 255]), { binary: true });
    const binary = await nextMessage(ws);
    expect(binary.isBinary).toBe(true);
    expect([...(binary.data as Buffer)]).toEqual([0, 1, 255]);
    ws.terminate();
  });

  it('echo: false stays silent; handleProtocols, onConnection and nextConnection see the connection', async () => {
    const seen: string[] = [];
    server = await startWsServer({
      echo: false,
      handleProtocols: (protocols) => (protocols.has('b') ? 'b' : false),
      onConnection: (_, request) => seen.push(request.url ?? ''),
    });
    const ws = await open(`${server.url}/path?q=1`, ['a', 'b']);
    expect(ws.protocol).toBe('b');
    const { ws: serverSide, request } = await server.nextConnection();
    expect(request.headers['sec-websocket-protocol']).toBe('a,b'); // the ws client joins with ','
    expect(seen).toEqual(['/path?q=1']);
    expect(server.connections).toBe(1);
    const received = new Promise<RawData>((resolve) => serverSide.once('message', (data) => resolve(data)));
    ws.send('x');
    expect(String(await received)).toBe('x');
    // An echo of 'x' would have been sent before this message; the first message is this one.
    serverSide.send('from server');
    expect(String((await nextMessage(ws)).data)).toBe('from server');
    ws.terminate();
  });

  it('nextConnection rejects after its timeout', async () => {
    server = await startWsServer();
    await expect(server.nextConnection(30)).rejects.toThrow(/Timed out after 30 ms/);
  });

  it('answers a plain HTTP request with 426', async () => {
    server = await startWsServer();
    const status = await new Promise<number | undefined>((resolve, reject) => {
      get(`http://127.0.0.1:${server!.port}/`, (response) => {
        response.resume();
        resolve(response.statusCode);
      }).once('error', reject);
    });
    expect(status).toBe(426);
  });

  it('close() drops connected clients and resolves', async () => {
    server = await startWsServer();
    const ws = await open(server.url);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await server.close();
    expect(await closed).toBe(1006);
    await server.close();
  });
});

describe('startWsServer with TLS (generateCert)', () => {
  it('generateCert() is cached and PEM', () => {
    const cert = generateCert();
    expect(cert.cert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(cert.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(generateCert()).toBe(cert);
  });

  it.each([
    ['127.0.0.1', '127.0.0.1', (port: number) => `wss://127.0.0.1:${port}`],
    ['localhost (DNS SAN)', '127.0.0.1', (port: number) => `wss://localhost:${port}`],
    ['::1 (IPv6 SAN)', '::1', (port: number) => `wss://[::1]:${port}`],
  ] as const)('a client trusting the cert verifies %s', async (_, host, url) => {
    server = await startWsServer({ tls: generateCert(), host });
    const ws = await open(url(server.port), [], { ca: generateCert().cert });
    ws.send('secure');
    expect(String((await nextMessage(ws)).data)).toBe('secure');
    ws.terminate();
  });

  it('a client not trusting it fails verification', async () => {
    server = await startWsServer({ tls: generateCert() });
    expect(server.url).toBe(`wss://127.0.0.1:${server.port}`);
    await expect(open(server.url)).rejects.toThrow(/self[- ]signed/i);
  });
});
