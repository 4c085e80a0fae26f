/** `--no-deflate` (issue 12): the CLI offers permessage-deflate by default and shows what was agreed. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWsServer } from '../helpers/ws-server.js';
import type { WsServer } from '../helpers/ws-server.js';
import { assertCliBuilt, events, killAll, runCli } from './helpers.js';

let server: WsServer | undefined;

beforeAll(() => assertCliBuilt());
afterEach(async () => {
  killAll();
  await server?.close();
  server = undefined;
});

describe('sockline and permessage-deflate', () => {
  it('should negotiate compression by default and show it in the open event; --no-deflate offers none', async () => {
    const offers: (string | undefined)[] = [];
    server = await startWsServer({
      perMessageDeflate: { threshold: 0 },
      onConnection: (_socket, request) => offers.push(request.headers['sec-websocket-extensions']),
    });
    const text = 'compressed '.repeat(300);
    const on = await runCli([server.url, '--json'], { input: `${text}\n` });
    expect(on.code).toBe(0);
    const open = events(on.stdout).find((e) => e.event === 'open')!;
    expect(open.extensions).toMatch(/^permessage-deflate/);
    expect(events(on.stdout).find((e) => e.event === 'message')?.data).toBe(text);

    const off = await runCli([server.url, '--json', '--no-deflate'], { input: 'plain\n' });
    expect(off.code).toBe(0);
    expect(events(off.stdout).find((e) => e.event === 'open')?.extensions).toBe('');
    expect(offers).toEqual(['permessage-deflate; client_max_window_bits', undefined]);
  });

  it('should show the agreed extension in the text handshake print', async () => {
    server = await startWsServer({ perMessageDeflate: true });
    const result = await runCli([server.url], { input: 'x\n' });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/extensions\s+permessage-deflate/);
  });
});
