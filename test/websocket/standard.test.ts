/**
 * sockline's `WebSocket` (Node build) against the standard's behaviours of test/shared/websocket-scenarios.ts: the
 * same scenarios and expectations that test/websocket/chromium.test.ts runs with the browser build and with
 * Chromium's native WebSocket.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from '../../src/index.node.js';
import { STANDARD_SCENARIOS, type WebSocketClass } from '../shared/websocket-scenarios.js';
import { startStandardServer, type StandardServer } from './server.js';

let server: Promise<StandardServer> | undefined;
const base = async (): Promise<string> => (await (server ??= startStandardServer())).url;

afterAll(async () => {
  await (await server)?.close();
});

describe('WebSocket (Node build): the WHATWG standard, one test per rule', () => {
  it.each(STANDARD_SCENARIOS)('$name', { timeout: 15_000 }, async (scenario) => {
    expect(await scenario.run(WebSocket as unknown as WebSocketClass, await base())).toEqual(scenario.expected);
  });
});
