/**
 * One loopback HTTP server (127.0.0.1, ephemeral port) for the WebSocket-class tests: WebSocket paths for the
 * standard's scenarios (test/shared/websocket-scenarios.ts), a graphql-ws server, and optional static routes (the
 * Chromium pages), all on one origin. Every connection is tracked and destroyed by `close()`.
 *
 * WebSocket paths (a `ws` server, no compression):
 * - `/echo`                     echoes text as text, binary as binary
 * - `/burst`                    echoes, and answers the text "burst" with three messages
 * - `/close?code=C&reason=R`    closes with C/R right after the handshake
 * - `/drop`                     destroys the TCP connection 50 ms after the handshake (no Close frame)
 * - `/reject`                   answers the upgrade with HTTP 403
 * - `/violate`                  sends a frame with the reserved opcode 0x3 right after the handshake
 * - `/graphql`                  graphql-ws (`graphql-transport-ws`) over test/websocket/graphql-schema.ts
 * Subprotocols: `sockline.v1` is selected when offered.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { createGraphqlState, type GraphqlState } from './graphql-schema.js';

export type StaticRoute = () => Promise<[contentType: string, body: string | Buffer]> | [string, string | Buffer];

export interface StandardServer {
  /** `ws://127.0.0.1:<port>` */
  readonly url: string;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly graphql: GraphqlState;
  /** Destroy every WebSocket on `/graphql` at once (no Close frame): "the server drops the link". */
  dropGraphqlLinks(): number;
  close(): Promise<void>;
}

export async function startStandardServer(routes: Record<string, StaticRoute> = {}): Promise<StandardServer> {
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered) => (offered.has('sockline.v1') ? 'sockline.v1' : false),
  });
  const graphqlWss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const graphql = createGraphqlState();
  const graphqlServer = useServer(graphql.serverOptions, graphqlWss);
  const dropGraphqlLinks = (): number => {
    let dropped = 0;
    for (const ws of graphqlWss.clients) {
      ws.terminate();
      dropped++;
    }
    return dropped;
  };
  graphql.drop = dropGraphqlLinks;

  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    const route = routes[new URL(request.url ?? '/', 'http://127.0.0.1').pathname];
    if (!route) {
      response.writeHead(404).end();
      return;
    }
    Promise.resolve(route()).then(
      ([type, body]) => response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body),
      (error: Error) => response.writeHead(500).end(String(error.stack)),
    );
  });
  http.keepAliveTimeout = 1000;
  http.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/reject') {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    if (path === '/graphql') {
      graphqlWss.handleUpgrade(request, socket, head, (ws) => graphqlWss.emit('connection', ws, request));
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => serve(ws, request, socket as Socket));
  });

  function serve(ws: WebSocket, request: IncomingMessage, socket: Socket): void {
    ws.on('error', () => {});
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    ws.on('message', (data, binary) => {
      if (url.pathname === '/burst' && !binary && String(data) === 'burst') {
        for (const text of ['b1', 'b2', 'b3']) ws.send(text);
        return;
      }
      ws.send(data, { binary });
    });
    switch (url.pathname) {
      case '/close':
        ws.close(Number(url.searchParams.get('code')), url.searchParams.get('reason') ?? '');
        break;
      case '/drop':
        setTimeout(() => socket.destroy(), 50);
        break;
      case '/violate':
        // FIN + opcode 0x3 (reserved, RFC 6455 §5.2), unmasked, empty payload.
        socket.write(Buffer.from([0x83, 0x00]));
        break;
      default:
        break;
    }
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', resolve);
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    origin: `http://127.0.0.1:${port}`,
    graphql,
    dropGraphqlLinks,
    async close() {
      await Promise.resolve(graphqlServer.dispose()).catch(() => {});
      for (const socket of sockets) socket.destroy();
      for (const ws of [...wss.clients, ...graphqlWss.clients]) ws.terminate();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
