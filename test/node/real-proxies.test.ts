/**
 * Issue 13 against real Debian proxies on loopback, started and stopped here: tinyproxy (HTTP CONNECT, with and
 * without Basic auth, chosen by the option and by the environment, NO_PROXY bypass), stunnel4 in front of
 * tinyproxy (an HTTPS proxy), microsocks (SOCKS5 with and without credentials, socks5h), dante (SOCKS4, SOCKS4a).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandshakeError } from '../../src/errors.js';
import { generateCert } from '../helpers/tls-cert.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';
import {
  drive,
  NO_PROXY_ENV,
  startScriptedSocks4,
  peerAvailable,
  startDante,
  startMicrosocks,
  startStunnel,
  startTinyproxy,
  withEnv,
  type Daemon,
} from './network-harness.js';

const cert = generateCert();
let ws: WsServer;
let wss: WsServer;
beforeAll(async () => {
  ws = await startWsServer();
  wss = await startWsServer({ tls: cert });
});
afterAll(async () => {
  await Promise.all([ws?.close(), wss?.close()]);
});

/** Open through the given options, echo one message, close; returns the handshake info's proxy. */
async function echoThrough(
  url: string,
  options: Parameters<typeof drive>[1],
  make = () => drive(url, options),
): Promise<string | undefined> {
  const { socket, opened, closed } = make();
  const outcome = await Promise.race([opened.then(() => 'open'), closed.then((c) => c.error ?? new Error(`closed ${c.code}`))]);
  if (outcome !== 'open') throw outcome;
  const echoed = new Promise((resolve) => socket.once('message', resolve));
  socket.send('through the proxy');
  expect(await echoed).toBe('through the proxy');
  const proxy = socket.handshake?.proxy;
  socket.close();
  await closed;
  return proxy;
}

/** How many CONNECTs tinyproxy logged. */
const connects = (proxy: Daemon): number => (proxy.log().match(/Established connection to host|CONNECT /g) ?? []).length;

describe.runIf(peerAvailable('tinyproxy'))('tinyproxy (HTTP CONNECT)', () => {
  let proxy: Daemon;
  let authProxy: Daemon;
  beforeAll(async () => {
    [proxy, authProxy] = await Promise.all([startTinyproxy(), startTinyproxy({ auth: { user: 'alice', password: 's3cret' } })]);
  });
  afterAll(async () => {
    await Promise.all([proxy?.close(), authProxy?.close()]);
  });

  it('ws: and wss: through the proxy option', async () => {
    const before = connects(proxy);
    expect(await echoThrough(ws.url, { proxy: proxy.url })).toBe(proxy.url);
    expect(await echoThrough(wss.url.replace('127.0.0.1', 'localhost'), { proxy: proxy.url, tls: { ca: cert.cert } })).toBe(
      proxy.url,
    );
    expect(connects(proxy)).toBeGreaterThan(before);
  });

  it('Basic credentials from the URL; without them a final 407', async () => {
    const withAuth = authProxy.url.replace('//', '//alice:s3cret@');
    expect(await echoThrough(ws.url, { proxy: withAuth })).toBe(`http://***@127.0.0.1:${authProxy.port}`);
    const { closed, errors } = drive(ws.url, { proxy: authProxy.url, reconnect: { minDelay: 1, maxDelay: 1 } });
    const info = await closed;
    expect(info.error).toBeInstanceOf(HandshakeError);
    expect(info.error).toMatchObject({ reason: 'proxy', status: 407, proxyFailure: 'refused' });
    expect(info.error!.message).toContain('the proxy wants credentials');
    expect(errors).toHaveLength(1); // 407 is final
  });

  it('selected by the environment: HTTP_PROXY for ws:, HTTPS_PROXY for wss:', async () => {
    const env = { ...NO_PROXY_ENV, NO_PROXY: '<-loopback>' };
    expect(await echoThrough(ws.url, {}, () => withEnv({ ...env, HTTP_PROXY: proxy.url }, () => drive(ws.url)))).toBe(proxy.url);
    expect(
      await echoThrough(wss.url, {}, () =>
        withEnv({ ...env, https_proxy: authProxy.url.replace('//', '//alice:s3cret@') }, () =>
          drive(wss.url, { tls: { ca: cert.cert } }),
        ),
      ),
    ).toBe(`http://***@127.0.0.1:${authProxy.port}`);
    // ALL_PROXY as the fallback.
    expect(await echoThrough(ws.url, {}, () => withEnv({ ...env, ALL_PROXY: proxy.url }, () => drive(ws.url)))).toBe(proxy.url);
  });

  it('NO_PROXY bypass: the proxy receives nothing', async () => {
    for (const noProxy of ['<-loopback>,127.0.0.1', '<-loopback>,127.0.0.0/8', `<-loopback>,127.0.0.1:${ws.port}`, '*', '']) {
      const before = proxy.log().length;
      const via = await echoThrough(ws.url, {}, () =>
        withEnv({ ...NO_PROXY_ENV, HTTP_PROXY: proxy.url, NO_PROXY: noProxy }, () => drive(ws.url)),
      );
      expect(via).toBeUndefined();
      expect(proxy.log().length).toBe(before);
    }
  });

  it('proxy: false disables the environment, proxy: <url> overrides it', async () => {
    const env = { ...NO_PROXY_ENV, HTTP_PROXY: 'http://127.0.0.1:1', NO_PROXY: '<-loopback>' };
    expect(await echoThrough(ws.url, {}, () => withEnv(env, () => drive(ws.url, { proxy: false })))).toBeUndefined();
    expect(await echoThrough(ws.url, {}, () => withEnv(env, () => drive(ws.url, { proxy: proxy.url })))).toBe(proxy.url);
  });
});

