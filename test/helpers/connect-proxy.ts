/**
 * A real HTTP CONNECT proxy (RFC 7231 §4.3.6) on an ephemeral loopback port, for proxy tests. It tunnels only to
 * loopback targets (127.0.0.1, localhost → 127.0.0.1, ::1), can require Basic credentials (407 otherwise), can be
 * told to refuse every tunnel (403 or 407), and counts the tunnels it opened.
 *
 * ```ts
 * const proxy = await startConnectProxy({ auth: { username: 'u', password: 'p' } });
 * // connect a client with proxy: proxy.url, e.g. http://u:p@127.0.0.1:<port>
 * expect(proxy.tunnels).toBe(1);
 * ```
 */
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { closeServer, formatHost, listenOnLoopback, SocketTracker } from './test-server.js';
import type { LoopbackHost, TestServer } from './test-server.js';

/** Loopback names the proxy will dial, mapped to the address it connects to. */
const LOOPBACK_TARGETS: Readonly<Record<string, string>> = {
  '127.0.0.1': '127.0.0.1',
  localhost: '127.0.0.1',
  '::1': '::1',
};

export interface ConnectProxyOptions {
  /** Require `Proxy-Authorization: Basic base64(username:password)`; anything else gets a 407. */
  auth?: { username: string; password: string };
  /** Refuse every CONNECT with this status (see `refuse()`). @default false */
  refuse?: 403 | 407 | false;
  /** Loopback address to bind. @default '127.0.0.1' */
  host?: LoopbackHost;
}

/** One CONNECT request the proxy received, whatever its outcome. */
export interface ConnectRecord {
  /** The request-target, e.g. "127.0.0.1:8080". */
  target: string;
  /** Request headers, lower-case names. */
  headers: IncomingMessage['headers'];
  /** Status the proxy answered: 200, 400, 403, 407 or 502. */
  status: number;
}

export interface ConnectProxy extends TestServer {
  /** Tunnels established (the proxy answered 200). */
  readonly tunnels: number;
  /** Every CONNECT received, in order. */
  readonly requests: readonly ConnectRecord[];
  /** From now on refuse new CONNECTs with `status`, or stop refusing with `false`. Open tunnels are untouched. */
  refuse(status: 403 | 407 | false): void;
}

/** Starts the proxy; its URL is `http://127.0.0.1:<port>` (no credentials in it). */
export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new SocketTracker();
  const requests: ConnectRecord[] = [];
  let refusal = options.refuse ?? false;
  let tunnels = 0;
  const expectedAuth = options.auth
    ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`
    : undefined;

  const server = createServer((_, response) => {
    response.writeHead(405, { Allow: 'CONNECT', Connection: 'close' }).end('This proxy only supports CONNECT');
  });
  server.on('connection', (socket: Socket) => sockets.add(socket));

  server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    const record: ConnectRecord = { target: request.url ?? '', headers: request.headers, status: 0 };
    requests.push(record);
    const reply = (status: number, text: string, extra = ''): void => {
      record.status = status;
      client.end(`HTTP/1.1 ${status} ${text}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
    };

    if (refusal === 403) return reply(403, 'Forbidden');
    const challenge = 'Proxy-Authenticate: Basic realm="sockline-test"\r\n';
    if (refusal === 407) return reply(407, 'Proxy Authentication Required', challenge);
    if (expectedAuth !== undefined && request.headers['proxy-authorization'] !== expectedAuth) {
      return reply(407, 'Proxy Authentication Required', challenge);
    }

    // RFC 7231 §4.3.6: the request-target of CONNECT is authority-form, host:port (IPv6 in brackets).
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(record.target);
    const port = match ? Number(match[3]) : 0;
    if (!match || port < 1 || port > 65535) return reply(400, 'Bad Request');
    const address = LOOPBACK_TARGETS[(match[1] ?? match[2]).toLowerCase()];
    if (address === undefined) return reply(403, 'Forbidden');

    const upstream = sockets.add(connect({ host: address, port }));
    upstream.once('error', () => {
      if (record.status === 0) reply(502, 'Bad Gateway');
      client.destroy();
    });
    upstream.once('connect', () => {
      tunnels++;
      record.status = 200;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
  });

  const port = await listenOnLoopback(server, host);
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${formatHost(host)}:${port}`,
    get tunnels() {
      return tunnels;
    },
    requests,
    refuse(status) {
      refusal = status;
    },
    close() {
      closing ??= (async () => {
        sockets.destroyAll();
        await closeServer(server);
      })();
      return closing;
    },
  };
}
