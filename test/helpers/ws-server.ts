/**
 * A real `ws` WebSocketServer on an ephemeral loopback port, plain or TLS: the well-behaved peer for integration
 * tests. By default it echoes every message back (text as text, binary as binary). Compression is off unless the
 * `perMessageDeflate` option says otherwise, so frames on the wire are exactly what was sent.
 *
 * ```ts
 * const server = await startWsServer();
 * afterEach(() => server.close());
 * // connect a client to server.url
 * ```
 *
 * With `routes: true` the request path chooses the behaviour, so one server serves every scenario of the
 * browser-facing tests (happy-dom, Chromium, Firefox, the runtime matrix and the Node side of test/shared/):
 *
 * - `/echo` (and any other path)   echoes every message back, text as text and binary as binary
 * - `/fragments?count=N&bytes=M`   sends one binary message of M bytes as N frames (FIN only on the
 *                                  last), then one text message of N fragments, then echoes
 * - `/close?code=C&reason=R`       completes the handshake, then closes with C/R (no code: an empty close frame)
 * - `/headers`                     sends the request headers as one JSON text message, then echoes
 * - `/drop`                        completes the handshake, then destroys the TCP connection (no close frame)
 * - `/flaky?id=X&drops=N`          the first N connections with this id are destroyed 100 ms after the
 *                                  handshake without echoing (no close frame); later ones echo
 *
 * and the subprotocol is the first offered one that the server knows (`SERVER_PROTOCOLS`), or none.
 */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { WebSocketServer } from 'ws';
import type { PerMessageDeflateOptions, WebSocket } from 'ws';
import { closeServer, formatHost, listenOnLoopback, SocketTracker, withTimeout } from './test-server.js';
import type { LoopbackHost, TestServer } from './test-server.js';

export interface WsServerOptions {
  /** Serve `wss:` with this PEM certificate and key (see `generateCert()`). */
  tls?: { cert: string; key: string };
  /** Picks the subprotocol, as `ws`'s option: return one of `protocols`, or `false` to answer without one. */
  handleProtocols?: (protocols: Set<string>, request: IncomingMessage) => string | false;
  /** Echo every message back. @default true */
  echo?: boolean;
  /** Loopback address to bind. @default '127.0.0.1' */
  host?: LoopbackHost;
  /** ws's `perMessageDeflate` server option. @default false */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /** Choose the behaviour by the request path (see above); implies the `SERVER_PROTOCOLS` subprotocol rule. */
  routes?: boolean;
  /** Called for every accepted WebSocket, after the echo handler is attached. */
  onConnection?(ws: WebSocket, request: IncomingMessage): void;
}

/** One accepted connection. */
export interface WsConnection {
  ws: WebSocket;
  request: IncomingMessage;
}

export interface WsServer extends TestServer {
  /** The underlying server, for anything not covered here. */
  readonly wss: WebSocketServer;
  /** WebSocket connections accepted so far. */
  readonly connections: number;
  /**
   * The next accepted connection not yet returned by an earlier call (connections are queued, so a client that
   * connected before the call is not missed). Rejects after `timeoutMs`.
   */
  nextConnection(timeoutMs?: number): Promise<WsConnection>;
}

