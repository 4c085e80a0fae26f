/**
 * The runtime matrix: which runtimes run the shared scenario (scenario.ts) from the packed package (fixture.ts),
 * and how each is started. Every runtime binary comes from an npm devDependency (test/helpers/peers.ts finds it);
 * nothing is downloaded at test time.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import type { PeerName } from '../helpers/peers.js';
import { resolveConditions, WORKERD_CONDITIONS, type Fixture } from './fixture.js';
import type { MatrixConfig, MatrixResult } from './scenario.js';

export interface MatrixRun {
  /** "Node 18.20.8", "Bun 1.4.5", "Deno 2.9.6", "workerd". */
  runtime: string;
  /** What `sockline` resolved to (import.meta.resolve / require.resolve; for workerd, what we bundled). */
  resolved: string;
  /** The condition of sockline's exports map the runtime took (condition-probe in fixture.ts). */
  condition: string;
  result: MatrixResult;
}

export interface MatrixTarget {
  /** File name of its result in test/matrix/results/. */
  id: string;
  runtime: PeerName;
  module: 'ESM' | 'CJS';
  /** A note for the support table. */
  how: string;
  run(bin: string, fixture: Fixture, config: MatrixConfig): Promise<MatrixRun>;
}

const RUN_TIMEOUT_MS = 60_000;

/** Runs a runtime on an entry of the fixture; resolves with its MATRIX_RESULT line. Bounded by RUN_TIMEOUT_MS. */
function runProcess(argv: string[], cwd: string, env: Record<string, string> = {}): Promise<MatrixRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-8000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('MATRIX_RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('MATRIX_RESULT '.length)) as MatrixRun);
      else reject(new Error(`${argv.join(' ')} exited with ${signal ?? code}:\n${stdout.slice(-4000)}\n${stderr}`));
    });
  });
}

const nodeTargets = (major: 18 | 20 | 22 | 24): MatrixTarget[] =>
  (['ESM', 'CJS'] as const).map((module) => ({
    id: `node${major}-${module.toLowerCase()}`,
    runtime: `node${major}` as PeerName,
    module,
    how: module === 'ESM' ? '`import`' : '`require`',
    run: (bin, fixture, config) =>
      runProcess([bin, module === 'ESM' ? 'esm.mjs' : 'cjs.cjs', JSON.stringify(config)], fixture.dir),
  }));

/** Deno: only what the scenario needs (loopback network, the fixture's files); a cache dir inside the fixture's. */
const denoArgs = (entry: string, config: MatrixConfig): string[] => [
  'run',
  '--quiet',
  '--no-prompt',
  '--cached-only',
  '--allow-net=127.0.0.1',
  '--allow-read=.',
  '--allow-env',
  entry,
  JSON.stringify(config),
];

export const TARGETS: MatrixTarget[] = [
  ...nodeTargets(18),
  ...nodeTargets(20),
  ...nodeTargets(22),
  ...nodeTargets(24),
  ...(['ESM', 'CJS'] as const).map(
    (module): MatrixTarget => ({
      id: `bun-${module.toLowerCase()}`,
      runtime: 'bun',
      module,
      how: module === 'ESM' ? '`import`' : '`require`',
      run: (bin, fixture, config) =>
        runProcess([bin, module === 'ESM' ? 'esm.mjs' : 'cjs.cjs', JSON.stringify(config)], fixture.dir),
    }),
  ),
  {
    id: 'deno-npm',
    runtime: 'deno',
    module: 'ESM',
    how: "`import 'npm:sockline'`, local node_modules",
    run: (bin, fixture, config) =>
      runProcess([bin, ...denoArgs('deno-npm.mjs', config)], fixture.dir, {
        DENO_DIR: join(fixture.dir, '.deno'),
        DENO_NO_UPDATE_CHECK: '1',
      }),
  },
  {
    id: 'deno-bare',
    runtime: 'deno',
    module: 'ESM',
    how: "`import 'sockline'` via package.json",
    run: (bin, fixture, config) =>
      runProcess([bin, ...denoArgs('esm.mjs', config)], fixture.dir, {
        DENO_DIR: join(fixture.dir, '.deno'),
        DENO_NO_UPDATE_CHECK: '1',
      }),
  },
  {
    id: 'deno-browser-build',
    runtime: 'deno',
    module: 'ESM',
    how: 'the browser build imported by its path',
    run: (bin, fixture, config) =>
      runProcess([bin, ...denoArgs('deno-browser.mjs', config)], fixture.dir, {
        DENO_DIR: join(fixture.dir, '.deno'),
        DENO_NO_UPDATE_CHECK: '1',
      }),
  },
  {
    id: 'workerd',
    runtime: 'workerd',
    module: 'ESM',
    how: 'module worker, `fetch` handler',
    run: runWorkerd,
  },
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Starts workerd on the fixture's config, asks its fetch handler to run the scenario, stops it. */
async function runWorkerd(bin: string, fixture: Fixture, config: MatrixConfig): Promise<MatrixRun> {
  const map = fixture.exports['.'] as Record<string, unknown>;
  const { condition, file } = resolveConditions(map, WORKERD_CONDITIONS);
  const port = await freePort();
  const child = spawn(bin, ['serve', 'workerd.capnp', '--socket-addr', `http=127.0.0.1:${port}`], {
    cwd: fixture.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output = (output + text).slice(-8000)));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output = (output + text).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  try {
    const deadline = Date.now() + 20_000;
    while (!(await canConnect(port))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`workerd did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      body: JSON.stringify({ config, resolved: `node_modules/sockline/${file}` }),
      signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`workerd answered ${response.status}: ${text}\n${output}`);
    const run = JSON.parse(text) as MatrixRun;
    return {
      ...run,
      runtime: `workerd ${workerdVersion(bin)}`,
      condition: `${condition} (as wrangler resolves: ${WORKERD_CONDITIONS.join(', ')})`,
    };
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

let workerdVersionCache: string | undefined;
function workerdVersion(bin: string): string {
  if (!workerdVersionCache) {
    // The npm package's version names the release (1.YYYYMMDD.N); the binary prints only the date.
    const pkg = join(bin, '..', '..', 'package.json');
    try {
      workerdVersionCache = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
    } catch {
      workerdVersionCache = '';
    }
  }
  return workerdVersionCache;
}
