/**
 * Redirects of the opening handshake against real HTTP servers on 127.0.0.1 and 127.0.0.2 (another loopback
 * address standing for another host): not followed by default; followed with `followRedirects` for every
 * redirect status, relative Locations, loops, too many, downgrades, sensitive headers, fresh keys per hop.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Socket as NetSocket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { HandshakeError } from '../../src/errors.js';
import { nextHop } from '../../src/node/redirect.js';
import { generateCert } from '../helpers/tls-cert.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';
import { startConnectProxy } from '../helpers/connect-proxy.js';
import { drive } from './network-harness.js';

interface Seen {
  host: string;
  path: string;
  headers: IncomingMessage['headers'];
}

/** An HTTP server that answers upgrades by route: `[status, location]` redirects, anything else becomes an echo WebSocket. */
class RedirectServer {
  readonly seen: Seen[] = [];
  routes = new Map<string, [number, string]>();
  #server: Server;
  #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  #sockets = new Set<NetSocket>();
  port = 0;

  constructor(
    readonly host: '127.0.0.1' | '127.0.0.2',
    readonly tls?: { cert: string; key: string },
  ) {
    this.#server = tls
      ? createTlsServer(tls, (_, res) => res.writeHead(426).end())
      : createServer((_, res) => res.writeHead(426).end());
    this.#server.on('connection', (s) => {
      this.#sockets.add(s);
      s.once('close', () => this.#sockets.delete(s));
    });
    this.#server.on('upgrade', (req: IncomingMessage, socket: NetSocket, head: Buffer) => {
      socket.on('error', () => {});
      this.seen.push({ host, path: req.url ?? '', headers: req.headers });
      const route = this.routes.get(req.url ?? '');
      if (route) {
        socket.end(`HTTP/1.1 ${route[0]} Redirect\r\nLocation: ${route[1]}\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
    });
  }

  get origin(): string {
    return `${this.tls ? 'wss' : 'ws'}://${this.host}:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, this.host, resolve));
    this.#server.unref();
    this.port = (this.#server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    for (const c of this.#wss.clients) c.terminate();
    await new Promise((r) => this.#server.close(r));
  }
}

const a = new RedirectServer('127.0.0.1');
const b = new RedirectServer('127.0.0.2');
beforeAll(async () => {
  await Promise.all([a.listen(), b.listen()]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});
beforeEach(() => {
  a.routes.clear();
  b.routes.clear();
  a.seen.length = b.seen.length = 0;
});

async function openOrError(url: string, options: Parameters<typeof drive>[1]) {
  const driven = drive(url, options);
  const outcome = await Promise.race([driven.opened.then(() => undefined), driven.closed.then((c) => c.error)]);
  if (outcome === undefined) {
    const url = driven.socket.url;
    driven.socket.close();
    await driven.closed;
    return { url };
  }
  return { error: outcome };
}

describe('not followed by default', () => {
  it('a 302 is a HandshakeError(status) whose message names the Location (without its query)', async () => {
    a.routes.set('/old', [302, `${b.origin}/new?token=S3cr3t`]);
    const { error } = await openOrError(`${a.origin}/old`, {});
    expect(error).toBeInstanceOf(HandshakeError);
    expect(error).toMatchObject({ reason: 'status', status: 302 });
    expect(error!.message).toBe(
      `Server answered the opening handshake with a 302 redirect (Location ${b.origin}/new); redirects are not followed unless followRedirects: true`,
    );
    expect(b.seen).toHaveLength(0);
  });
});

describe('followRedirects: true', () => {
  it.each([301, 302, 303, 307, 308])('follows a %i to another host; socket.url is the final URL', async (status) => {
    a.routes.set('/start', [status, `${b.origin}/ws?x=1`]);
    const { url, error } = await openOrError(`${a.origin}/start`, { followRedirects: true });
    expect(error).toBeUndefined();
    expect(url).toBe(`${b.origin}/ws?x=1`);
    expect(b.seen.map((s) => s.path)).toEqual(['/ws?x=1']);
  });

  it('http: and https: Locations are followed as ws: and wss:', async () => {
    a.routes.set('/h', [301, `http://127.0.0.2:${b.port}/ws`]);
    expect((await openOrError(`${a.origin}/h`, { followRedirects: true })).url).toBe(`${b.origin}/ws`);
  });

  it('resolves relative Locations (path-absolute, relative, with ..)', async () => {
    a.routes.set('/dir/one', [302, 'two']);
    a.routes.set('/dir/two', [302, '../three?q=1']);
    a.routes.set('/three?q=1', [307, '/final']);
    const { url } = await openOrError(`${a.origin}/dir/one`, { followRedirects: true });
    expect(url).toBe(`${a.origin}/final`);
    expect(a.seen.map((s) => s.path)).toEqual(['/dir/one', '/dir/two', '/three?q=1', '/final']);
  });

  it('a fresh Sec-WebSocket-Key for every request', async () => {
    a.routes.set('/1', [302, '/2']);
    a.routes.set('/2', [302, `${b.origin}/3`]);
    await openOrError(`${a.origin}/1`, { followRedirects: true });
    const keys = [...a.seen, ...b.seen].map((s) => s.headers['sec-websocket-key']);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
  });

  it('a loop is a clear error', async () => {
    a.routes.set('/ping', [302, `${b.origin}/pong`]);
    b.routes.set('/pong', [302, `${a.origin}/ping`]);
    const { error } = await openOrError(`${a.origin}/ping`, { followRedirects: true });
    expect(error).toMatchObject({ reason: 'status', status: 302 });
    expect(error!.message).toBe(
      `Redirect loop: ${b.origin}/pong redirected (302) back to ${a.origin}/ping, which was already requested in this attempt`,
    );
    expect(a.seen).toHaveLength(1);
  });

  it('more than maxRedirects is a clear error', async () => {
    for (let i = 0; i < 5; i++) a.routes.set(`/r${i}`, [307, `/r${i + 1}`]);
    const { error } = await openOrError(`${a.origin}/r0`, { followRedirects: true, maxRedirects: 3 });
    expect(error!.message).toBe(
      `Too many redirects: more than maxRedirects (3); the last was a 307 from ${a.origin}/r3 to ${a.origin}/r4`,
    );
    expect(a.seen).toHaveLength(4);
    // maxRedirects: 0 follows none.
    const none = await openOrError(`${a.origin}/r0`, { followRedirects: true, maxRedirects: 0 });
    expect(none.error!.message).toContain('Too many redirects: more than maxRedirects (0)');
  });

  it('drops Authorization, Cookie and the listed sensitive headers when the host changes', async () => {
    a.routes.set('/auth', [302, `${b.origin}/ws`]);
    const headers = { Authorization: 'Bearer S3cr3t', Cookie: 'sid=1', 'X-Api-Key': 'k', 'X-Trace': 't' };
    await openOrError(`${a.origin}/auth`, { followRedirects: true, headers, sensitiveHeaders: ['x-api-key'] });
    expect(a.seen[0].headers).toMatchObject({ authorization: 'Bearer S3cr3t', cookie: 'sid=1', 'x-api-key': 'k' });
    const next = b.seen[0].headers;
    expect(next.authorization).toBeUndefined();
    expect(next.cookie).toBeUndefined();
    expect(next['x-api-key']).toBeUndefined();
    expect(next['x-trace']).toBe('t');
  });

  it('keeps them on the same host', async () => {
    a.routes.set('/auth', [308, '/ws']);
    await openOrError(`${a.origin}/auth`, {
      followRedirects: true,
      headers: { Authorization: 'Bearer S3cr3t', 'X-Api-Key': 'k' },
      sensitiveHeaders: ['X-Api-Key'],
    });
    expect(a.seen[1].headers).toMatchObject({ authorization: 'Bearer S3cr3t', 'x-api-key': 'k' });
  });

  it('a port change is a host change', async () => {
    const other = new RedirectServer('127.0.0.1');
    await other.listen();
    try {
      a.routes.set('/p', [302, `${other.origin}/ws`]);
      await openOrError(`${a.origin}/p`, { followRedirects: true, headers: { Authorization: 'Bearer S3cr3t' } });
      expect(other.seen[0].headers.authorization).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('a redirect without Location, or to another scheme, is a clear error', async () => {
    a.routes.set('/ftp', [302, 'ftp://127.0.0.2/x']);
    expect((await openOrError(`${a.origin}/ftp`, { followRedirects: true })).error!.message).toContain(
      'Server redirected to "ftp:"',
    );
  });
});

describe('never downgrades wss: to ws:', () => {
  let secure: WsServer;
  const cert = generateCert();
  beforeAll(async () => {
    secure = await startWsServer({ tls: cert, echo: true });
  });
  afterAll(async () => {
    await secure?.close();
  });

  it('refuses a wss: → ws: redirect', () => {
    const error = new HandshakeError('x', 'status', {
      status: 302,
      headers: { location: 'ws://127.0.0.2/plain' },
    }) as HandshakeError & { status: number };
    const decision = nextHop(error, new URL('wss://127.0.0.1/secure'), { headers: {} }, new Set(), 0);
    expect('error' in decision && decision.error.message).toBe(
      'Refused a 302 redirect from wss://127.0.0.1/secure to ws://127.0.0.2/plain: it would downgrade wss: to ws: and send the request in clear text',
    );
  });

  it('end to end: a wss: server redirecting to ws: gets a clear error and the ws: host receives nothing', async () => {
    const tlsServer = new RedirectServer('127.0.0.1', cert);
    await tlsServer.listen();
    try {
      tlsServer.routes.set('/secure', [302, `${b.origin}/ws`]);
      const { error } = await openOrError(`wss://localhost:${tlsServer.port}/secure`, {
        followRedirects: true,
        tls: { ca: cert.cert },
      });
      expect(error).toMatchObject({ reason: 'status', status: 302 });
      expect(error!.message).toContain('it would downgrade wss: to ws:');
      expect(b.seen).toHaveLength(0);
    } finally {
      await tlsServer.close();
    }
  });

  it('end to end: a ws: → wss: upgrade is followed', async () => {
    a.routes.set('/up', [301, `wss://localhost:${secure.port}/`]);
    const { url, error } = await openOrError(`${a.origin}/up`, { followRedirects: true, tls: { ca: cert.cert } });
    expect(error).toBeUndefined();
    expect(url).toBe(`wss://localhost:${secure.port}/`);
  });
});

describe('redirects and unix sockets (the rule)', () => {
  const redirect = (location: string) =>
    new HandshakeError('x', 'status', { status: 302, headers: { location } }) as HandshakeError & { status: number };

  it('a relative Location stays on the socket and keeps the headers', () => {
    const decision = nextHop(
      redirect('/next?x=1'),
      new URL('ws+unix:///run/app.sock:/old'),
      { headers: { Authorization: 'a' } },
      new Set(),
      0,
    );
    expect(decision).toMatchObject({ socketPath: '/run/app.sock', headers: { Authorization: 'a' } });
    expect('url' in decision && decision.url.href).toBe('ws://localhost/next?x=1');
  });

  it('an absolute Location leaves the socket and drops the credentials', () => {
    const decision = nextHop(
      redirect('ws://localhost/elsewhere'),
      new URL('ws+unix:///run/app.sock:/old'),
      { headers: { Authorization: 'a', Cookie: 'c' } },
      new Set(),
      0,
    );
    expect(decision).toMatchObject({ socketPath: undefined, headers: {} });
  });

  it('the socketPath option serves its own host only', () => {
    const same = nextHop(redirect('/b'), new URL('ws://api.test/a'), { headers: {}, socketPath: '/s.sock' }, new Set(), 0);
    expect(same).toMatchObject({ socketPath: '/s.sock' });
    const other = nextHop(
      redirect('ws://other.test/b'),
      new URL('ws://api.test/a'),
      { headers: {}, socketPath: '/s.sock' },
      new Set(),
      0,
    );
    expect(other).toMatchObject({ socketPath: undefined });
  });
});

describe('redirects through a proxy', () => {
  it('every hop opens its own tunnel through the proxy', async () => {
    const proxy = await startConnectProxy();
    try {
      a.routes.set('/via', [302, '/ws']);
      const { url, error } = await openOrError(`${a.origin}/via`, { followRedirects: true, proxy: proxy.url });
      expect(error).toBeUndefined();
      expect(url).toBe(`${a.origin}/ws`);
      expect(proxy.requests.map((r) => r.target)).toEqual([`127.0.0.1:${a.port}`, `127.0.0.1:${a.port}`]);
    } finally {
      await proxy.close();
    }
  });
});
