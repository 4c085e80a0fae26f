/**
 * A link paused by a lagging messages() loop receives nothing on purpose (not even the pong of the heartbeat's ping,
 * which waits in the kernel behind the unread data): the heartbeat must not take that for a dead link. Real `ws`
 * server on loopback, a short heartbeat.
 */
import { afterEach, expect, it } from 'vitest';
import { Socket } from '../../src/index.node.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';
import { next } from '../socket/helpers/node.js';

let server: WsServer | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.close();
  socket = undefined;
  await server?.close();
  server = undefined;
});

it('a link paused for 8 heartbeat timeouts stays open, then delivers everything in order', { timeout: 20_000 }, async () => {
  let pings = 0;
  server = await startWsServer({
    echo: false,
    onConnection(peer) {
      peer.on('ping', () => pings++);
      for (let i = 0; i < 5; i++) peer.send(`m${i}`);
    },
  });
  socket = new Socket(server.url, { heartbeat: { interval: 50, timeout: 50 }, reconnect: false });
  const errors: unknown[] = [];
  socket.on('error', (error) => errors.push(error));
  const iterator = socket.messages({ highWaterMark: { messages: 1 } });
  await next(socket, 'open');
  const first = await iterator.next(); // the loop then lags: the next messages pause reading
  expect(first.value).toBe('m0');
  await new Promise((resolve) => setTimeout(resolve, 800));
  expect(errors).toEqual([]);
  expect(socket.state).toBe('open');
  expect(pings).toBeGreaterThan(0); // the heartbeat kept probing
  const rest: unknown[] = [];
  for (let i = 1; i < 5; i++) rest.push((await iterator.next()).value);
  expect(rest).toEqual(['m1', 'm2', 'm3', 'm4']);
});
