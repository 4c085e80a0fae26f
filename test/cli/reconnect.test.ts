/** Reconnection is visible: the server drops the link, the CLI shows the backoff, reconnects, and delivers what was queued. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWsServer } from '../helpers/ws-server.js';
import type { WsServer } from '../helpers/ws-server.js';
import { assertCliBuilt, events, killAll, startCli } from './helpers.js';

let server: WsServer | undefined;

beforeAll(() => assertCliBuilt());
afterEach(async () => {
  killAll();
  await server?.close();
  server = undefined;
});

/** A server whose first connection is dropped without a closing handshake; later ones echo. */
async function dropFirstLink(onMessage?: (text: string, connection: number) => void): Promise<WsServer> {
  let count = 0;
  return startWsServer({
    onConnection: (ws) => {
      const connection = ++count;
      ws.on('message', (data) => onMessage?.(String(data), connection));
      if (connection === 1) setTimeout(() => ws.terminate(), 100);
    },
  });
}

describe('sockline reconnection', () => {
  it('should show the disconnect, the backoff delay and the reconnect, then keep working on the new link', async () => {
    const received: [string, number][] = [];
    server = await dropFirstLink((text, connection) => received.push([text, connection]));
    const cli = startCli([server.url, '--reconnect-max-delay', '300']);
    await cli.waitFor('stderr', /disconnected: 1006 \(not clean\)/);
    await cli.waitFor('stderr', /reconnecting in 300 ms \(retry 1\)/);
    // Sent while the link is down: queued, then delivered on the new link.
    cli.child.stdin.write('while down\n');
    await cli.waitFor('stderr', /reconnected \(after 1 retry\) to ws:\/\/127\.0\.0\.1/);
    await cli.waitFor('stdout', /while down\n/);
    cli.child.stdin.end('after\n');
    const result = await cli.exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('while down\nafter\n');
    expect(received).toEqual([
      ['while down', 2],
      ['after', 2],
    ]);
    expect(server.connections).toBe(2);
    // A fresh handshake (new nonce) is printed for the new link.
    const keys = [...result.stderr.matchAll(/Sec-WebSocket-Key\s+(\S+)/g)].map((m) => m[1]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('should report the same as JSON events: disconnect, reconnecting with its delay, open with reconnected true', async () => {
    server = await dropFirstLink();
    const cli = startCli([server.url, '--json', '--reconnect-max-delay', '200']);
    await cli.waitFor('stdout', /"reconnected":true/);
    cli.child.stdin.end();
    const result = await cli.exited;
    expect(result.code).toBe(0);
    const list = events(result.stdout);
    expect(list.map((e) => e.event)).toEqual([
      'connecting',
      'open',
      'error',
      'disconnect',
      'reconnecting',
      'connecting',
      'open',
      'disconnect',
      'close',
    ]);
    expect(list[2]).toMatchObject({ name: 'NetworkError' });
    expect(list[3]).toMatchObject({ code: 1006, wasClean: false });
    expect(list[4]).toMatchObject({ attempt: 1, delay: 200, lastCode: 1006 });
    expect(list[5]).toMatchObject({ attempt: 1 });
    expect(list[6]).toMatchObject({ reconnected: true, attempt: 1 });
    expect(list[8]).toMatchObject({ code: 1000, wasClean: true, exitCode: 0 });
  });

  it('should exit instead of reconnecting with --no-reconnect', async () => {
    server = await dropFirstLink();
    const result = await startCli([server.url, '--no-reconnect']).exited;
    expect(result.code).toBe(4);
    expect(result.stderr).not.toMatch(/reconnecting/);
    expect(server.connections).toBe(1);
  });
});
