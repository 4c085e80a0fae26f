/** The options that go to the library: TLS files and -k, --proxy (passed through as given), --max-payload. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startConnectProxy } from '../helpers/connect-proxy.js';
import type { ConnectProxy } from '../helpers/connect-proxy.js';
import { generateCert } from '../helpers/tls-cert.js';
import { startWsServer } from '../helpers/ws-server.js';
import type { WsServer } from '../helpers/ws-server.js';
import { assertCliBuilt, killAll, runCli, startCli } from './helpers.js';

let server: WsServer | undefined;
let proxy: ConnectProxy | undefined;
let scratch: string | undefined;

beforeAll(() => assertCliBuilt());
afterEach(async () => {
  killAll();
  await server?.close();
  await proxy?.close();
  server = proxy = undefined;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

describe('sockline over wss://', () => {
  it('should trust a CA given with --ca, fail with exit 4 without it, and skip verification with -k', async () => {
    const cert = generateCert();
    server = await startWsServer({ tls: cert });
    scratch = mkdtempSync(join(tmpdir(), 'sockline-cli-tls-'));
    const caFile = join(scratch, 'ca.pem');
    writeFileSync(caFile, cert.cert);

    const trusted = await runCli([server.url, '--ca', caFile], { input: 'secure\n' });
    expect(trusted).toMatchObject({ code: 0, stdout: 'secure\n' });

    const untrusted = await runCli([server.url], { input: 'never\n' });
    expect(untrusted.code).toBe(4);
    expect(untrusted.stderr).toMatch(/NetworkError ERR_SOCKLINE_NETWORK: .*(self.signed|certificate)/i);

    const insecure = await runCli([server.url, '-k'], { input: 'unverified\n' });
    expect(insecure).toMatchObject({ code: 0, stdout: 'unverified\n' });
  });
});

describe('sockline --proxy', () => {
  it('should connect through the HTTP CONNECT proxy given', async () => {
    server = await startWsServer();
    proxy = await startConnectProxy();
    const result = await runCli([server.url, '--proxy', proxy.url], { input: 'tunnelled\n' });
    expect(result).toMatchObject({ code: 0, stdout: 'tunnelled\n' });
    expect(proxy.tunnels).toBe(1);
    expect(proxy.requests[0].target).toBe(`127.0.0.1:${server.port}`);
  });
});

describe('sockline --max-payload', () => {
  it('should close with 1009 and exit 5 when a message is larger than --max-payload', async () => {
    let closeCode: number | undefined;
    server = await startWsServer({
      echo: false,
      onConnection: (ws) => {
        ws.send('x'.repeat(200));
        ws.on('close', (code) => (closeCode = code));
      },
    });
    // stdin stays open, so the only close is the client's 1009.
    const result = await startCli([server.url, '--max-payload', '100']).exited;
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/ProtocolError ERR_SOCKLINE_PROTOCOL: .*\(reason message-too-big, closeCode 1009\)/);
    expect(result.stdout).toBe('');
    expect(closeCode).toBe(1009);
  });
});
