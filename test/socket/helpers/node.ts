/** Small helpers for the facade's integration tests against real loopback servers (Node transport). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Socket } from '../../../src/index.node.js';
import type { SocketEvents } from '../../../src/events.js';

/** Resolves with the next `event` of `socket`; rejects after `ms`. */
export function next<K extends keyof SocketEvents>(socket: Socket, event: K, ms = 5000): Promise<SocketEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no '${event}' event within ${ms} ms (state ${socket.state})`));
    }, ms);
    const listener = (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as SocketEvents[K]);
    };
    socket.once(event, listener as never);
  });
}

/** Polls `predicate` every 5 ms until it holds; rejects after `ms` with `what`. */
export async function until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * A `ws` server behind a plain HTTP server we control: it records every message, can answer the first
 * upgrades with an HTTP error, and can be stopped and started again on the same port.
 */
export interface RecordingServer {
  readonly url: string;
  readonly port: number;
  /** Text messages received, in arrival order, across all connections. */
  readonly received: string[];
  /** Upgrade requests seen (answered or refused). */
  readonly upgrades: number;
  /** Live WebSocket connections. */
  readonly clients: Set<WebSocket>;
  /** Answer the next `count` upgrades with `status` (and optional headers) instead of 101. */
  refuseNext(count: number, status: number, headers?: Record<string, string>): void;
  /** Drop every connection and stop listening (the port is kept for `start()`). */
  stop(): Promise<void>;
  /** Listen again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const received: string[] = [];
  const clients = new Set<WebSocket>();
  let upgrades = 0;
  let refusals: { count: number; status: number; headers: Record<string, string> } = { count: 0, status: 0, headers: {} };
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => {});
    ws.on('message', (data, binary) => {
      if (!binary) received.push(data.toString());
    });
  });
  let http: Server | undefined;
  let port = 0;
  const listen = async (): Promise<void> => {
    const server = createServer((_, response) => response.writeHead(426).end());
    server.on('upgrade', (request, socket, head) => {
      upgrades++;
      socket.on('error', () => {});
      if (refusals.count > 0) {
        refusals.count--;
        const extra = Object.entries(refusals.headers)
          .map(([name, value]) => `${name}: ${value}\r\n`)
          .join('');
        socket.end(`HTTP/1.1 ${refusals.status} Refused\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    });
    server.on('connection', (socket) => socket.on('error', () => {}));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    server.unref();
    port = (server.address() as AddressInfo).port;
    http = server;
  };
  const stop = async (): Promise<void> => {
    const server = http;
    http = undefined;
    for (const ws of clients) ws.terminate();
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  await listen();
  return {
    get url() {
      return `ws://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    received,
    get upgrades() {
      return upgrades;
    },
    clients,
    refuseNext(count, status, headers = {}) {
      refusals = { count, status, headers };
    },
    stop,
    start: listen,
    async close() {
      await stop();
      wss.close();
    },
  };
}
