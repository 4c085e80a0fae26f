import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startFaultProxy } from './fault-proxy.js';
import type { FaultProxy } from './fault-proxy.js';
import { closeServer, listenOnLoopback, SocketTracker, withTimeout } from './test-server.js';
import type { TestServer } from './test-server.js';
import { startWsServer } from './ws-server.js';

/** A plain TCP target: every accepted socket is handed to `onSocket` (and recorded). */
async function startTcpTarget(onSocket: (socket: Socket) => void = () => {}) {
  const tracker = new SocketTracker();
  const accepted: Socket[] = [];
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    tracker.add(socket);
    accepted.push(socket);
    onSocket(socket);
  });
  const port = await listenOnLoopback(server, '127.0.0.1');
  return {
    port,
    url: `tcp://127.0.0.1:${port}`,
    accepted,
    async close() {
      tracker.destroyAll();
      await closeServer(server);
    },
  };
}

/** Everything `socket` receives until the peer ends it or it closes (bounded). */
function readAll(socket: Socket, ms = 5000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return withTimeout(
    new Promise((resolve) => {
      const done = (): void => resolve(Buffer.concat(chunks));
      socket.once('end', done);
      socket.once('close', done);
    }),
    ms,
    'the socket to end',
  );
}

/** Polls `predicate` every 5 ms until it holds (bounded). */
function until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  return withTimeout(
    (async () => {
      while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
    })(),
    ms,
    what,
  );
}

function dial(port: number): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  clients.push(socket);
  return socket;
}

const BYTES = Buffer.from(Array.from({ length: 100 }, (_, i) => i));

let proxy: FaultProxy | undefined;
let targets: TestServer[] = [];
const clients: Socket[] = [];
afterEach(async () => {
  for (const socket of clients.splice(0)) socket.destroy();
  await proxy?.close();
  for (const target of targets) await target.close();
  proxy = undefined;
  targets = [];
});