describe.runIf(peerAvailable('tinyproxy') && peerAvailable('stunnel4'))('stunnel4 + tinyproxy (HTTPS proxy)', () => {
  let proxy: Daemon;
  let tlsFront: Daemon;
  beforeAll(async () => {
    proxy = await startTinyproxy();
    tlsFront = await startStunnel(proxy.port, cert);
  });
  afterAll(async () => {
    await tlsFront?.close();
    await proxy?.close();
  });

  it('ws: and wss: through TLS to the proxy (and TLS inside the tunnel for wss:)', async () => {
    const url = `https://localhost:${tlsFront.port}`;
    expect(await echoThrough(ws.url, { proxy: url, proxyTls: { ca: cert.cert } })).toBe(url);
    expect(await echoThrough(wss.url, { proxy: url, proxyTls: { ca: cert.cert }, tls: { ca: cert.cert } })).toBe(url);
  });

  it('an untrusted proxy certificate is a NetworkError naming the proxy', async () => {
    const { closed } = drive(ws.url, { proxy: `https://localhost:${tlsFront.port}` });
    const info = await closed;
    expect(info.error?.name).toBe('NetworkError');
    expect(info.error!.message).toContain(`Could not connect to proxy https://localhost:${tlsFront.port} (option proxy)`);
  });
});

