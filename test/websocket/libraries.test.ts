/**
 * Real libraries that no one here wrote, driving sockline's `WebSocket` (Node build) against their own servers on
 * loopback:
 * - graphql-ws: `createClient({ webSocketImpl: WebSocket })` against `graphql-ws/use/ws` (test/shared/graphql-scenario.ts,
 *   the scenario Chromium runs too): default (standard) mode, since graphql-ws retries with a new instance itself;
 * - y-websocket: `WebsocketProvider` with `WebSocketPolyfill` against @y/websocket-server's `setupWSConnection`:
 *   documents converge, and edits made while the server dropped the links converge after the reconnect, in both
 *   modes (y-websocket resyncs on every `open`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setupWSConnection } from '@y/websocket-server/utils';
import { createClient } from 'graphql-ws';
import { WebSocketServer } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from '../../src/index.node.js';
import { GRAPHQL_EXPECTED, GRAPHQL_TOKEN, graphqlScenario, type CreateClient } from '../shared/graphql-scenario.js';
import { startStandardServer, type StandardServer } from './server.js';

describe('graphql-ws over sockline WebSocket (Node build)', () => {
  let server: StandardServer | undefined;
  afterAll(async () => server?.close());

  it('should run a query, 100 subscription events in order, send connectionParams and recover with its own retryAttempts', {
    timeout: 20_000,
  }, async () => {
    server = await startStandardServer();
    const transcript = await graphqlScenario(createClient as unknown as CreateClient, WebSocket, `${server.url}/graphql`);
    expect(transcript).toEqual(GRAPHQL_EXPECTED);
    expect(server.graphql.connectionParams).toEqual([{ token: GRAPHQL_TOKEN }, { token: GRAPHQL_TOKEN }]);
  });
});

/** A y-websocket server (@y/websocket-server's `setupWSConnection` on `ws`) that can drop every link and stay down a while. */
async function startYjsServer(): Promise<{
  url: string;
  connections: () => number;
  drop(downMs: number): void;
  readonly down: boolean;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  let down = false;
  const http: Server = createServer((_request, response) => response.writeHead(404).end());
  http.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  http.on('upgrade', (request, socket, head) => {
    // While "down", new connections are cut at once, as by a server that is restarting.
    if (down) return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => setupWSConnection(ws, request));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    connections: () => wss.clients.size,
    get down() {
      return down;
    },
    drop(downMs) {
      down = true;
      for (const ws of wss.clients) ws.terminate();
      setTimeout(() => (down = false), downMs);
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Polls `check` every 10 ms for up to `ms`. */
async function waitFor(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('y-websocket over sockline WebSocket (Node build)', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it.each([
    { mode: 'default (standard) mode: y-websocket reconnects with a new instance', Impl: WebSocket, sameInstance: false },
    {
      mode: 'reconnect mode: the same instance reopens and y-websocket resyncs on its new open',
      Impl: WebSocket.withOptions({ reconnect: { minDelay: 50, maxDelay: 200 } }),
      sameInstance: true,
    },
  ])(
    '$mode: documents converge, and edits made during a server drop converge after the reconnect',
    { timeout: 20_000 },
    async ({ Impl, sameInstance }) => {
      const server = await startYjsServer();
      cleanup.push(() => server.close());
      const room = `room-${Math.random().toString(36).slice(2)}`;
      const docs = [new Y.Doc(), new Y.Doc()];
      const providers = docs.map((doc) => {
        // disableBc: two providers in one process would otherwise sync over BroadcastChannel, without the server.
        const provider = new WebsocketProvider(server.url, room, doc, { WebSocketPolyfill: Impl, disableBc: true });
        cleanup.push(
          () => provider.destroy(),
          () => doc.destroy(),
        );
        return provider;
      });
      const [a, b] = docs.map((doc) => doc.getText('text'));

      a.insert(0, 'hello from A. ');
      await waitFor('B to see A', () => b.toString() === 'hello from A. ');
      b.insert(b.length, 'hello from B.');
      await waitFor('A to see B', () => a.toString() === 'hello from A. hello from B.');
      const sockets = providers.map((p) => p.ws);
      let opens = 0;
      for (const socket of sockets) socket!.addEventListener('open', () => opens++);

      server.drop(600);
      await waitFor('the server to drop every link', () => server.connections() === 0);
      a.insert(0, '[A offline] ');
      b.insert(b.length, ' [B offline]');
      expect(server.down).toBe(true); // the edits were made while no link could exist

      const expected = (text: string) => text.includes('[A offline] ') && text.includes(' [B offline]');
      await waitFor(
        'both documents to converge after the reconnect',
        () => a.toString() === b.toString() && expected(a.toString()),
      );
      expect(a.toString()).toBe('[A offline] hello from A. hello from B. [B offline]');
      expect(providers.map((p) => p.ws === sockets[providers.indexOf(p)])).toEqual([sameInstance, sameInstance]);
      expect(opens).toBe(sameInstance ? 2 : 0);
    },
  );
});
