import { createHash } from 'node:crypto';
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptKey, buildRequest, createNonce, validateResponse } from '../../src/protocol/handshake.js';
import { HttpResponseParser } from '../../src/protocol/http-response-parser.js';
import type { HttpResponseParseResult } from '../../src/protocol/http-response-parser.js';
import { startConnectProxy } from './connect-proxy.js';
import type { ConnectProxy } from './connect-proxy.js';
import { decodeFrame, frame } from './frames.js';
import { withTimeout } from './test-server.js';
import { startWsServer } from './ws-server.js';
import type { WsServer } from './ws-server.js';

const sha1 = (s: string): Uint8Array => createHash('sha1').update(s).digest();

let proxy: ConnectProxy | undefined;
let target: WsServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await proxy?.close();
  await target?.close();
  proxy = target = undefined;
});

/** Reads one HTTP response head from `socket` (with the bytes after it), using the parser under test elsewhere. */
function readHead(socket: Socket): Promise<HttpResponseParseResult> {
  const parser = new HttpResponseParser();
  return withTimeout(
    new Promise((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        const result = parser.push(chunk);
        if (result) {
          socket.off('data', onData);
          resolve(result);
        }
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error('closed before a response head')));
    }),
    5000,
    'a response head',
  );
}

/** Opens a TCP connection to the proxy and sends CONNECT `authority`; resolves with the socket and the reply. */
async function sendConnect(authority: string, headers: Record<string, string> = {}) {
  const socket = connect(proxy!.port, '127.0.0.1');
  socket.on('error', () => {});
  sockets.push(socket);
  const lines = Object.entries({ Host: authority, ...headers }).map(([n, v]) => `${n}: ${v}\r\n`);
  socket.write(`CONNECT ${authority} HTTP/1.1\r\n${lines.join('')}\r\n`);
  return { socket, reply: await readHead(socket) };
}

const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('startConnectProxy', () => {
  it('tunnels a WebSocket handshake and frames to a loopback target, and counts the tunnel', async () => {
    target = await startWsServer();
    proxy = await startConnectProxy();
    expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`);
    const { socket, reply } = await sendConnect(`127.0.0.1:${target.port}`);
    expect(reply.head.status).toBe(200);
    expect(proxy.tunnels).toBe(1);

    const key = createNonce();
    socket.write(buildRequest({ url: new URL(target.url), key, protocols: [] }));
    const upgrade = await readHead(socket);
    expect(validateResponse(upgrade.head, { key, expectedAccept: acceptKey(key, sha1), protocols: [], extensions: [] })).toEqual({
      protocol: '',
      extensions: '',
    });

    socket.write(frame({ opcode: 0x1, payload: 'through the tunnel', masked: true }));
    const echoed = await withTimeout(new Promise<Buffer>((resolve) => socket.once('data', resolve)), 5000, 'the echo');
    expect(decodeFrame(Buffer.concat([upgrade.rest, echoed]))?.frame.payload.toString()).toBe('through the tunnel');
    expect(proxy.requests).toMatchObject([{ target: `127.0.0.1:${target.port}`, status: 200 }]);
  });

  it('maps localhost to 127.0.0.1', async () => {
    target = await startWsServer();
    proxy = await startConnectProxy();
    expect((await sendConnect(`localhost:${target.port}`)).reply.head.status).toBe(200);
  });

  it('requires Basic credentials when configured: 407 with a challenge, then 200 with the right ones', async () => {
    target = await startWsServer();
    proxy = await startConnectProxy({ auth: { username: 'user', password: 'p@ss' } });
    const missing = await sendConnect(`127.0.0.1:${target.port}`);
    expect(missing.reply.head.status).toBe(407);
    expect(missing.reply.head.headers['proxy-authenticate']).toBe('Basic realm="sockline-test"');
    const wrong = await sendConnect(`127.0.0.1:${target.port}`, { 'Proxy-Authorization': basic('user', 'nope') });
    expect(wrong.reply.head.status).toBe(407);
    const right = await sendConnect(`127.0.0.1:${target.port}`, { 'Proxy-Authorization': basic('user', 'p@ss') });
    expect(right.reply.head.status).toBe(200);
    expect(proxy.tunnels).toBe(1);
    expect(proxy.requests.map((r) => r.status)).toEqual([407, 407, 200]);
    expect(proxy.requests[2].headers['proxy-authorization']).toBe(basic('user', 'p@ss'));
  });

  it('refuse(403) / refuse(407) / refuse(false) switch at runtime', async () => {
    target = await startWsServer();
    proxy = await startConnectProxy({ refuse: 403 });
    expect((await sendConnect(`127.0.0.1:${target.port}`)).reply.head.status).toBe(403);
    proxy.refuse(407);
    expect((await sendConnect(`127.0.0.1:${target.port}`)).reply.head.status).toBe(407);
    proxy.refuse(false);
    expect((await sendConnect(`127.0.0.1:${target.port}`)).reply.head.status).toBe(200);
    expect(proxy.tunnels).toBe(1);
  });

  it('never dials a non-loopback target (403) and rejects a bad authority (400)', async () => {
    proxy = await startConnectProxy();
    expect((await sendConnect('example.com:443')).reply.head.status).toBe(403);
    expect((await sendConnect('10.0.0.1:80')).reply.head.status).toBe(403);
    expect((await sendConnect('127.0.0.1:99999')).reply.head.status).toBe(400);
    expect((await sendConnect('127.0.0.1')).reply.head.status).toBe(400);
    expect(proxy.tunnels).toBe(0);
  });

  it('answers 502 when the loopback target refuses the connection', async () => {
    const closed = createServer();
    const port = await new Promise<number>((resolve) => {
      closed.listen(0, '127.0.0.1', () => resolve((closed.address() as { port: number }).port));
    });
    await new Promise((resolve) => closed.close(resolve));
    proxy = await startConnectProxy();
    expect((await sendConnect(`127.0.0.1:${port}`)).reply.head.status).toBe(502);
  });
});
