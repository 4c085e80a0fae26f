/**
 * Moved: the path-routed server of the browser-facing tests is `startWsServer({ routes: true })` in
 * test/helpers/ws-server.ts (its paths are listed there). This module stays so that existing imports keep working.
 */
import { startWsServer as startRoutedServer, type WsServer } from '../helpers/ws-server.js';

export { patternByte, SERVER_PROTOCOLS } from '../helpers/ws-server.js';

/** @deprecated Use `WsServer` from test/helpers/ws-server.ts. */
export type TestWsServer = WsServer;

/** @deprecated Use `startWsServer({ routes: true })` from test/helpers/ws-server.ts. */
export const startWsServer = (): Promise<TestWsServer> => startRoutedServer({ routes: true });
