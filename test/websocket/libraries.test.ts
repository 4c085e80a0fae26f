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

  it('should run a query, 100 subscription events in order, send connectionParams and recover with its own retryAttempts', { timeout: 20_000 }, async () => {
    server = await startStandardServer();
    const transcript = await graphqlScenario(createClient as unknown as CreateClient, WebSocket, `${server.url}/graphql`);
    expect(transcript).toEqual(GRAPHQL_EXPECTED);
    expect(server.graphql.connectionParams).toEqual([{ token: GRAPHQL_TOKEN }, { token: GRAPHQL_TOKEN }]);
  });
});