/** Starts a `ws` server on `host` port 0. The URL is `ws://127.0.0.1:<port>` (`wss:`, `[::1]` as configured). */
export async function startWsServer(options: WsServerOptions = {}): Promise<WsServer> {
  const host = options.host ?? '127.0.0.1';
  const echo = options.echo ?? true;
  const handleProtocols =
    options.handleProtocols ??
    (options.routes ? (offered: Set<string>) => SERVER_PROTOCOLS.find((p) => offered.has(p)) ?? false : undefined);
  const route = options.routes ? router() : undefined;
  const http: HttpServer = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }) : createHttpServer();
  const sockets = new SocketTracker();
  http.on('connection', (socket) => sockets.add(socket));
  // A plain HTTP request (not an upgrade) gets a 426, like a real WebSocket-only endpoint.
  http.on('request', (_, response) => response.writeHead(426, { Connection: 'close' }).end('Upgrade Required'));

  const wss = new WebSocketServer({
    server: http,
    perMessageDeflate: options.perMessageDeflate ?? false,
    ...(handleProtocols ? { handleProtocols } : {}),
  });
  // The http server owns the port; its errors surface through listen() below.
  wss.on('error', () => {});

  let connections = 0;
  const queued: WsConnection[] = [];
  const waiting: ((connection: WsConnection) => void)[] = [];
  wss.on('connection', (ws, request) => {
    connections++;
    ws.on('error', () => {});
    if (route) route(ws, request);
    else if (echo) ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    options.onConnection?.(ws, request);
    const connection = { ws, request };
    const waiter = waiting.shift();
    if (waiter) waiter(connection);
    else queued.push(connection);
  });

  const port = await listenOnLoopback(http, host);
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `${options.tls ? 'wss' : 'ws'}://${formatHost(host)}:${port}`,
    wss,
    get connections() {
      return connections;
    },
    nextConnection(timeoutMs = 5000) {
      const ready = queued.shift();
      if (ready) return Promise.resolve(ready);
      let resolver!: (connection: WsConnection) => void;
      const next = new Promise<WsConnection>((resolve) => {
        resolver = resolve;
        waiting.push(resolve);
      });
      return withTimeout(next, timeoutMs, 'a WebSocket connection').catch((error: unknown) => {
        waiting.splice(waiting.indexOf(resolver), 1);
        throw error;
      });
    },
    close() {
      closing ??= (async () => {
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        sockets.destroyAll();
        await closeServer(http);
      })();
      return closing;
    },
  };
}

/** The subprotocols a `routes` server knows, preferred first. */
export const SERVER_PROTOCOLS = ['sockline.v2', 'sockline.v1'];

/** The byte pattern of the `/fragments` binary message: byte i is i % 251 (a prime, so no period of 256). */
export const patternByte = (i: number): number => i % 251;

/** The `routes` behaviour: one handler per request path (see the top of this file). */
function router(): (ws: WebSocket, request: IncomingMessage) => void {
  const flakyConnections = new Map<string, number>();
  return (ws, request) => {
    const target = new URL(request.url ?? '/', 'http://127.0.0.1');
    const query = target.searchParams;

    if (target.pathname === '/flaky') {
      const id = query.get('id') ?? '';
      const seen = (flakyConnections.get(id) ?? 0) + 1;
      flakyConnections.set(id, seen);
      if (seen <= Number(query.get('drops') ?? 1)) {
        setTimeout(() => ws.terminate(), 100);
        return;
      }
    }
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));

    switch (target.pathname) {
      case '/fragments': {
        const count = Number(query.get('count') ?? 100);
        const bytes = Number(query.get('bytes') ?? count * 10);
        const payload = Buffer.alloc(bytes);
        for (let i = 0; i < bytes; i++) payload[i] = patternByte(i);
        const step = Math.ceil(bytes / count);
        for (let i = 0; i < count; i++) {
          ws.send(payload.subarray(i * step, Math.min(bytes, (i + 1) * step)), { binary: true, fin: i === count - 1 });
        }
        for (let i = 0; i < count; i++) {
          ws.send(String(i % 10), { binary: false, fin: i === count - 1 });
        }
        break;
      }
      case '/close':
        // No `code` parameter: a close frame without a status code (the client sees 1005).
        if (query.has('code')) ws.close(Number(query.get('code')), query.get('reason') ?? '');
        else ws.close();
        break;
      case '/drop':
        setTimeout(() => ws.terminate(), 20);
        break;
      case '/headers':
        ws.send(JSON.stringify(request.headers));
        break;
      default:
        break;
    }
  };
}
