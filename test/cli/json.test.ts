/** `--json`: every stdout line is one JSON event; scripts get the handshake, messages, errors and the exit code. */
import { createHash } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { frame } from '../helpers/frames.js';
import { startRawServer, upgradeResponse } from '../helpers/raw-server.js';
import type { RawServer } from '../helpers/raw-server.js';
import { startWsServer } from '../helpers/ws-server.js';
import type { WsServer } from '../helpers/ws-server.js';
import { assertCliBuilt, closedPort, events, killAll, runCli } from './helpers.js';

let server: WsServer | RawServer | undefined;

beforeAll(() => assertCliBuilt());
afterEach(async () => {
  killAll();
  await server?.close();
  server = undefined;
});

/** RFC 6455 §4.2.2, computed here independently of the library. */
const acceptOf = (key: string): string =>
  createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');

describe('sockline --json', () => {
  it('should print connecting, open (with the handshake), message, disconnect and close events as NDJSON', async () => {
    let sentKey: string | undefined;
    const ws = await startWsServer({
      handleProtocols: (offered) => (offered.has('v2') ? 'v2' : false),
      onConnection: (socket, request) => {
        sentKey = request.headers['sec-websocket-key'];
        socket.send(Buffer.from([1, 2, 255]));
      },
    });
    server = ws;
    const result = await runCli([ws.url, '--json', '-s', 'v1', '-s', 'v2'], { input: 'hello\n{"a":1}\n' });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const list = events(result.stdout);
    expect(list.map((e) => e.event)).toEqual(['connecting', 'open', 'message', 'message', 'message', 'disconnect', 'close']);
    for (const e of list) expect(Date.parse(e.time as string)).not.toBeNaN();
    const [connecting, open, binary, hello, object, , close] = list;
    expect(connecting).toMatchObject({ url: `${ws.url}/`, attempt: 0 });
    expect(open).toMatchObject({ reconnected: false, attempt: 0, protocol: 'v2', offered: ['v1', 'v2'], extensions: '' });
    const handshake = open.handshake as { key: string; expectedAccept: string; receivedAccept: string; status: number };
    expect(handshake.key).toBe(sentKey);
    expect(handshake.expectedAccept).toBe(acceptOf(sentKey!));
    expect(handshake.receivedAccept).toBe(handshake.expectedAccept);
    expect(handshake.status).toBe(101);
    expect(binary).toMatchObject({ binary: true, length: 3, hex: '0102ff' });
    expect(hello).toMatchObject({ binary: false, data: 'hello' });
    expect(object).toMatchObject({ binary: false, data: '{"a":1}' });
    expect(close).toMatchObject({ code: 1000, reason: '', wasClean: true, unsent: 0, exitCode: 0 });
  });

  it('should report a refused connection as error, drop and close events with exit code 4', async () => {
    const port = await closedPort();
    const result = await runCli([`ws://127.0.0.1:${port}`, '--json'], { input: 'lost\n' });
    expect(result.code).toBe(4);
    const list = events(result.stdout);
    expect(list.map((e) => e.event)).toEqual(['connecting', 'error', 'drop', 'close']);
    expect(list[1]).toMatchObject({ name: 'NetworkError', code: 'ERR_SOCKLINE_NETWORK', cause: 'ECONNREFUSED' });
    expect(list[2]).toMatchObject({ data: 'lost', error: { name: 'ConnectionClosedError' } });
    expect(list[3]).toMatchObject({ unsent: 1, exitCode: 4 });
  });

  it('should account for every line read: queued ones as drop events, the rest as unsent-input', async () => {
    const port = await closedPort();
    const input = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n');
    const result = await runCli([`ws://127.0.0.1:${port}`, '--json'], { input: `${input}\n` });
    expect(result.code).toBe(4);
    const list = events(result.stdout);
    const drops = list.filter((e) => e.event === 'drop');
    const unsent = list.filter((e) => e.event === 'unsent-input');
    // At most 256 lines are handed to the Socket before they reach the network; each is reported as a drop.
    expect(drops.length).toBe(256);
    expect(drops.map((e) => e.data)).toEqual(Array.from({ length: 256 }, (_, i) => `line ${i}`));
    expect(unsent).toHaveLength(1);
    expect(unsent[0].lines).toBeGreaterThan(0);
    expect(256 + (unsent[0].lines as number)).toBeLessThanOrEqual(5000);
    expect(list.at(-1)).toMatchObject({ event: 'close', unsent: 256, exitCode: 4 });
  });

  it('should report the pings the server sends and the pongs to our heartbeat', async () => {
    const raw = await startRawServer(async (socket, { key }, connection) => {
      socket.write(upgradeResponse(key));
      socket.write(frame({ opcode: 0x9, payload: 'hi' }));
      for (;;) {
        const received = await connection.readClientFrame(3000);
        // Answer the CLI's heartbeat ping with a pong "ok"; echo its Close to finish the closing handshake.
        if (received.opcode === 0x9) socket.write(frame({ opcode: 0xa, payload: 'ok' }));
        if (received.opcode === 0x8) return void socket.end(frame({ opcode: 0x8, payload: received.payload }));
      }
    });
    server = raw;
    const result = await runCli([raw.url, '--json', '--ping-interval', '200', '--wait', '600'], { input: '' });
    expect(result.code).toBe(0);
    const list = events(result.stdout);
    expect(list).toContainEqual(expect.objectContaining({ event: 'ping', length: 2, hex: '6869' }));
    expect(list).toContainEqual(expect.objectContaining({ event: 'pong', length: 2, hex: '6f6b' }));
  });
});
