/**
 * The interactive mode in a real terminal: tmux (Debian package `tmux`) runs the CLI in a 120×30 pane; keys are
 * typed with `send-keys` and the screen read with `capture-pane`. Each test uses its own tmux server socket
 * (-L), killed in afterEach, so no other tmux session is touched.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWsServer } from '../helpers/ws-server.js';
import type { WsServer } from '../helpers/ws-server.js';
import { assertCliBuilt, CLI } from './helpers.js';

const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
if (!hasTmux) {
  if (process.env.CI === 'true') throw new Error('tmux is required for the interactive CLI tests: apt-get install -y tmux');
  console.warn('skipping the interactive CLI tests: tmux is missing (apt-get install -y tmux)');
}

let server: WsServer | undefined;
/** The current tmux server; every one started, and every scratch directory, is cleaned up in afterEach. */
let tmuxSocket: string | undefined;
const tmuxSockets: string[] = [];
const scratches: string[] = [];
let count = 0;

const tmux = (...args: string[]): string =>
  execFileSync('tmux', ['-L', tmuxSocket!, ...args], { encoding: 'utf8', timeout: 5000 });

/** The visible pane, trailing blank lines removed. */
const screen = (): string => tmux('capture-pane', '-p', '-t', 'cli').replace(/\s+$/, '');
const lastLine = (): string => screen().split('\n').at(-1) ?? '';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 50 ms until it returns true; fails after `timeoutMs` with the screen. */
async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; the screen:\n${screen()}`);
    await sleep(50);
  }
}

/** Starts the CLI in a fresh tmux server; its exit code lands in `exitFile`. */
function startInTmux(args: string[], env = 'NO_COLOR=1'): { exitFile: string } {
  tmuxSocket = `sockline-cli-${process.pid}-${++count}`;
  tmuxSockets.push(tmuxSocket);
  const scratch = mkdtempSync(join(tmpdir(), 'sockline-tmux-'));
  scratches.push(scratch);
  const exitFile = join(scratch, 'exit');
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  // The pane stays after the CLI exits (sleep), so its last screen can be read; afterEach kills the server.
  tmux(
    'new-session',
    '-d',
    '-x',
    '120',
    '-y',
    '30',
    '-s',
    'cli',
    `env -u FORCE_COLOR ${env} ${quoted}; echo $? > ${exitFile}; sleep 20`,
  );
  return { exitFile };
}

const exitCodeIn = (file: string): number | undefined =>
  existsSync(file) && readFileSync(file, 'utf8').trim() !== '' ? Number(readFileSync(file, 'utf8')) : undefined;

/** Types text literally (-l), one call per chunk so readline sees it as typing. */
const type = (text: string): void => void tmux('send-keys', '-t', 'cli', '-l', text);
const press = (key: string): void => void tmux('send-keys', '-t', 'cli', key);

beforeAll(() => assertCliBuilt());
afterEach(async () => {
  for (const socket of tmuxSockets.splice(0))
    spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore', timeout: 5000 });
  tmuxSocket = undefined;
  for (const dir of scratches.splice(0)) rmSync(dir, { recursive: true, force: true });
  await server?.close();
  server = undefined;
});

/** An echo server that also sends "tick N" every 100 ms (at most 100) while the connection is open. */
async function tickingServer(): Promise<{ received: string[]; closed: Promise<[number, string]> }> {
  const received: string[] = [];
  let closed!: (value: [number, string]) => void;
  const whenClosed = new Promise<[number, string]>((resolve) => (closed = resolve));
  server = await startWsServer({
    onConnection: (ws) => {
      let tick = 0;
      const timer = setInterval(() => (++tick > 100 ? clearInterval(timer) : ws.send(`tick ${tick}`)), 100);
      ws.on('message', (data) => received.push(String(data)));
      ws.on('close', (code, reason) => {
        clearInterval(timer);
        closed([code, String(reason)]);
      });
    },
  });
  return { received, closed: whenClosed };
}

const ticksOn = (text: string): number => text.split('\n').filter((line) => /^< tick \d+$/.test(line)).length;

describe.skipIf(!hasTmux)('sockline in a terminal (tmux)', () => {
  it('should keep the line being typed intact while messages arrive, and send it on Enter', async () => {
    const { received } = await tickingServer();
    startInTmux([server!.url]);
    await until('the handshake', () => /received Accept .* \(match\)/.test(screen()));
    await until('the first ticks', () => ticksOn(screen()) >= 2);

    type('hello');
    const before = ticksOn(screen());
    await sleep(350);
    type(' wor');
    await sleep(350);
    const shown = screen();
    // Messages kept arriving while typing: each was printed above the prompt, never inside the typed text.
    expect(ticksOn(shown)).toBeGreaterThan(before + 3);
    expect(lastLine()).toBe('> hello wor');
    expect(shown.split('\n').filter((line) => line.includes('hello'))).toEqual(['> hello wor']);

    type('ld');
    press('Enter');
    await until('the echo', () => screen().split('\n').includes('< hello world'));
    expect(received).toEqual(['hello world']);
    expect(lastLine()).toBe('>');
  });

  it('should keep a typed line that wraps over two rows intact too', async () => {
    const { received } = await tickingServer();
    startInTmux([server!.url]);
    await until('the first ticks', () => ticksOn(screen()) >= 1);
    const long = `${'x'.repeat(100)} ${'y'.repeat(40)}`; // 2 + 141 columns: wraps in a 120-column pane
    type(long.slice(0, 70));
    await sleep(250);
    type(long.slice(70));
    const before = ticksOn(screen());
    await sleep(350);
    const rows = screen().split('\n');
    expect(ticksOn(rows.join('\n'))).toBeGreaterThan(before);
    expect(rows.slice(-2).join('')).toBe(`> ${long}`);
    expect(rows.filter((row) => row.includes('xxxx'))).toHaveLength(1);
    press('Enter');
    await until('the echo', () => received.length === 1);
    expect(received).toEqual([long]);
  });

  it('should end with the code given to /close, run the closing handshake and exit 0', async () => {
    const { closed } = await tickingServer();
    const { exitFile } = startInTmux([server!.url]);
    await until('the handshake', () => /received Accept .* \(match\)/.test(screen()));
    type('/close 4001 bye');
    press('Enter');
    expect(await closed).toEqual([4001, 'bye']);
    await until('the exit', () => exitCodeIn(exitFile) !== undefined);
    expect(exitCodeIn(exitFile)).toBe(0);
    expect(screen()).toMatch(/closed: 4001 "bye" \(clean\); exit code 0/);
  });

  it('should colour a terminal unless NO_COLOR is set', async () => {
    await tickingServer();
    startInTmux([server!.url], 'TERM=xterm');
    await until('the handshake', () => /received Accept .* \(match\)/.test(screen()));
    const withEscapes = tmux('capture-pane', '-p', '-e', '-t', 'cli');
    // tmux re-renders the attributes; green (32) is what "connected" and "(match)" are painted with.
    expect(withEscapes).toMatch(/\x1b\[[0-9;]*32m/);

    startInTmux([server!.url], 'TERM=xterm NO_COLOR=1');
    await until('the handshake', () => /received Accept .* \(match\)/.test(screen()));
    expect(tmux('capture-pane', '-p', '-e', '-t', 'cli')).not.toMatch(/\x1b\[3\dm/);
  });

  it('should answer /stats, refuse an unknown command or a bad close code, and close with 1000 on Ctrl+C', async () => {
    const { closed } = await tickingServer();
    const { exitFile } = startInTmux([server!.url]);
    await until('the handshake', () => /received Accept .* \(match\)/.test(screen()));
    type('/stats');
    press('Enter');
    await until('the stats', () =>
      /\* state open, attempts 1, reconnects 0, queued 0, dropped 0, sent 0, received \d+/.test(screen()),
    );
    type('/nope');
    press('Enter');
    await until('the unknown command', () => /unknown command \/nope; \/help lists the commands/.test(screen()));
    // A code the library refuses is reported and the session goes on.
    type('/close 999');
    press('Enter');
    await until('the refusal', () => /\/close: .*999/.test(screen()));
    press('C-c');
    expect((await closed)[0]).toBe(1000);
    await until('the exit', () => exitCodeIn(exitFile) !== undefined);
    expect(exitCodeIn(exitFile)).toBe(0);
  });
});