describe.runIf(peerAvailable('microsocks'))('microsocks (SOCKS5)', () => {
  let open: Daemon;
  let auth: Daemon;
  beforeAll(async () => {
    [open, auth] = await Promise.all([startMicrosocks(), startMicrosocks({ auth: { user: 'bob', password: 'pw' } })]);
  });
  afterAll(async () => {
    await Promise.all([open?.close(), auth?.close()]);
  });

  it('socks5: ws: and wss: (local DNS: localhost resolved here)', async () => {
    expect(await echoThrough(ws.url, { proxy: open.url })).toBe(open.url);
    expect(
      await echoThrough(wss.url.replace('127.0.0.1', 'localhost'), { proxy: open.url, tls: { ca: cert.cert }, family: 4 }),
    ).toBe(open.url);
  });

  it('socks5h: the proxy resolves localhost', async () => {
    const url = open.url.replace('socks5:', 'socks5h:');
    expect(await echoThrough(ws.url.replace('127.0.0.1', 'localhost'), { proxy: url })).toBe(url);
  });

  it('username/password (RFC 1929); wrong or missing credentials are final proxy errors', async () => {
    expect(await echoThrough(ws.url, { proxy: auth.url.replace('//', '//bob:pw@') })).toBe(`socks5://***@127.0.0.1:${auth.port}`);
    const wrong = drive(ws.url, { proxy: auth.url.replace('//', '//bob:nope@'), reconnect: { minDelay: 1, maxDelay: 1 } });
    expect((await wrong.closed).error).toMatchObject({ reason: 'proxy', proxyFailure: 'auth-failed' });
    expect(wrong.errors).toHaveLength(1);
    const missing = drive(ws.url, { proxy: auth.url, reconnect: { minDelay: 1, maxDelay: 1 } });
    expect((await missing.closed).error).toMatchObject({ reason: 'proxy', proxyFailure: 'no-acceptable-auth' });
    expect(missing.errors).toHaveLength(1);
  });

  it('selected by ALL_PROXY', async () => {
    const env = { ...NO_PROXY_ENV, ALL_PROXY: open.url.replace('socks5:', 'socks5h:'), NO_PROXY: '<-loopback>' };
    expect(await echoThrough(ws.url, {}, () => withEnv(env, () => drive(ws.url)))).toBe(env.ALL_PROXY);
  });

  it('a target the proxy cannot reach is a SOCKS reply error (retryable)', async () => {
    const { closed } = drive('ws://127.0.0.1:1/', { proxy: open.url });
    const info = await closed;
    expect(info.error).toBeInstanceOf(HandshakeError);
    expect(info.error).toMatchObject({ reason: 'proxy' });
    expect(info.error!.message).toMatch(
      /^SOCKS5 proxy socks5:\/\/127\.0\.0\.1:\d+ refused the tunnel to 127\.0\.0\.1:1: reply 0x0\d/,
    );
  });
});

describe.runIf(peerAvailable('danted'))('dante (SOCKS4, SOCKS4a)', () => {
  let dante: Daemon;
  beforeAll(async () => {
    dante = await startDante();
  });
  afterAll(async () => {
    await dante?.close();
  });

  it('socks4: ws: and wss: to an IPv4 address, with a user id', async () => {
    expect(await echoThrough(ws.url, { proxy: dante.url })).toBe(dante.url);
    const withUser = dante.url.replace('//', '//someone@');
    expect(await echoThrough(wss.url, { proxy: withUser, tls: { ca: cert.cert } })).toBe(`socks4://***@127.0.0.1:${dante.port}`);
  });

  it('socks4 resolves localhost here (IPv4)', async () => {
    expect(await echoThrough(ws.url.replace('127.0.0.1', 'localhost'), { proxy: dante.url })).toBe(dante.url);
  });

  it('socks4a: dante has no 4a, so it refuses the name with reply 91: a typed proxy error', async () => {
    const { closed } = drive(ws.url.replace('127.0.0.1', 'localhost'), { proxy: dante.url.replace('socks4:', 'socks4a:') });
    const info = await closed;
    expect(info.error).toBeInstanceOf(HandshakeError);
    expect(info.error).toMatchObject({ reason: 'proxy', proxyFailure: 'rejected' });
    expect(info.error!.message).toContain('reply 91 (request rejected or failed)');
  });

  it('socks5 through dante too', async () => {
    const url = dante.url.replace('socks4:', 'socks5:');
    expect(await echoThrough(ws.url, { proxy: url })).toBe(url);
  });
});

describe('a scripted SOCKS4a server (no Debian proxy speaks 4a)', () => {
  it('socks4a: sends the name and the user id; the server resolves localhost', async () => {
    const server = await startScriptedSocks4();
    try {
      const url = server.url.replace('//', '//carol@');
      expect(await echoThrough(ws.url.replace('127.0.0.1', 'localhost'), { proxy: url })).toBe(
        `socks4a://***@127.0.0.1:${server.port}`,
      );
      expect(server.requests).toEqual([{ userId: 'carol', name: 'localhost', port: ws.port }]);
    } finally {
      await server.close();
    }
  });
});
