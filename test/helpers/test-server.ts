/**
 * What every test server in `test/helpers/` returns, and the small pieces they share: listening on an ephemeral
 * loopback port and tracking sockets so `close()` can destroy them. Close every server in `afterEach`
 * (or `afterAll` for shared ones); servers are also `unref()`ed so a forgotten one cannot keep the worker alive.
 */
import type { Server, Socket } from 'node:net';

/** A running loopback server. */
export interface TestServer {
  /** The ephemeral port the OS assigned (the server always listens on port 0). */
  readonly port: number;
  /** Where to connect: `ws://127.0.0.1:<port>`, `wss://[::1]:<port>`, `http://127.0.0.1:<port>`… */
  readonly url: string;
  /** Stops listening, destroys every socket it still tracks, and resolves once the server is closed. Idempotent. */
  close(): Promise<void>;
}

/** The loopback addresses a test server may bind. */
export type LoopbackHost = '127.0.0.1' | '::1';

/** `127.0.0.1` → `127.0.0.1`, `::1` → `[::1]`, for use in URLs and `host:port` strings. */
export function formatHost(host: LoopbackHost): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Listens on `host` port 0, unrefs the server, and resolves with the assigned port. */
export function listenOnLoopback(server: Server, host: LoopbackHost): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      server.unref();
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('server has no TCP address'));
      else resolve(address.port);
    });
  });
}

/** A set of live sockets; each gets an `error` listener so a reset from the peer never crashes the test worker. */
export class SocketTracker {
  readonly #sockets = new Set<Socket>();

  /** Tracks `socket` until it closes. Returns it for chaining. */
  add<T extends Socket>(socket: T): T {
    this.#sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => this.#sockets.delete(socket));
    return socket;
  }

  get size(): number {
    return this.#sockets.size;
  }

  destroyAll(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }
}

/** `server.close()` as a promise that also resolves when the server was not listening. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}

/** Rejects after `ms` with a message naming what was awaited; the timer is cleared when `promise` settles. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
