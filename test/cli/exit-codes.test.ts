/**
 * One exit code per failure class, each produced by a real peer: a raw server answering 403, a port nobody listens
 * on, a raw server sending a frame a server must never send, and bad command lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { frame } from '../helpers/frames.js';
import { startRawServer, upgradeResponse } from '../helpers/raw-server.js';
import type { RawServer } from '../helpers/raw-server.js';
import { startWsServer } from '../helpers/ws-server.js';
import type { WsServer } from '../helpers/ws-server.js';
import { root } from '../package/helpers.js';
import { assertCliBuilt, closedPort, killAll, runCli, startCli } from './helpers.js';

let server: RawServer | undefined;
let wsServer: WsServer | undefined;

beforeAll(() => assertCliBuilt());
afterEach(async () => {
  killAll();
  await server?.close();
  await wsServer?.close();
  server = wsServer = undefined;
});

/** A stack trace line, which a usage error must never print. */
const STACK = /^\s+at /m;

describe('sockline exit codes', () => {
  it('should exit 3 when the server rejects the handshake with 403, without retrying', async () => {
    server = await startRawServer((socket) => {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    const result = await runCli([server.url]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/HandshakeError ERR_SOCKLINE_HANDSHAKE: .*403.*\(status 403, reason status\)/);
    expect(server.connections.length).toBe(1);
  });

  it('should exit 3 when the Sec-WebSocket-Accept is wrong', async () => {
    server = await startRawServer((socket, { key }) => {
      socket.write(upgradeResponse(`${key}x`));
    });
    const result = await runCli([server.url]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/HandshakeError ERR_SOCKLINE_HANDSHAKE: .*reason accept/);
  });

  it('should exit 4 when the connection is refused, without retrying', async () => {
    const port = await closedPort();
    const result = await runCli([`ws://127.0.0.1:${port}`], { input: 'never sent\n' });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/NetworkError ERR_SOCKLINE_NETWORK: .*ECONNREFUSED/);
    // The line read from stdin is reported, not lost silently.
    expect(result.stderr).toMatch(/not delivered: "never sent"/);
    expect(result.stderr).not.toMatch(/reconnecting/);
  });

  it('should exit 4 when the link is lost and --no-reconnect is set', async () => {
    server = await startRawServer((socket, { key }) => {
      socket.write(upgradeResponse(key), () => setTimeout(() => socket.destroy(), 50));
    });
    const result = await startCli([server.url, '--no-reconnect']).exited;
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/NetworkError/);
  });

  it('should exit 5 when the server sends a masked frame, after closing with 1002', async () => {
    server = await startRawServer((socket, { key }) => {
      socket.write(upgradeResponse(key));
      socket.write(frame({ opcode: 0x1, payload: 'masked by a server', masked: true }));
    });
    // stdin stays open: the end of input would start a closing handshake of its own (1000) and race the frame.
    const result = await startCli([server.url]).exited;
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/ProtocolError ERR_SOCKLINE_PROTOCOL: .*\(reason masked-frame, closeCode 1002\)/);
    const connection = server.connections[0];
    const close = await connection.readClientFrame();
    expect(close.opcode).toBe(0x8);
    expect(close.payload.readUInt16BE(0)).toBe(1002);
    expect(server.connections.length).toBe(1);
  });

  it('should close with 1000 on SIGINT while connected and exit 0', async () => {
    const ws = (wsServer = await startWsServer());
    const closed = ws
      .nextConnection()
      .then(({ ws: peer }) => new Promise<number>((resolve) => peer.once('close', (code) => resolve(code))));
    const cli = startCli([ws.url]);
    await cli.waitFor('stderr', /connected to/);
    cli.child.kill('SIGINT');
    const result = await cli.exited;
    expect(result.code).toBe(0);
    expect(await closed).toBe(1000);
  });

  it('should exit 130 on SIGINT while the first attempt is still pending', async () => {
    // A server that accepts the request and never answers: the attempt hangs until its timeout (15 s).
    server = await startRawServer(() => {});
    const cli = startCli([server.url]);
    await server.nextConnection();
    cli.child.kill('SIGINT');
    const result = await cli.exited;
    expect(result.code).toBe(130);
    expect(result.ms).toBeLessThan(5000);
  });

  it.each([
    [['--bogus', 'ws://127.0.0.1:1'], /^sockline: unknown option --bogus$/m],
    [[], /^sockline: missing the URL to connect to$/m],
    [['ws://127.0.0.1:1', 'ws://127.0.0.1:2'], /^sockline: expected one URL, got 2/m],
    [['ws://127.0.0.1:1', '-H'], /^sockline: option '-H, --header <value>' argument missing$/m],
    [['ws://127.0.0.1:1', '-H', 'no colon'], /^sockline: --header expects 'Name: value'/m],
    [['ws://127.0.0.1:1', '-H', 'bad name: x'], /^sockline: Invalid header name "bad name"/m],
    [['ws://127.0.0.1:1', '--wait', '1s'], /^sockline: --wait expects a whole number/m],
    [['ws://127.0.0.1:1', '--binary', 'base32'], /^sockline: --binary expects hex or raw/m],
    [
      ['ws://127.0.0.1:1', '--ca', '/nonexistent/ca.pem'],
      /^sockline: cannot read the --ca file "\/nonexistent\/ca.pem" \(ENOENT\)$/m,
    ],
    [['ftp://127.0.0.1:1'], /^sockline: Invalid URL/m],
    [['ws://127.0.0.1:1', '-s', 'not a token'], /^sockline: .*subprotocol/im],
  ])('should exit 2 with a one-line error and the usage for %j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^usage: sockline <url> \[options\]/);
    expect(result.stderr).not.toMatch(STACK);
    expect(result.stdout).toBe('');
  });

  it('should print the help with examples and the exit-code table, and the version, with exit 0', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: sockline <url> \[options\]$/m);
    expect(help.stdout).toMatch(/^examples:$/m);
    for (const code of [0, 2, 3, 4, 5, 6]) expect(help.stdout).toMatch(new RegExp(`^\\s+${code}  \\S`, 'm'));
    const version = await runCli(['--version']);
    const { version: expected } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatchObject({ code: 0, stdout: `${expected}\n` });
  });
});
