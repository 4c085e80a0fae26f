/**
 * Servers we did not write, started for the interop suites: the `ws` WebSocketServer (in process), Python's
 * `websockets` (Debian python3-websockets, a child process on a free loopback port) and nginx (Debian nginx, a
 * child process) as a reverse proxy in front of a `ws` server.
 *
 * Every peer follows the same small contract, so one set of scenarios (scenarios.ts) runs against each:
 *   /echo?id=X                   echo every message (text as text, binary as binary)
 *   /echo-fragmented?id=X        echo every message in 3 fragments
 *   /close?id=X&code=C&reason=R  close at once with code C and reason R
 *   subprotocols: the first of ["superchat", "chat"] the client offered, else none
 * and reports the code and reason of the Close frame the client sent on connection `id`.
 *
 * The test files check for the peer first (test/helpers/peers.ts, requirePeer): missing locally, the suite is skipped
 * with its install line in the run's summary; missing under CI=true, a failure. The errors below remain for a peer
 * that is present but broken.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { WebSocket } from 'ws';
import { withTimeout } from '../helpers/test-server.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';

export const SUPPORTED_PROTOCOLS = ['superchat', 'chat'];

export interface ReceivedClose {
  code: number;
  reason: string;
}

export interface Peer {
  name: string;
  /** Something like "ws 8.18.0", "websockets 10.4", "nginx/1.22.1 → ws". */
  version: string;
  url(path: string): string;
  /** What the `Server` header of the 101 response must match (undefined: no such header), proving who answered. */
  serverHeader: RegExp | undefined;
  /** The Close frame the server received from the client on connection `id`. */
  closeReceived(id: string, timeoutMs?: number): Promise<ReceivedClose>;
  close(): Promise<void>;
}

const INSTALL = 'apt-get install -y nginx python3-websockets';

/** The error for a missing peer: what is missing and how to install it (also what CI's .ci/run installs). */
export function missingPeer(what: string, detail: string): Error {
  const where = process.env.CI === 'true' ? 'CI must provide it (.ci/run installs it)' : 'install it to run the interop tests';
  return new Error(`${what} is not available (${detail}); ${where}: ${INSTALL}`);
}

/** Reports of closes, by connection id, that tests can wait for before or after they arrive. */
class CloseReports {
  readonly #reports = new Map<string, ReceivedClose>();
  readonly #waiting = new Map<string, (close: ReceivedClose) => void>();

  add(id: string, close: ReceivedClose): void {
    this.#reports.set(id, close);
    this.#waiting.get(id)?.(close);
    this.#waiting.delete(id);
  }

  get(id: string, timeoutMs: number): Promise<ReceivedClose> {
    const report = this.#reports.get(id);
    if (report) return Promise.resolve(report);
    return withTimeout(
      new Promise<ReceivedClose>((resolve) => this.#waiting.set(id, resolve)),
      timeoutMs,
      `the server's report of the close on connection ${id}`,
    );
  }
}

function parsePath(url: string | undefined): { path: string; query: URLSearchParams } {
  const parsed = new URL(url ?? '/', 'http://peer');
  return { path: parsed.pathname, query: parsed.searchParams };
}

function onWsConnection(ws: WebSocket, requestUrl: string | undefined, reports: CloseReports): void {
  const { path, query } = parsePath(requestUrl);
  const id = query.get('id') ?? '';
  ws.on('close', (code, reason) => reports.add(id, { code, reason: reason.toString('utf8') }));
  if (path === '/close') {
    ws.close(Number(query.get('code')), query.get('reason') ?? '');
    return;
  }
  ws.on('message', (data, isBinary) => {
    const message = data as Buffer;
    if (path !== '/echo-fragmented') {
      ws.send(message, { binary: isBinary });
      return;
    }
    // Cut on character boundaries for text, anywhere for binary, as the Python peer does.
    const parts = isBinary
      ? thirds(message)
      : thirds([...message.toString('utf8')]).map((chars) => Buffer.from(chars.join(''), 'utf8'));
    parts.forEach((part, i) => ws.send(part, { binary: isBinary, fin: i === parts.length - 1 }));
  });
}

function thirds<T extends { length: number; slice(start: number, end?: number): T }>(message: T): T[] {
  const step = Math.max(1, Math.floor(message.length / 3));
  return [message.slice(0, step), message.slice(step, 2 * step), message.slice(2 * step)];
}

/** The `ws` server, in this process. */
export async function startWsPeer(): Promise<Peer & { server: WsServer }> {
  const reports = new CloseReports();
  const server = await startWsServer({
    echo: false,
    handleProtocols: (offered) => SUPPORTED_PROTOCOLS.find((p) => offered.has(p)) ?? false,
    onConnection: (ws, request) => onWsConnection(ws, request.url, reports),
  });
  const { version } = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('ws/package.json')), 'utf8')) as {
    version: string;
  };
  return {
    name: 'ws',
    version: `ws ${version}`,
    server,
    serverHeader: undefined,
    url: (path) => `${server.url}${path}`,
    closeReceived: (id, timeoutMs = 5_000) => reports.get(id, timeoutMs),
    close: () => server.close(),
  };
}

