// @vitest-environment happy-dom
/**
 * The browser build's `Socket` (src/index.browser.ts) under happy-dom, against a loopback `ws`
 * server: the shared scenarios (the same ones Node and Chromium run), the README example,
 * Node-only options, and a runtime without WebSocket.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Sockline from '../../src/index.browser.js';
import { InvalidArgumentError, InvalidStateError, Socket } from '../../src/index.browser.js';
import { runScenario, scenariosFor, type SocklineApi } from '../shared/echo-scenarios.js';
import { README_EXAMPLE_LOG, readmeExample } from '../shared/readme-example.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';

let server: WsServer;

beforeAll(async () => {
  server = await startWsServer({ routes: true });
});
afterAll(async () => {
  await server.close();
});

const api = Sockline as unknown as SocklineApi;

describe('browser Socket under happy-dom: shared scenarios', () => {
  it.each(scenariosFor('browser'))('$name', async (scenario) => {
    expect(await runScenario(api, server.url, scenario)).toEqual(scenario.expected);
  });

  it('should run the README example unchanged', async () => {
    expect(await readmeExample(api, `${server.url}/echo`)).toEqual(README_EXAMPLE_LOG);
  });
});

describe('browser Socket: Node-only options', () => {
  const NODE_ONLY: [string, unknown][] = [
    ['headers', { authorization: 'Bearer x' }],
    ['origin', 'https://example.com'],
    ['tls', { rejectUnauthorized: false }],
    ['proxy', 'http://127.0.0.1:3128'],
    ['maxPayload', 1024],
    ['handshakeTimeout', 1000],
    ['closeTimeout', 1000],
    ['noDelay', false],
  ];

  it.each(NODE_ONLY)('should throw InvalidArgumentError naming %s at construction, before connecting', (name, value) => {
    const before = server.connections;
    let error: unknown;
    try {
      new Socket(`${server.url}/echo`, { [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toContain(`Option ${name} is not supported in browsers`);
    expect(server.connections).toBe(before);
  });

  it('should accept Node-only options left undefined, so one options object can serve both builds', async () => {
    const isNode = false;
    const socket = new Socket(`${server.url}/echo`, {
      headers: isNode ? { authorization: 'Bearer x' } : undefined,
      maxPayload: isNode ? 1024 : undefined,
      reconnect: false,
    });
    const open = new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await open;
    socket.close();
    await closed;
  });
});

describe('browser Socket: a runtime without WebSocket', () => {
  it('should report one InvalidStateError naming the runtime, then close without retrying', async () => {
    vi.stubGlobal('WebSocket', undefined);
    try {
      const socket = new Socket(`${server.url}/echo`);
      const errors: Error[] = [];
      socket.on('error', (error) => errors.push(error));
      const reconnecting = vi.fn();
      socket.on('reconnecting', reconnecting);
      const closed = await new Promise<{ code: number; error?: Error }>((resolve) => socket.once('close', resolve));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(InvalidStateError);
      expect(errors[0].message).toMatch(/^WebSocket is not available in this runtime: import sockline.s Node build/);
      expect(closed.code).toBe(1006);
      expect(closed.error).toBe(errors[0]);
      expect(reconnecting).not.toHaveBeenCalled();
      expect(socket.state).toBe('closed');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('browser Socket: what mirrors the native object', () => {
  it('should expose readyState, protocol and bufferedAmount, and refuse ping() (no browser ping API)', async () => {
    const socket = new Socket(`${server.url}/echo`, { protocols: ['sockline.v2'], reconnect: false });
    expect(socket.readyState).toBe(0);
    await new Promise((resolve) => socket.once('open', resolve));
    expect(socket.readyState).toBe(1);
    expect(socket.protocol).toBe('sockline.v2');
    expect(socket.extensions).toBe('');
    expect(socket.bufferedAmount).toBe(0);
    expect(() => socket.ping()).toThrow(InvalidStateError);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.close();
    expect(socket.readyState).toBe(2);
    await closed;
    expect(socket.readyState).toBe(3);
  });
});
