/**
 * A fault-injecting TCP proxy between a client and a loopback target port. It forwards bytes unchanged until told
 * otherwise, and every fault can be switched at runtime:
 *
 * - `cutAll()`: destroy every live connection pair now.
 * - `cutAfter(n, direction)`: forward `n` more bytes in that direction, then destroy the pair. Applies to live
 *   pairs (counted from the call) and to every later pair (counted from its start) until `passThrough()`, so both
 *   mid-handshake and mid-frame cuts are possible.
 * - `delay(ms)`: hold every chunk `ms` before forwarding it (order preserved, both directions).
 * - `refuse()`: accept new connections and destroy them at once (the client sees a reset/EOF, not ECONNREFUSED).
 * - `passThrough()`: clear all of the above.
 *
 * `cutAfter` flushes the bytes allowed through and then ends that socket (FIN, so the peer reads every byte that
 * was let through before it sees the end); the other socket is destroyed at once. `cutAll` destroys both.
 *
 * ```ts
 * const target = await startWsServer();
 * const proxy = await startFaultProxy(target.port);
 * proxy.cutAfter(10, 'server-to-client'); // the 101 response is cut after 10 bytes
 * // connect a client to proxy.url
 * ```
 */
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { closeServer, formatHost, listenOnLoopback, SocketTracker, withTimeout } from './test-server.js';
import type { LoopbackHost, TestServer } from './test-server.js';

export type Direction = 'client-to-server' | 'server-to-client';

/** Counters since the proxy started. */
export interface FaultProxyStats {
  /** Connections accepted and forwarded (refused ones excluded). */
  connections: number;
  /** Pairs currently open. */
  live: number;
  /** Connections destroyed on arrival by `refuse()`. */
  refused: number;
  /** Pairs destroyed by `cutAll()` / `cutAfter()`. */
  cuts: number;
  /** Bytes forwarded from clients to the target. */
  bytesClientToServer: number;
  /** Bytes forwarded from the target to clients. */
  bytesServerToClient: number;
}

export interface FaultProxyOptions {
  /** Scheme of `url` (the proxy itself is plain TCP; use 'wss' in front of a TLS target). @default 'ws' */
  scheme?: 'ws' | 'wss';
  /** Loopback address to bind. @default '127.0.0.1' */
  host?: LoopbackHost;
  /** Loopback address of the target. @default '127.0.0.1' */
  targetHost?: LoopbackHost;
}

export interface FaultProxy extends TestServer {
  /** A snapshot of the counters. */
  readonly stats: FaultProxyStats;
  passThrough(): void;
  cutAll(): void;
  cutAfter(bytes: number, direction: Direction): void;
  delay(ms: number): void;
  refuse(enabled?: boolean): void;
  /** Resolves once at least `count` connections were accepted in total. */
  waitForConnections(count: number, timeoutMs?: number): Promise<void>;
}

interface Queued {
  due: number;
  /** null marks the end of the stream (the sender half-closed). */
  data: Buffer | null;
}

/** One side's outgoing path: what is waiting to be written and how much may still pass before a cut. */
interface Lane {
  from: Socket;
  to: Socket;
  queue: Queued[];
  timer: NodeJS.Timeout | undefined;
  /** Bytes that may still pass before the pair is cut; null for no limit. */
  budget: number | null;
}

interface Pair {
  lanes: Record<Direction, Lane>;
  cut: boolean;
}

