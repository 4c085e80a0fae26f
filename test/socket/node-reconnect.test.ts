/**
 * The Socket over the real Node transport: a server that restarts, a server that answers 503 first,
 * handshakes cut mid-response. Real loopback sockets, real (short) timers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HandshakeError } from '../../src/errors.js';
import { Socket } from '../../src/index.node.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { next, startRecordingServer, until, type RecordingServer } from './helpers/node.js';

const fast = { reconnect: { minDelay: 20, maxDelay: 100 }, heartbeat: false as const };

let server: RecordingServer | undefined;
let proxy: FaultProxy | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.close();
  socket = undefined;
  await proxy?.close();
  proxy = undefined;
  await server?.close();
  server = undefined;
});

describe('Socket on Node: reconnection', () => {
  it('should reconnect after a server restart and deliver the messages queued while down, in order, before open', async () => {
    server = await startRecordingServer();
    socket = new Socket(server.url, fast);
    await next(socket, 'open');
    socket.send('before');
    await until(() => server!.received.length === 1, 'the first message');

    const reconnecting = next(socket, 'reconnecting');
    await server.stop();
    const [{ lastClose }] = await reconnecting;
    expect(lastClose.code).toBe(1006);
    expect(socket.state === 'reconnecting' || socket.state === 'connecting').toBe(true);
    for (let i = 0; i < 100; i++) socket.send(`queued ${i}`);
    // Let a few attempts fail against the closed port.
    await until(() => socket!.stats.attempts >= 3, 'failed attempts');
    expect(socket.bufferedAmount).toBeGreaterThan(0);

    await server.start();
    socket.once('open', () => socket!.send('from open'));
    const [open] = await next(socket, 'open');
    expect(open.reconnected).toBe(true);
    await until(() => server!.received.length === 102, 'all messages');
    expect(server.received).toEqual(['before', ...Array.from({ length: 100 }, (_, i) => `queued ${i}`), 'from open']);
    expect(socket.stats).toMatchObject({ queued: 100, dropped: 0, sent: 102, reconnects: 1 });
  });

  it('should retry a server answering 503 for the first attempts, and report each as an error', async () => {
    server = await startRecordingServer();
    server.refuseNext(3, 503, { 'Retry-After': '0' });
    socket = new Socket(server.url, fast);
    const errors: unknown[] = [];
    socket.on('error', (error) => errors.push(error));
    socket.send('hello');
    await next(socket, 'open');
    expect(server.upgrades).toBe(4);
    expect(socket.stats.attempts).toBe(4);
    expect(errors).toHaveLength(3);
    for (const error of errors) {
      expect(error).toBeInstanceOf(HandshakeError);
      expect(error).toMatchObject({ reason: 'status', status: 503 });
    }
    await until(() => server!.received.length === 1, 'the queued message');
    expect(server.received).toEqual(['hello']);
  });

  it('should honour Retry-After on 503 within maxDelay', async () => {
    server = await startRecordingServer();
    server.refuseNext(1, 503, { 'Retry-After': '1' });
    socket = new Socket(server.url, { reconnect: { minDelay: 10, maxDelay: 1500 }, heartbeat: false });
    const [{ delay }] = await next(socket, 'reconnecting');
    expect(delay).toBeGreaterThanOrEqual(1000);
    expect(delay).toBeLessThanOrEqual(1500);
    const started = Date.now();
    await next(socket, 'open', 3000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('should stop at a 401 and report the queued messages as unsent', async () => {
    server = await startRecordingServer();
    server.refuseNext(1, 401);
    socket = new Socket(server.url, fast);
    const pending = socket.sendAsync('secret');
    const [close] = await next(socket, 'close');
    expect(close.error).toMatchObject({ reason: 'status', status: 401 });
    expect(close.unsent).toEqual(['secret']);
    await expect(pending).rejects.toMatchObject({ name: 'ConnectionClosedError' });
    expect(server.upgrades).toBe(1);
  });

  it('should retry handshakes cut in the middle of the response', async () => {
    server = await startRecordingServer();
    proxy = await startFaultProxy(server.port);
    proxy.cutAfter(30, 'server-to-client');
    socket = new Socket(proxy.url, fast);
    const errors: Error[] = [];
    socket.on('error', (error) => errors.push(error));
    await until(() => errors.length >= 3, 'three failed attempts');
    proxy.passThrough();
    await next(socket, 'open');
    expect(socket.state).toBe('open');
  });

  it('should leave no timer or socket behind after close()', async () => {
    const count = (kind: string) =>
      (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo().filter((h) => h === kind).length;
    server = await startRecordingServer();
    const before = { timers: count('Timeout'), sockets: count('TCPSocketWrap') };
    socket = new Socket(server.url, { ...fast, heartbeat: { interval: 50, timeout: 50 } });
    await next(socket, 'open');
    await new Promise((resolve) => setTimeout(resolve, 120));
    const closed = next(socket, 'close');
    socket.close(1000, 'bye');
    const [close] = await closed;
    expect(close).toMatchObject({ code: 1000, reason: 'bye', wasClean: true });
    await until(() => server!.clients.size === 0, 'the server to see the close');
    // The heartbeat, connection and retry timers are gone, and so is the transport's socket.
    await until(
      () => count('Timeout') <= before.timers && count('TCPSocketWrap') <= before.sockets,
      'the timers and the client socket to be released',
    );
  });
});
