/**
 * Pipe mode against a real `ws` server: stdin lines are sent in order, messages are printed on stdout one per
 * line, and the end of input runs the closing handshake (1000) after the replies were printed.
 */
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

describe('sockline in pipe mode', () => {
  it('should send every stdin line, print both echoes on stdout and exit 0 after the closing handshake', async () => {
    const received: string[] = [];
    let closeCode: number | undefined;
    server = await startWsServer({
      onConnection: (ws) => {
        ws.on('message', (data) => received.push(String(data)));
        ws.on('close', (code) => (closeCode = code));
      },
    });
    const result = await runCli([server.url], { input: 'a\nb\n' });
    expect(result).toMatchObject({ code: 0, signal: null, stdout: 'a\nb\n' });
    expect(received).toEqual(['a', 'b']);
    expect(closeCode).toBe(1000);
    expect(result.stderr).toMatch(/closed: 1000 \(clean\); exit code 0/);
  });

  it('should deliver a thousand lines in order, more than the send queue holds while connecting', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `line ${i}`);
    const received: string[] = [];
    server = await startWsServer({ onConnection: (ws) => ws.on('message', (data) => received.push(String(data))) });
    const result = await runCli([server.url], { input: `${lines.join('\n')}\n` });
    expect(result.code).toBe(0);
    expect(received).toEqual(lines);
    expect(result.stdout.split('\n').slice(0, -1)).toEqual(lines);
    expect(result.stderr).not.toMatch(/not delivered|QueueOverflow/);
  });

  it('should print the handshake on stderr: the key, the expected and received Accept, subprotocol and extensions', async () => {
    server = await startWsServer();
    const result = await runCli([server.url], { input: '' });
    expect(result.code).toBe(0);
    const key = /Sec-WebSocket-Key\s+(\S+)/.exec(result.stderr)?.[1];
    expect(key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    const expected = /expected Accept\s+(\S+)/.exec(result.stderr)?.[1];
    expect(result.stderr).toContain(`received Accept      ${expected} (match)`);
    expect(result.stderr).toMatch(/subprotocol\s+\(none\)/);
    expect(result.stderr).toMatch(/extensions\s+\(none\)/);
    expect(result.stdout).toBe('');
  });

  it('should print binary messages as hex with their length, or as raw bytes with --binary raw', async () => {
    const bytes = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]);
    server = await startWsServer({ echo: false, onConnection: (ws) => ws.send(bytes, () => ws.send('text after')) });
    // One line of input keeps the CLI until the server's messages have arrived (the server sends them first).
    const hex = await runCli([server.url], { input: 'x\n' });
    expect(hex.stdout).toBe('<binary 5 bytes> de ad be ef 00\ntext after\n');

    const raw = startCli([server.url, '--binary', 'raw']);
    await raw.waitFor('stdout', /text after/);
    raw.child.stdin.end();
    const rawResult = await raw.exited;
    expect(rawResult.code).toBe(0);
    // The bytes exactly as received, no length, no newline; text messages keep their line.
    expect(rawResult.stdoutBytes).toEqual(Buffer.concat([bytes, Buffer.from('text after\n')]));
  });

  it('should keep reading while the link is open and close only when stdin ends', async () => {
    const received: string[] = [];
    server = await startWsServer({ onConnection: (ws) => ws.on('message', (data) => received.push(String(data))) });
    const cli = startCli([server.url]);
    cli.child.stdin.write('first\n');
    await cli.waitFor('stdout', /^first\n$/);
    cli.child.stdin.write('second\n');
    await cli.waitFor('stdout', /second\n/);
    expect(cli.child.exitCode).toBe(null);
    cli.child.stdin.end();
    const result = await cli.exited;
    expect(result).toMatchObject({ code: 0, stdout: 'first\nsecond\n' });
    expect(received).toEqual(['first', 'second']);
  });

  it('should exit 0 when the server closes with 1000, and 6 when it closes with another code', async () => {
    server = await startWsServer({ echo: false, onConnection: (ws) => ws.close(1000, 'done') });
    const normal = startCli([server.url]);
    const normalResult = await normal.exited;
    expect(normalResult.code).toBe(0);
    expect(normalResult.stderr).toMatch(/closed: 1000 "done" \(clean\); exit code 0/);
    await server.close();

    // 1008 (policy violation) is final under the default reconnect policy.
    server = await startWsServer({ echo: false, onConnection: (ws) => ws.close(1008, 'go away') });
    const policy = await startCli([server.url]).exited;
    expect(policy.code).toBe(6);
    expect(policy.stderr).toMatch(/closed: 1008 "go away"/);
    await server.close();

    // 4000-4999 would be retried by default; --no-reconnect makes it final.
    server = await startWsServer({ echo: false, onConnection: (ws) => ws.close(4001, 'custom') });
    const custom = await startCli([server.url, '--no-reconnect']).exited;
    expect(custom.code).toBe(6);
    expect(server.connections).toBe(1);
  });

  it('should write no colour codes to pipes, unless FORCE_COLOR asks for them', async () => {
    server = await startWsServer();
    const plain = await runCli([server.url], { input: 'x\n', env: { NO_COLOR: undefined, FORCE_COLOR: undefined } });
    expect(plain.stderr).toMatch(/connected to/);
    expect(plain.stderr + plain.stdout).not.toMatch(/\x1b/);
    const forced = await runCli([server.url], { input: 'x\n', env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(forced.stderr).toMatch(/\x1b\[32mconnected to/);
    const off = await runCli([server.url], { input: 'x\n', env: { NO_COLOR: undefined, FORCE_COLOR: '0' } });
    expect(off.stderr).not.toMatch(/\x1b/);
  });

  it('should close politely and exit 0 when the reader of stdout goes away (| head -1)', async () => {
    let closeCode: number | undefined;
    server = await startWsServer({
      echo: false,
      onConnection: (ws) => {
        // Like `head`, the CLI only learns that the reader left when it writes again: keep sending (bounded).
        let i = 0;
        const timer = setInterval(() => (i < 100 ? ws.send(`line ${i++}`) : clearInterval(timer)), 50);
        ws.on('close', (code) => {
          clearInterval(timer);
          closeCode = code;
        });
      },
    });
    const cli = startCli([server.url]);
    await cli.waitFor('stdout', /line 0\n/);
    cli.child.stdout.destroy();
    const result = await cli.exited;
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(closeCode).toBe(1000);
  });

  it('should wait --wait ms after the end of input before closing', async () => {
    server = await startWsServer({
      echo: false,
      onConnection: (ws) => ws.on('message', () => setTimeout(() => ws.send('late reply'), 300)),
    });
    const result = await runCli([server.url, '--wait', '1000'], { input: 'q\n' });
    expect(result).toMatchObject({ code: 0, stdout: 'late reply\n' });
    expect(result.ms).toBeGreaterThanOrEqual(1000);
  });
});