/** Starts the proxy in front of `targetPort`; its URL is `ws://127.0.0.1:<port>`. */
export async function startFaultProxy(targetPort: number, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const host = options.host ?? '127.0.0.1';
  const targetHost = options.targetHost ?? '127.0.0.1';
  const sockets = new SocketTracker();
  const pairs = new Set<Pair>();
  const stats: FaultProxyStats = {
    connections: 0,
    live: 0,
    refused: 0,
    cuts: 0,
    bytesClientToServer: 0,
    bytesServerToClient: 0,
  };
  let refusing = false;
  let delayMs = 0;
  let cutRule: { bytes: number; direction: Direction } | null = null;
  let connectionWaiters: (() => void)[] = [];

  /** Stops forwarding on `pair` (later data is read and dropped) without touching its sockets. */
  const stopPair = (pair: Pair): boolean => {
    if (pair.cut) return false;
    pair.cut = true;
    for (const lane of Object.values(pair.lanes)) {
      clearTimeout(lane.timer);
      lane.timer = undefined;
      lane.queue.length = 0;
      lane.from.resume();
    }
    return true;
  };

  const destroyPair = (pair: Pair): void => {
    stopPair(pair);
    for (const lane of Object.values(pair.lanes)) lane.from.destroy();
  };

  const cut = (pair: Pair): void => {
    if (pair.cut) return;
    stats.cuts++;
    destroyPair(pair);
  };

  const count = (direction: Direction, bytes: number): void => {
    if (direction === 'client-to-server') stats.bytesClientToServer += bytes;
    else stats.bytesServerToClient += bytes;
  };

  /** Writes one queued item now, honouring the cut budget. */
  const deliver = (pair: Pair, direction: Direction, data: Buffer | null): void => {
    const lane = pair.lanes[direction];
    if (pair.cut) return;
    if (data === null) {
      lane.to.end();
      return;
    }
    if (lane.budget !== null && data.length >= lane.budget) {
      const allowed = data.subarray(0, lane.budget);
      lane.budget = 0;
      count(direction, allowed.length);
      stats.cuts++;
      stopPair(pair);
      // The sender of the excess is dropped at once; the receiver gets the allowed bytes, then FIN, then is closed.
      lane.from.destroy();
      lane.to.end(allowed, () => lane.to.destroy());
      return;
    }
    if (lane.budget !== null) lane.budget -= data.length;
    count(direction, data.length);
    if (!lane.to.write(data)) {
      lane.from.pause();
      lane.to.once('drain', () => {
        if (!pair.cut) lane.from.resume();
      });
    }
  };

  const pump = (pair: Pair, direction: Direction): void => {
    const lane = pair.lanes[direction];
    if (lane.timer !== undefined || pair.cut) return;
    while (lane.queue.length > 0 && !pair.cut) {
      const wait = lane.queue[0].due - Date.now();
      if (wait > 0) {
        lane.timer = setTimeout(() => {
          lane.timer = undefined;
          pump(pair, direction);
        }, wait);
        return;
      }
      deliver(pair, direction, (lane.queue.shift() as Queued).data);
    }
  };

  const forward = (pair: Pair, direction: Direction, data: Buffer | null): void => {
    if (pair.cut) return;
    const lane = pair.lanes[direction];
    if (delayMs <= 0 && lane.queue.length === 0) {
      deliver(pair, direction, data);
      return;
    }
    lane.queue.push({ due: Date.now() + delayMs, data });
    pump(pair, direction);
  };

  const server = createServer({ allowHalfOpen: true }, (client) => {
    sockets.add(client);
    if (refusing) {
      stats.refused++;
      client.destroy();
      return;
    }
    stats.connections++;
    stats.live++;
    const upstream = sockets.add(connect({ host: targetHost, port: targetPort, allowHalfOpen: true }));
    const lane = (from: Socket, to: Socket, direction: Direction): Lane => ({
      from,
      to,
      queue: [],
      timer: undefined,
      budget: cutRule?.direction === direction ? cutRule.bytes : null,
    });
    const pair: Pair = {
      lanes: {
        'client-to-server': lane(client, upstream, 'client-to-server'),
        'server-to-client': lane(upstream, client, 'server-to-client'),
      },
      cut: false,
    };
    pairs.add(pair);
    // A budget of 0 cuts the pair before a single byte passes.
    if (cutRule?.bytes === 0) cut(pair);

    for (const direction of ['client-to-server', 'server-to-client'] as const) {
      const { from } = pair.lanes[direction];
      from.on('data', (chunk: Buffer) => forward(pair, direction, chunk));
      from.on('end', () => forward(pair, direction, null));
      // A reset (or a target that refused the connection) on one side takes the other down too; a clean
      // end was already forwarded by the 'end' handler.
      from.on('close', (hadError: boolean) => {
        if (hadError) destroyPair(pair);
      });
    }
    let closedSides = 0;
    const onClose = (): void => {
      if (++closedSides === 2) {
        pairs.delete(pair);
        stats.live--;
      }
    };
    client.once('close', onClose);
    upstream.once('close', onClose);

    for (const resolve of connectionWaiters) resolve();
    connectionWaiters = [];
  });

  const port = await listenOnLoopback(server, host);
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `${options.scheme ?? 'ws'}://${formatHost(host)}:${port}`,
    get stats() {
      return { ...stats };
    },
    passThrough() {
      refusing = false;
      delayMs = 0;
      cutRule = null;
      for (const pair of pairs) for (const lane of Object.values(pair.lanes)) lane.budget = null;
    },
    cutAll() {
      for (const pair of pairs) cut(pair);
    },
    cutAfter(bytes, direction) {
      if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`cutAfter: invalid byte count ${bytes}`);
      cutRule = { bytes, direction };
      for (const pair of pairs) {
        pair.lanes[direction].budget = bytes;
        if (bytes === 0) cut(pair);
      }
    },
    delay(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`delay: invalid delay ${ms}`);
      delayMs = ms;
    },
    refuse(enabled = true) {
      refusing = enabled;
    },
    async waitForConnections(target, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (stats.connections < target) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${target} connections`);
        let resolver!: () => void;
        const next = new Promise<void>((resolve) => {
          resolver = resolve;
          connectionWaiters.push(resolve);
        });
        await withTimeout(next, left, `${target} connections`).catch((error: unknown) => {
          connectionWaiters = connectionWaiters.filter((w) => w !== resolver);
          throw error;
        });
      }
    },
    close() {
      closing ??= (async () => {
        for (const pair of pairs) destroyPair(pair);
        sockets.destroyAll();
        await closeServer(server);
      })();
      return closing;
    },
  };
}
