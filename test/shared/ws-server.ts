/**
 * A loopback `ws` server that every browser-facing test talks to (happy-dom, Chromium, and the
 * Node side of the shared scenarios). Behaviour is chosen by the request path, so one server
 * serves every scenario:
 *
 * - `/echo`                        echoes every message back, text as text and binary as binary
 * - `/fragments?count=N&bytes=M`   sends one binary message of M bytes as N frames (FIN only on the
 *                                  last), then one text message of N fragments, then echoes
 * - `/close?code=C&reason=R`       completes the handshake, then closes with C/R (no code: an empty close frame)
 * - `/headers`                     sends the request headers as one JSON text message, then echoes
 * - `/drop`                        completes the handshake, then destroys the TCP connection (no close frame)
 * - `/flaky?id=X&drops=N`          the first N connections with this id are destroyed 100 ms after the
 *                                  handshake without echoing (no close frame); later ones echo
 *
 * Subprotocols: the first offered protocol that the server knows (`SERVER_PROTOCOLS`) wins;
 * an offer with none of them completes the handshake without a protocol.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const SERVER_PROTOCOLS = ['sockline.v2', 'sockline.v1'];

/** The byte pattern of the fragmented binary message: byte i is i % 251 (a prime, so no period of 256). */
export const patternByte = (i: number): number => i % 251;

export interface TestWsServer {
  /** `ws://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startWsServer(): Promise<TestWsServer> {
  const sockets = new Set<WebSocket>();
  let connections = 0;
  const flakyConnections = new Map<string, number>();
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (offered) => SERVER_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });

  wss.on('connection', (ws, request) => {
    connections++;
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('error', () => {});
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
  });

  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of sockets) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
