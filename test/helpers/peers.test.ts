/**
 * The missing-peer mechanism, end to end: a real vitest run of the suites that need system peers, with the peers
 * hidden (SOCKLINE_HIDE_PEERS=all), must pass with one summary line per missing peer, and fail under CI=true.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { root } from '../package/helpers.js';
import { readRecords, summaryLines } from './peer-summary-reporter.js';
import { HIDE_ENV, installCommand, installHint, PEERS, probePeer, requirePeer, SKIPS_DIR_ENV, type PeerName } from './peers.js';

const SUITES = [
  'test/interop/nginx.interop.test.ts',
  'test/interop/python.interop.test.ts',
  'test/e2e/chromium.test.ts',
  'test/matrix/other-runtimes.test.ts',
];

/** Runs vitest on `files` in a child process with `env` added (and our own CI / VITEST variables removed). */
function runVitest(files: string[], env: Record<string, string>): { status: number | null; output: string } {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(VITEST|CI$|NODE_OPTIONS$|SOCKLINE_)/.test(key)),
  );
  const run = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--maxWorkers=1', ...files], {
    cwd: root,
    env: { ...base, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

describe('a missing system peer', () => {
  it('is skipped, not failed, and the run ends with one line per missing peer and its install command', {
    timeout: 70_000,
  }, () => {
    const { status, output } = runVitest(SUITES, { [HIDE_ENV]: 'all' });
    expect(output).toMatch(/Tests\s+\d+ passed \| \d+ skipped/);
    expect(status, output).toBe(0);
    const lines = output.split('\n').filter((line) => line.startsWith('[peers]'));
    const hidden = `is missing (hidden by ${HIDE_ENV}=all)`;
    expect(lines).toEqual([
      '[peers] 6 missing peers: their suites were SKIPPED, not run',
      `[peers] SKIPPED the runtime matrix's bun-esm, bun-cjs: Bun runtime (bun) ${hidden}; install: ${installHint('bun')}`,
      `[peers] SKIPPED test/e2e/chromium.test.ts: Debian Chromium (chromium) ${hidden}; install: apt-get install -y chromium`,
      `[peers] SKIPPED the runtime matrix's deno-npm, deno-bare, deno-browser-build: Deno runtime (deno) ${hidden}; install: ${installHint('deno')}`,
      `[peers] SKIPPED test/interop/nginx.interop.test.ts: nginx (nginx) ${hidden}; install: apt-get install -y nginx`,
      `[peers] SKIPPED test/interop/python.interop.test.ts: Python websockets (python3-websockets) ${hidden}; install: apt-get install -y python3-websockets`,
      `[peers] SKIPPED the runtime matrix's workerd: workerd (Cloudflare Workers runtime) (workerd) ${hidden}; install: ${installHint('workerd')}`,
      '[peers] install every missing peer: apt-get install -y chromium nginx python3-websockets && npm install (CI=true makes a missing peer a failure)',
    ]);
    expect(installHint('bun')).toMatch(
      /^npm install \(the bun devDependency; npm install should have installed it — the binary ships in the optional dependency @oven\/bun-/,
    );
  });

  it('fails the run under CI=true, naming the peer and the command .ci/run must run', { timeout: 70_000 }, () => {
    const { status, output } = runVitest(['test/interop/nginx.interop.test.ts'], { [HIDE_ENV]: 'nginx', CI: 'true' });
    expect(status).not.toBe(0);
    expect(output).toContain('CI=true and nginx (nginx) is missing');
    expect(output).toContain('.ci/run must install it: apt-get install -y nginx');
    expect(output).not.toContain('[peers] SKIPPED');
  });

  it('hides only the peers it names', () => {
    vi.stubEnv(HIDE_ENV, 'tmux,bun');
    expect(probePeer('tmux')).toEqual({ ok: false, detail: `hidden by ${HIDE_ENV}=tmux,bun` });
    expect(probePeer('bun').ok).toBe(false);
  });
});

describe('requirePeer', () => {
  let dir = '';
  afterEach(() => {
    vi.unstubAllEnvs();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  it('records a missing peer for the summary, with the calling test file', () => {
    dir = mkdtempSync(join(tmpdir(), 'sockline-peers-test-'));
    vi.stubEnv(SKIPS_DIR_ENV, dir);
    vi.stubEnv(HIDE_ENV, 'tinyproxy');
    vi.stubEnv('CI', '');
    const check = requirePeer('tinyproxy', 'the tinyproxy suite');
    expect(check).toMatchObject({ name: 'tinyproxy', skip: true, path: undefined, install: 'apt-get install -y tinyproxy' });
    const records = readRecords(dir);
    expect(records).toEqual([
      {
        peer: 'tinyproxy',
        what: 'tinyproxy (HTTP CONNECT proxy)',
        detail: `hidden by ${HIDE_ENV}=tinyproxy`,
        install: 'apt-get install -y tinyproxy',
        file: 'test/helpers/peers.test.ts',
        suite: 'the tinyproxy suite',
      },
    ]);
    expect(summaryLines(records)[1]).toBe(
      `[peers] SKIPPED the tinyproxy suite: tinyproxy (HTTP CONNECT proxy) (tinyproxy) is missing (hidden by ${HIDE_ENV}=tinyproxy); install: apt-get install -y tinyproxy`,
    );
  });

  it('throws under CI=true', () => {
    vi.stubEnv(HIDE_ENV, 'microsocks');
    vi.stubEnv('CI', 'true');
    expect(() => requirePeer('microsocks')).toThrow(
      /CI=true and microsocks \(SOCKS5 proxy\) \(microsocks\) is missing.*apt-get install -y microsocks/,
    );
  });

  it('returns the binary of a peer that is there', () => {
    vi.stubEnv(HIDE_ENV, ''); // also when this file runs inside a run with the peers hidden
    // openssl is needed by the TLS tests anyway; a machine without it fails those.
    const check = requirePeer('openssl');
    expect(check.skip).toBe(false);
    expect(check.path).toMatch(/openssl$/);
  });

  it('has one install command for every Debian peer, and points runtimes at npm install', () => {
    const apt = (Object.keys(PEERS) as PeerName[]).filter((n) => PEERS[n].source === 'apt');
    expect(installCommand(apt)).toBe(
      'apt-get install -y chromium firefox-esr nginx python3-websockets python3-autobahn tinyproxy microsocks dante-server stunnel4 tmux openssl',
    );
    expect(installHint('node18')).toMatch(/^npm install \(the node18 devDependency; .* preinstall script fetches the binary/);
    expect(installCommand(['nginx', 'bun'])).toBe('apt-get install -y nginx && npm install');
  });
});
