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
  const http: HttpServer = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key })
    : createHttpServer();
  const sockets = new SocketTracker();
  http.on('connection', (socket) => sockets.add(socket));
  // A plain HTTP request (not an upgrade) gets a 426, like a real WebSocket-only endpoint.
  http.on('request', (_, response) => response.writeHead(426, { Connection: 'close' }).end('Upgrade Required'));

  const wss = new WebSocketServer({
    server: http,
    perMessageDeflate: options.perMessageDeflate ?? false,
    ...(options.handleProtocols ? { handleProtocols: options.handleProtocols } : {}),
  });
  // The http server owns the port; its errors surface through listen() below.
  wss.on('error', () => {});

  let connections = 0;
  const queued: WsConnection[] = [];
  const waiting: ((connection: WsConnection) => void)[] = [];
  wss.on('connection', (ws, request) => {
    connections++;
    ws.on('error', () => {});
    if (echo) ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
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