/** Debian's Python, which has python3-websockets (the `python3` on PATH may be another one). */
const PYTHON = '/usr/bin/python3';

/** Python `websockets`, as a child process. */
export async function startPythonPeer(): Promise<Peer> {
  const probe = spawnSync(PYTHON, ['-c', 'import websockets; print(websockets.__version__)'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw missingPeer(
      'Python websockets',
      probe.error ? `${PYTHON}: ${probe.error.message}` : (probe.stderr.trim().split('\n').pop() ?? 'import failed'),
    );
  }
  const script = fileURLToPath(new URL('./python_echo_server.py', import.meta.url));
  const child = spawn(PYTHON, ['-u', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  const reports = new CloseReports();
  const listening = new Promise<{ port: number; version: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the Python server exited (${code}) before listening: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as {
        event: string;
        port: number;
        version: string;
        id: string;
        code: number;
        reason: string;
      };
      if (event.event === 'listening') resolve(event);
      else if (event.event === 'closed') reports.add(event.id, { code: event.code, reason: event.reason });
    });
  });
  let ready: { port: number; version: string };
  try {
    ready = await withTimeout(listening, 10_000, 'the Python websockets server to listen');
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    name: 'python-websockets',
    version: `websockets ${ready.version} (${PYTHON})`,
    serverHeader: /^Python\/.* websockets\//,
    url: (path) => `ws://127.0.0.1:${ready.port}${path}`,
    closeReceived: (id, timeoutMs = 5_000) => reports.get(id, timeoutMs),
    close: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await withTimeout(exited, 5_000, 'a peer process to exit').catch(() => {
    child.kill('SIGKILL');
  });
}

function nginxBinary(): string {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) {
    const probe = spawnSync(candidate, ['-v'], { encoding: 'utf8' });
    if (!probe.error && probe.status === 0) return candidate;
  }
  throw missingPeer('nginx', 'no nginx on PATH nor /usr/sbin/nginx');
}

/** A port that was free a moment ago (nginx cannot listen on port 0 and tell us which port it got). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** nginx as a reverse proxy (config: test/interop/nginx.conf) in front of a `ws` peer. */
export async function startNginxPeer(): Promise<Peer> {
  const binary = nginxBinary();
  const version = spawnSync(binary, ['-v'], { encoding: 'utf8' })
    .stderr.trim()
    .replace(/^nginx version: /, '');
  const upstream = await startWsPeer();
  const template = readFileSync(fileURLToPath(new URL('./nginx.conf', import.meta.url)), 'utf8');
  const prefix = mkdtempSync(join(tmpdir(), 'sockline-nginx-'));
  let child: ChildProcess | undefined;
  let port = 0;
  try {
    // The free port may be taken between the probe and nginx's bind: try a few.
    for (let attempt = 1; attempt <= 3 && !child; attempt++) {
      port = await freePort();
      const config = template
        .replaceAll('{{PREFIX}}', prefix)
        .replaceAll('{{PORT}}', String(port))
        .replaceAll('{{UPSTREAM_PORT}}', String(upstream.server.port));
      writeFileSync(join(prefix, 'nginx.conf'), config);
      const started = spawn(
        binary,
        ['-e', join(prefix, 'error.log'), '-c', join(prefix, 'nginx.conf'), '-p', prefix, '-g', 'daemon off;'],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      started.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && started.exitCode === null && !(await canConnect(port)))
        await new Promise((r) => setTimeout(r, 50));
      if (started.exitCode === null && (await canConnect(port))) {
        child = started;
        break;
      }
      await stopChild(started);
      const log = safeRead(join(prefix, 'error.log'));
      if (!/Address already in use/.test(stderr + log) || attempt === 3) throw new Error(`nginx did not start: ${stderr}${log}`);
    }
  } catch (error) {
    await upstream.close();
    rmSync(prefix, { recursive: true, force: true });
    throw error;
  }
  const nginx = child as ChildProcess;
  return {
    name: 'nginx',
    version: `nginx/${version.replace(/^nginx\//, '')} → ${upstream.version}`,
    serverHeader: /^nginx\//,
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    closeReceived: (id, timeoutMs) => upstream.closeReceived(id, timeoutMs),
    async close() {
      await stopChild(nginx);
      await upstream.close();
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
