import { afterEach, describe, expect, it } from 'vitest';
import { HandshakeError } from '../../src/errors.js';
import { startConnectProxy, type ConnectProxy } from '../helpers/connect-proxy.js';
import { generateCert } from '../helpers/tls-cert.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';
import { open } from './transport-harness.js';

let proxy: ConnectProxy | undefined;
let server: WsServer | undefined;
afterEach(async () => {
  await proxy?.close();
  await server?.close();
  proxy = server = undefined;
});

describe('HTTP CONNECT proxy', () => {
  it('tunnels ws:// through the proxy', async () => {
    server = await startWsServer();
    proxy = await startConnectProxy();
    const client = open(server.url, { proxy: proxy.url });
    await client.opened;
    client.transport.send('through the tunnel', 0);
    expect((await client.nextMessage()).data).toBe('through the tunnel');
    expect(proxy.tunnels).toBe(1);
    expect(proxy.requests[0].target).toBe(`127.0.0.1:${server.port}`);
    client.transport.close();
    await client.closed;
  });

  it('tunnels wss:// through the proxy (TLS end to end)', async () => {
    const cert = generateCert();
    server = await startWsServer({ tls: cert });
    proxy = await startConnectProxy();
    const client = open(server.url.replace('127.0.0.1', 'localhost'), { proxy: proxy.url, tls: { ca: cert.cert } });
    await client.opened;
    client.transport.send(new Uint8Array([1, 2, 3]), 0);
    expect([...((await client.nextMessage()).data as Uint8Array)]).toEqual([1, 2, 3]);
    expect(proxy.requests[0].target).toBe(`localhost:${server.port}`);
    client.transport.close();
    await client.closed;
  });

  it('sends Basic credentials from the proxy URL', async () => {
    server = await startWsServer();
    proxy = await startConnectProxy({ auth: { username: 'alice', password: 's3cret' } });
    const withAuth = proxy.url.replace('http://', 'http://alice:s3cret@');
    const client = open(server.url, { proxy: withAuth });
    await client.opened;
    client.transport.close();
    await client.closed;
  });

  it('a proxy refusal is a HandshakeError(proxy) with the status', async () => {
    server = await startWsServer();
    proxy = await startConnectProxy({ auth: { username: 'alice', password: 's3cret' } });
    const client = open(server.url, { proxy: proxy.url });
    const info = await client.closed;
    expect(info.error).toBeInstanceOf(HandshakeError);
    expect(info.error).toMatchObject({ reason: 'proxy', status: 407 });
  });
});
