/**
 * `npx sockline` from the packed tarball, installed in a fresh project: the `bin` entry, the shebang, the
 * executable bit and the import of ./node.js all work as a user gets them. Packing uses --ignore-scripts (as in
 * test/package/hygiene.test.ts) so `prepare` does not rebuild dist/ while other test files read it.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, root } from '../package/helpers.js';
import { startWsServer } from '../helpers/ws-server.js';
import type { WsServer } from '../helpers/ws-server.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

let scratch: string;
let project: string;
let server: WsServer | undefined;

beforeAll(() => {
  assertBuilt();
  scratch = mkdtempSync(join(tmpdir(), 'sockline-bin-'));
  const out = execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tarball = join(scratch, (JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[])[0].filename);
  project = join(scratch, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh-project', private: true, version: '1.0.0' }));
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball], {
    cwd: project,
    encoding: 'utf8',
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}, 180_000);

afterEach(async () => {
  await server?.close();
  server = undefined;
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** npm in offline mode: the bin is installed locally, so npx must never reach a registry for it. */
const NPX_ENV = { ...process.env, NO_COLOR: '1', npm_config_offline: 'true' };

/** `npx sockline ...` in the fresh project, exactly as a user types it. */
const runNpx = (args: string[]) =>
  spawnSync(npx, ['sockline', ...args], { cwd: project, encoding: 'utf8', timeout: 30_000, env: NPX_ENV });

describe('the sockline bin from the packed tarball', () => {
  it('should install an executable bin that is dist/cli.js', () => {
    const bin = realpathSync(join(project, 'node_modules', '.bin', 'sockline'));
    expect(bin).toBe(realpathSync(join(project, 'node_modules', 'sockline', 'dist', 'cli.js')));
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('should print the help with `npx sockline --help`', () => {
    const result = runNpx(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: sockline <url> \[options\]$/m);
    expect(result.stdout).toMatch(/^exit codes:$/m);
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(runNpx(['--version']).stdout).toBe(`${version}\n`);
  });

  it('should talk to a real server from the installed package', async () => {
    server = await startWsServer();
    const url = server.url;
    // spawnSync would block the event loop that runs the server: run npx asynchronously.
    const child = spawn(npx, ['sockline', url], { cwd: project, env: NPX_ENV });
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stdin.end('from the tarball\n');
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearTimeout(killer);
    expect(code).toBe(0);
    expect(stdout).toBe('from the tarball\n');
  });
});
