/**
 * Issue 9 items 2 (twin), 3, 12 and 19 (proxy part), issue 10 item 6: bad proxy input and hostile callbacks are
 * typed errors at construction or on the `error` event, never an exception from a socket listener; proxy
 * credentials never appear in a message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HandshakeError, InvalidArgumentError, NetworkError, TimeoutError } from '../../src/errors.js';
import { Socket } from '../../src/index.node.js';
import { startConnectProxy, type ConnectProxy } from '../helpers/connect-proxy.js';
import { generateCert } from '../helpers/tls-cert.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';
import { drive, freePort, NO_PROXY_ENV, startScriptedPeer, withEnv, type ScriptedPeer } from './network-harness.js';

let server: WsServer | undefined;
let proxy: ConnectProxy | undefined;
let peer: ScriptedPeer | undefined;
afterEach(async () => {
  await Promise.all([server?.close(), proxy?.close(), peer?.close()]);
  server = proxy = peer = undefined;
});

describe('proxy URLs are checked at construction', () => {
  it.each([
    ['broken percent-encoding in the user', 'http://a%zz:b@127.0.0.1:3128', 'broken percent-encoding'],
    ['broken percent-encoding in the password', 'socks5://alice:S3cr3t%G1@127.0.0.1:1080', 'broken percent-encoding'],
    ['an unsupported scheme', 'ftp://127.0.0.1:21', 'unsupported scheme "ftp:"'],
    ['no port', 'http://proxy.example', 'has no port'],
    ['the default port left out by URL parsing still counts', 'http://S3cr3t@proxy.example', 'has no port'],
    ['a path', 'http://127.0.0.1:3128/x', 'has a path'],
    ['a SOCKS4 password', 'socks4://user:S3cr3t@127.0.0.1:1080', 'SOCKS4 has no passwords'],
  ])('%s → InvalidArgumentError naming the option, without the credentials', (_, url, message) => {
    let thrown: unknown;
    try {
      new Socket('ws://127.0.0.1:1/', { proxy: url, reconnect: false });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidArgumentError);
    expect((thrown as Error).message).toContain('Invalid option proxy: ');
    expect((thrown as Error).message).toContain(message);
    expect((thrown as Error).message).not.toMatch(/S3cr3t|a%zz/);
  });

  it('an explicit default port is accepted (http://h:80 parses with an empty port)', () => {
    const socket = new Socket('ws://127.0.0.1:1/', { proxy: 'http://127.0.0.1:80', reconnect: false });
    socket.on('error', () => {});
    socket.close();
  });

  it('a broken proxy URL in the environment names the variable', () => {
    const make = () =>
      withEnv(
        { ...NO_PROXY_ENV, HTTPS_PROXY: 'http://alice:S3cr3t%@127.0.0.1:3128' },
        () => new Socket('wss://127.0.0.1:1/', { reconnect: false }),
      );
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow('Invalid environment variable HTTPS_PROXY: the credentials');
    expect(make).not.toThrow(/S3cr3t/);
  });

  it('proxy: false ignores even a broken environment', () => {
    const socket = withEnv(
      { ...NO_PROXY_ENV, HTTP_PROXY: 'http://a%zz@x' },
      () => new Socket('ws://127.0.0.1:1/', { proxy: false, reconnect: false }),
    );
    socket.on('error', () => {});
    socket.close();
  });
});

describe('failures inside socket listeners become typed errors', () => {
  it.each([
    ['minVersion: "bogus"', { minVersion: 'bogus' }],
    ['ca: 5', { ca: 5 }],
  ])('tls { %s }, with or without a proxy → InvalidArgumentError from the constructor, before any connection', (_, tls) => {
    expect(() => new Socket('wss://127.0.0.1:1/', { proxy: 'http://127.0.0.1:9', tls: tls as never, reconnect: true })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new Socket('wss://127.0.0.1:1/', { tls: tls as never, reconnect: true })).toThrow(/^Invalid option tls\./);
  });

  // Not among the options checked up front, but tls.connect throws for it: inside the proxy's 'data' handler.
  const conflicting = { sigalgs: 5 } as Record<string, unknown>;

  it('proxy + wss: + a tls option tls.connect refuses → InvalidArgumentError on the error event, final', async () => {
    server = await startWsServer({ tls: generateCert() });
    proxy = await startConnectProxy();
    const { closed, errors } = drive(server.url, { proxy: proxy.url, tls: conflicting, reconnect: true });
    const info = await closed;
    expect(info.error).toBeInstanceOf(InvalidArgumentError);
    expect(info.error!.message).toMatch(/^Invalid option tls: /);
    expect(info.error!.message).not.toContain('Received');
    expect(errors).toHaveLength(1); // final: not retried
  });

  it('the same tls option without a proxy is final too (no retry loop)', async () => {
    const { closed, errors } = drive('wss://127.0.0.1:1/', { tls: conflicting, reconnect: { minDelay: 1, maxDelay: 1 } });
    expect((await closed).error).toBeInstanceOf(InvalidArgumentError);
    expect(errors).toHaveLength(1);
  });

  it('a throwing checkServerIdentity through a proxy is a NetworkError, not an uncaught exception', async () => {
    const cert = generateCert();
    server = await startWsServer({ tls: cert });
    proxy = await startConnectProxy();
    const checkServerIdentity = () => {
      throw new Error('identity says no');
    };
    const { closed } = drive(server.url, { proxy: proxy.url, tls: { ca: cert.cert, checkServerIdentity } });
    const info = await closed;
    expect(info.error).toBeInstanceOf(NetworkError);
    expect(info.error!.message).toContain('identity says no');
  });

  it('a throwing lookup is a NetworkError', async () => {
    const lookup = () => {
      throw new Error('lookup exploded');
    };
    const { closed } = drive('ws://lookup.invalid:1/', { lookup, proxy: false });
    const info = await closed;
    expect(info.error).toBeInstanceOf(NetworkError);
    expect(info.error!.message).toContain('lookup exploded');
  });
});

describe('proxy credentials never reach a message', () => {
  it('a refused proxy connection names the proxy with ***, is a retryable NetworkError', async () => {
    const port = await freePort();
    const { closed } = drive('ws://127.0.0.1:1/', { proxy: `http://alice:S3cr3t-P4ss@127.0.0.1:${port}` });
    const info = await closed;
    expect(info.error).toBeInstanceOf(NetworkError);
    expect(info.error!.message).toContain(`proxy http://***@127.0.0.1:${port} (option proxy)`);
    expect(info.error!.message).not.toMatch(/alice|S3cr3t/);
  });

  it('a 407 names the proxy with *** and keeps the status', async () => {
    server = await startWsServer();
    proxy = await startConnectProxy({ auth: { username: 'alice', password: 'right' } });
    const { closed } = drive(server.url, { proxy: proxy.url.replace('//', '//alice:S3cr3t-P4ss@') });
    const info = await closed;
    expect(info.error).toBeInstanceOf(HandshakeError);
    expect(info.error).toMatchObject({ reason: 'proxy', status: 407, proxyFailure: 'refused' });
    expect(info.error!.message).toContain(`Proxy http://***@127.0.0.1:${proxy.port} refused to open a tunnel`);
    expect(info.error!.message).not.toMatch(/alice|S3cr3t/);
  });

  it('the handshake info shows the proxy without credentials', async () => {
    server = await startWsServer();
    proxy = await startConnectProxy({ auth: { username: 'alice', password: 'S3cr3t' } });
    const { socket, opened } = drive(server.url, { proxy: proxy.url.replace('//', '//alice:S3cr3t@') });
    await opened;
    expect(socket.handshake?.proxy).toBe(`http://***@127.0.0.1:${proxy.port}`);
    socket.close();
  });
});

describe('a proxy that never answers', () => {
  it('CONNECT with no answer → TimeoutError naming the proxy and what it did not send', async () => {
    peer = await startScriptedPeer(() => {});
    const { closed } = drive('ws://127.0.0.1:9/', { proxy: `http://u:S3cr3t@127.0.0.1:${peer.port}`, handshakeTimeout: 300 });
    const info = await closed;
    expect(info.error).toBeInstanceOf(TimeoutError);
    expect(info.error!.message).toBe(
      `Opening handshake with 127.0.0.1:9 timed out after 300 ms waiting for proxy http://***@127.0.0.1:${peer.port} to send its answer to CONNECT (tunnel to 127.0.0.1:9)`,
    );
  });
});

describe('TLS callbacks that throw', () => {
  it('a throwing pskCallback fails the attempt with a NetworkError', async () => {
    const { createServer } = await import('node:tls');
    const tlsServer = createServer({
      pskCallback: () => Buffer.from('0123456789abcdef'),
      ciphers: 'PSK-AES128-CBC-SHA256',
      maxVersion: 'TLSv1.2',
    });
    tlsServer.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    try {
      const port = (tlsServer.address() as { port: number }).port;
      const pskCallback = () => {
        throw new Error('psk exploded');
      };
      const { closed } = drive(`wss://127.0.0.1:${port}/`, {
        tls: {
          pskCallback,
          ciphers: 'PSK-AES128-CBC-SHA256',
          maxVersion: 'TLSv1.2',
          checkServerIdentity: () => undefined,
        } as never,
      });
      expect((await closed).error).toBeInstanceOf(NetworkError);
    } finally {
      await new Promise((r) => tlsServer.close(r));
    }
  });
});