describe('startFaultProxy', () => {
  it('passes a WebSocket echo through unchanged and counts bytes both ways', async () => {
    const target = await startWsServer();
    targets.push(target);
    proxy = await startFaultProxy(target.port);
    expect(proxy.url).toBe(`ws://127.0.0.1:${proxy.port}`);
    const ws = new WebSocket(proxy.url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send('ping through proxy');
    const echoed = await new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    expect(echoed).toBe('ping through proxy');
    const stats = proxy.stats;
    expect(stats).toMatchObject({ connections: 1, live: 1, refused: 0, cuts: 0 });
    expect(stats.bytesClientToServer).toBeGreaterThan(150); // request head + masked frame
    expect(stats.bytesServerToClient).toBeGreaterThan(120); // 101 head + frame
    ws.terminate();
  });

  it('cutAfter(n, server-to-client) before connecting: the client reads exactly n bytes, then the end', async () => {
    const target = await startTcpTarget((socket) => socket.write(BYTES));
    targets.push(target);
    proxy = await startFaultProxy(target.port);
    proxy.cutAfter(37, 'server-to-client');
    const received = await readAll(dial(proxy.port));
    expect(received).toEqual(BYTES.subarray(0, 37));
    expect(proxy.stats).toMatchObject({ cuts: 1, bytesServerToClient: 37 });
  });

  it('cutAfter(n, client-to-server): the target reads exactly n bytes, then the end', async () => {
    let targetReceived: Promise<Buffer> | undefined;
    const target = await startTcpTarget((socket) => (targetReceived = readAll(socket)));
    targets.push(target);
    proxy = await startFaultProxy(target.port);
    proxy.cutAfter(10, 'client-to-server');
    const client = dial(proxy.port);
    const clientClosed = readAll(client);
    client.write(BYTES.subarray(0, 4));
    await proxy.waitForConnections(1);
    await until(() => targetReceived !== undefined, 'the target connection');
    client.write(BYTES.subarray(4));
    expect(await targetReceived).toEqual(BYTES.subarray(0, 10));
    await clientClosed;
    expect(proxy.stats.bytesClientToServer).toBe(10);
  });

  it('cutAfter on a live pair counts from the call (a mid-stream cut)', async () => {
    let targetSocket: Socket | undefined;
    const target = await startTcpTarget((socket) => (targetSocket = socket));
    targets.push(target);
    proxy = await startFaultProxy(target.port);
    const client = dial(proxy.port);
    const received = readAll(client);
    let count = 0;
    client.on('data', (d: Buffer) => (count += d.length));
    await until(() => targetSocket !== undefined, 'the target connection');
    targetSocket!.write(BYTES.subarray(0, 20));
    await until(() => count === 20, 'the first 20 bytes');
    proxy.cutAfter(5, 'server-to-client');
    targetSocket!.write(BYTES.subarray(20));
    expect(await received).toEqual(BYTES.subarray(0, 25));
  });

  it('cutAll() destroys every live pair; new connections still pass', async () => {
    const target = await startTcpTarget((socket) => socket.on('data', (d: Buffer) => socket.write(d)));
    targets.push(target);
    proxy = await startFaultProxy(target.port);
    const first = dial(proxy.port);
    const second = dial(proxy.port);
    const closed = Promise.all([readAll(first), readAll(second)]);
    await proxy.waitForConnections(2);
    proxy.cutAll();
    await closed;
    expect(proxy.stats).toMatchObject({ cuts: 2 });
    const third = dial(proxy.port);
    third.write('echo?');
    const reply = await withTimeout(new Promise<Buffer>((resolve) => third.once('data', resolve)), 5000, 'echo');
    expect(reply.toString()).toBe('echo?');
    await until(() => proxy!.stats.live === 1, 'live === 1');
  });

  it('delay(ms) holds each chunk at least ms, in order', async () => {
    const target = await startTcpTarget((socket) => socket.on('data', (d: Buffer) => socket.write(d)));
    targets.push(target);
    proxy = await startFaultProxy(target.port);
    proxy.delay(100);
    const client = dial(proxy.port);
    const chunks: Buffer[] = [];
    client.on('data', (d: Buffer) => chunks.push(d));
    const start = Date.now();
    for (const part of ['a', 'b', 'c', 'd']) client.write(part);
    await until(() => Buffer.concat(chunks).length === 4, 'the echo');
    // Two hops (client→target and target→client), each delayed.
    expect(Date.now() - start).toBeGreaterThanOrEqual(190);
    expect(Buffer.concat(chunks).toString()).toBe('abcd');
  });

  it('refuse() accepts then destroys new connections; refuse(false) and passThrough() restore', async () => {
    const target = await startTcpTarget((socket) => socket.end('hello'));
    targets.push(target);
    proxy = await startFaultProxy(target.port);
    proxy.refuse();
    expect(await readAll(dial(proxy.port))).toHaveLength(0);
    expect(proxy.stats).toMatchObject({ refused: 1, connections: 0 });
    expect(target.accepted).toHaveLength(0);
    proxy.refuse(false);
    expect((await readAll(dial(proxy.port))).toString()).toBe('hello');
    proxy.refuse();
    proxy.cutAfter(2, 'server-to-client');
    proxy.delay(10);
    proxy.passThrough();
    expect((await readAll(dial(proxy.port))).toString()).toBe('hello');
  });

  it('a target that is down: the client connection is closed', async () => {
    const target = await startTcpTarget();
    await target.close();
    proxy = await startFaultProxy(target.port);
    expect(await readAll(dial(proxy.port))).toHaveLength(0);
  });

  it('propagates a half-close from the client to the target', async () => {
    let targetReceived: Promise<Buffer> | undefined;
    const target = await startTcpTarget((socket) => {
      targetReceived = new Promise((resolve) => {
        const chunks: Buffer[] = [];
        socket.on('data', (d: Buffer) => chunks.push(d));
        socket.once('end', () => {
          resolve(Buffer.concat(chunks));
          socket.end('bye');
        });
      });
    });
    targets.push(target);
    proxy = await startFaultProxy(target.port);
    const client = dial(proxy.port);
    const reply = readAll(client);
    client.end('last words');
    expect((await reply).toString()).toBe('bye');
    expect((await targetReceived)?.toString()).toBe('last words');
  });
});
