/** `-x`/`--wait`, and what the CLI puts in the opening handshake: headers, subprotocols, the origin. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWsServer } from '../helpers/ws-server.js';
import type { WsServer } from '../helpers/ws-server.js';
import { assertCliBuilt, killAll, runCli, startCli } from './helpers.js';

let server: WsServer | undefined;

beforeAll(() => assertCliBuilt());
afterEach(async () => {
  killAll();
  await server?.close();
  server = undefined;
});

describe('sockline -x', () => {
  it('should send every -x message, print the replies that arrive within --wait, then close with 1000 and exit 0', async () => {
    const received: string[] = [];
    let closeCode: number | undefined;
    server = await startWsServer({
      echo: false,
      onConnection: (ws) => {
        ws.on('message', (data) => {
          received.push(String(data));
          // One reply at once, one within the wait, one long after it.
          ws.send(`now ${data}`);
          setTimeout(() => ws.send(`soon ${data}`), 200).unref();
          setTimeout(() => ws.send(`too late ${data}`), 3000).unref();
        });
        ws.on('close', (code) => (closeCode = code));
      },
    });
    const cli = startCli([server.url, '-x', 'one', '-x', 'two', '--wait', '800']);
    // -x never reads stdin: an open stdin must not keep it running.
    const result = await cli.exited;
    expect(result.code).toBe(0);
    expect(received).toEqual(['one', 'two']);
    expect(result.stdout).toBe('now one\nnow two\nsoon one\nsoon two\n');
    expect(closeCode).toBe(1000);
    expect(result.ms).toBeGreaterThanOrEqual(800);
    expect(result.ms).toBeLessThan(2900);
  });

  it('should wait 1000 ms by default', async () => {
    server = await startWsServer();
    const result = await runCli([server.url, '-x', 'ping?']);
    expect(result).toMatchObject({ code: 0, stdout: 'ping?\n' });
    expect(result.ms).toBeGreaterThanOrEqual(1000);
  });
});

describe('the opening handshake the CLI sends', () => {
  it('should send every -H header (repeated names joined), the offered subprotocols in order and the origin', async () => {
    server = await startWsServer({ handleProtocols: (offered) => (offered.has('chat.v2') ? 'chat.v2' : false) });
    const connection = server.nextConnection();
    const result = await runCli(
      [
        server.url,
        '-H',
        'Authorization: Bearer t0ken',
        '-H',
        'X-Trace: a',
        '--header',
        'x-trace: b',
        '-H',
        'X-Empty:',
        '-s',
        'chat.v1',
        '--subprotocol',
        'chat.v2',
        '-o',
        'https://app.example',
      ],
      { input: '' },
    );
    expect(result.code).toBe(0);
    const { request } = await connection;
    expect(request.headers.authorization).toBe('Bearer t0ken');
    expect(request.headers['x-trace']).toBe('a, b');
    expect(request.headers['x-empty']).toBe('');
    expect(request.headers['sec-websocket-protocol']).toBe('chat.v1, chat.v2');
    expect(request.headers.origin).toBe('https://app.example');
    expect(result.stderr).toMatch(/subprotocol\s+chat\.v2 \(offered: chat\.v1, chat\.v2\)/);
  });

  it('should treat a URL without a scheme as ws:// and keep the path and query', async () => {
    server = await startWsServer();
    const connection = server.nextConnection();
    const result = await runCli([`127.0.0.1:${server.port}/feed?x=1`], { input: '' });
    expect(result.code).toBe(0);
    expect((await connection).request.url).toBe('/feed?x=1');
  });
});
