/**
 * Helpers for the network tests (proxies, redirects, unix sockets): a Socket driver, temporary environment
 * variables, a scripted raw-TCP peer for hostile proxies, and the Debian proxies (tinyproxy, microsocks, danted,
 * stunnel4) started on ephemeral loopback ports and stopped by the tests.
 *
 * `peerAvailable` is a local stand-in for the suite-wide "system peer missing" helper (matrix's): it prints the
 * apt-get line and skips, or throws under CI=true.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket as NetSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Socket } from '../../src/index.node.js';
import type { SocketOptions } from '../../src/options.js';
import type { SocklineError } from '../../src/errors.js';
import type { CloseInfo } from '../../src/transport.js';
import { closeServer, listenOnLoopback, SocketTracker } from '../helpers/test-server.js';

const APT: Record<string, string> = {
  tinyproxy: 'tinyproxy',
  microsocks: 'microsocks',
  danted: 'dante-server',
  stunnel4: 'stunnel4',
};
const PATHS: Record<string, string[]> = {
  tinyproxy: ['/usr/bin/tinyproxy', '/usr/sbin/tinyproxy'],
  microsocks: ['/usr/bin/microsocks'],
  danted: ['/usr/sbin/danted'],
  stunnel4: ['/usr/bin/stunnel4', '/usr/bin/stunnel'],
};

/** Path of a system peer, or undefined when missing (then: one console line, or a throw under CI=true). */
export function peerAvailable(binary: keyof typeof APT): string | undefined {
  const found = PATHS[binary].find((p) => existsSync(p));
  if (found) return found;
  const line = `apt-get install -y ${APT[binary]}`;
  if (process.env.CI === 'true') throw new Error(`System peer ${binary} is missing (CI=true): ${line}`);
  console.log(`skipping ${binary} tests: ${line}`);
  return undefined;
}

export interface Driven {
  socket: Socket;
  opened: Promise<{ protocol: string }>;
  closed: Promise<CloseInfo>;
  errors: SocklineError[];
}

/** A Socket that does not reconnect, with its first open and its final close as promises. */
export function drive(url: string, options: SocketOptions = {}): Driven {
  const socket = new Socket(url, { reconnect: false, heartbeat: false, ...options });
  const errors: SocklineError[] = [];
  socket.on('error', (error) => errors.push(error));
  const opened = new Promise<{ protocol: string }>((resolve) => socket.once('open', resolve));
  const closed = new Promise<CloseInfo>((resolve) => socket.once('close', resolve));
  return { socket, opened, closed, errors };
}

/** Run `fn` with these environment variables set (undefined: unset), restoring the old values after. */
export function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const old: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(vars)) {
    old[name] = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    return fn();
  } finally {
    for (const [name, value] of Object.entries(old)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Every proxy variable unset, so the machine's own settings cannot leak into a test. */
export const NO_PROXY_ENV: Record<string, undefined> = Object.fromEntries(
  ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'].map((n) => [
    n,
    undefined,
  ]),
);

/** A raw TCP peer on loopback whose script gets every connection and the bytes it received so far. */
export interface ScriptedPeer {
  port: number;
  /** Connections accepted. */
  readonly connections: number;
  /** Bytes received, per connection. */
  readonly received: Buffer[];
  /** Sockets still open (0 once the client let go of all of them). */
  readonly open: number;
  close(): Promise<void>;
}

export async function startScriptedPeer(
  onData: (socket: NetSocket, received: Buffer, index: number) => void,
): Promise<ScriptedPeer> {
  const sockets = new SocketTracker();
  const received: Buffer[] = [];
  let connections = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const index = connections++;
    received[index] = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      received[index] = Buffer.concat([received[index], chunk]);
      onData(socket, received[index], index);
    });
  });
  const port = await listenOnLoopback(server, '127.0.0.1');
  return {
    port,
    get connections() {
      return connections;
    },
    received,
    get open() {
      return sockets.size;
    },
    async close() {
      sockets.destroyAll();
      await closeServer(server);
    },
  };
}

/** A free loopback port (listened on, then closed), for daemons that need a port in their config. */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLoopback(server, '127.0.0.1');
  await closeServer(server);
  return port;
}

/** Resolves once `port` accepts TCP connections (bounded). */
export async function waitForPort(port: number, child: ChildProcess, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const probe = connect({ host: '127.0.0.1', port });
      probe.once('connect', () => {
        probe.destroy();
        resolve(true);
      });
      probe.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Daemon {
  port: number;
  url: string;
  /** What the daemon logged (stdout + stderr + its log file where it has one). */
  log(): string;
  close(): Promise<void>;
}

/** Start a daemon in the foreground, wait for its port, and kill it (by its pid) on close. */
async function startDaemon(
  what: string,
  binary: string,
  args: string[],
  port: number,
  scheme: string,
  dir: string,
  logFile?: string,
): Promise<Daemon> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, what);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    log: () => output + (logFile && existsSync(logFile) ? spawnSync('cat', [logFile]).stdout.toString() : ''),
    close: stop,
  };
}

/** tinyproxy on loopback, CONNECT allowed to any port, optionally with Basic auth. */
export async function startTinyproxy(options: { auth?: { user: string; password: string } } = {}): Promise<Daemon> {
  const binary = peerAvailable('tinyproxy')!;
  const dir = mkdtempSync(join(tmpdir(), 'sockline-tinyproxy-'));
  const port = await freePort();
  const logFile = join(dir, 'tinyproxy.log');
  const config = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    'MaxClients 20',
    'Allow 127.0.0.1',
    // No ConnectPort line: CONNECT to every port (our ws servers use ephemeral ports).
    `LogFile "${logFile}"`,
    'LogLevel Connect',
    ...(options.auth ? [`BasicAuth ${options.auth.user} ${options.auth.password}`] : []),
  ];
  // tinyproxy drops privileges to User/Group when started as root.
  if (process.getuid?.() === 0) config.push('User nobody', 'Group nogroup');
  writeFileSync(join(dir, 'tinyproxy.conf'), config.join('\n') + '\n');
  spawnSync('chmod', ['777', dir]);
  return startDaemon('tinyproxy', binary, ['-d', '-c', join(dir, 'tinyproxy.conf')], port, 'http', dir, logFile);
}

/** microsocks (SOCKS5) on loopback, optionally with username/password. */
export async function startMicrosocks(options: { auth?: { user: string; password: string } } = {}): Promise<Daemon> {
  const binary = peerAvailable('microsocks')!;
  const dir = mkdtempSync(join(tmpdir(), 'sockline-microsocks-'));
  const port = await freePort();
  const args = ['-i', '127.0.0.1', '-p', String(port)];
  if (options.auth) args.push('-u', options.auth.user, '-P', options.auth.password);
  return startDaemon('microsocks', binary, args, port, 'socks5', dir);
}

/** dante (danted) on loopback: SOCKS4, SOCKS4a and SOCKS5 without authentication. */
export async function startDante(): Promise<Daemon> {
  const binary = peerAvailable('danted')!;
  const dir = mkdtempSync(join(tmpdir(), 'sockline-dante-'));
  const port = await freePort();
  const logFile = join(dir, 'danted.log');
  const config = [
    `logoutput: ${logFile}`,
    `internal: 127.0.0.1 port = ${port}`,
    'external: 127.0.0.1',
    'clientmethod: none',
    'socksmethod: none',
    'user.privileged: root',
    'user.unprivileged: nobody',
    // dante's parser wants each rule keyword on its own line.
    'client pass {',
    '  from: 127.0.0.0/8 to: 127.0.0.0/8',
    '  log: connect error',
    '}',
    'socks pass {',
    '  from: 127.0.0.0/8 to: 127.0.0.0/8',
    '  command: connect',
    '  log: connect error',
    '}',
    'socks block {',
    '  from: 0.0.0.0/0 to: 0.0.0.0/0',
    '  log: connect error',
    '}',
  ];
  writeFileSync(join(dir, 'danted.conf'), config.join('\n') + '\n');
  return startDaemon(
    'danted',
    binary,
    ['-f', join(dir, 'danted.conf'), '-p', join(dir, 'danted.pid'), '-N', '1'],
    port,
    'socks4',
    dir,
    logFile,
  );
}

/** stunnel4 on loopback: TLS in front of `targetPort` (an HTTPS proxy in front of tinyproxy). */
export async function startStunnel(targetPort: number, cert: { cert: string; key: string }): Promise<Daemon> {
  const binary = peerAvailable('stunnel4')!;
  const dir = mkdtempSync(join(tmpdir(), 'sockline-stunnel-'));
  const port = await freePort();
  writeFileSync(join(dir, 'cert.pem'), cert.cert + '\n' + cert.key);
  const config = [
    'foreground = yes',
    `pid = ${join(dir, 'stunnel.pid')}`,
    'debug = 4',
    '[proxy]',
    `accept = 127.0.0.1:${port}`,
    `connect = 127.0.0.1:${targetPort}`,
    `cert = ${join(dir, 'cert.pem')}`,
  ];
  writeFileSync(join(dir, 'stunnel.conf'), config.join('\n') + '\n');
  return startDaemon('stunnel4', binary, [join(dir, 'stunnel.conf')], port, 'https', dir);
}

/**
 * A scripted SOCKS4/4a server (dante speaks SOCKS4 but not 4a): parses the request, connects to loopback only
 * (`localhost` → 127.0.0.1), answers 90 and pipes. Records every request's user id and name.
 */
export async function startScriptedSocks4(): Promise<{
  port: number;
  url: string;
  requests: { userId: string; name: string | undefined; port: number }[];
  close(): Promise<void>;
}> {
  const sockets = new SocketTracker();
  const requests: { userId: string; name: string | undefined; port: number }[] = [];
  const server = createServer((client) => {
    sockets.add(client);
    let buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length < 9) return;
      const userEnd = buffer.indexOf(0, 8);
      if (userEnd === -1) return;
      const is4a = buffer[4] === 0 && buffer[5] === 0 && buffer[6] === 0 && buffer[7] !== 0;
      let end = userEnd + 1;
      let name: string | undefined;
      if (is4a) {
        const nameEnd = buffer.indexOf(0, end);
        if (nameEnd === -1) return;
        name = buffer.subarray(end, nameEnd).toString();
        end = nameEnd + 1;
      }
      client.removeListener('data', onData);
      const port = buffer.readUInt16BE(2);
      requests.push({ userId: buffer.subarray(8, userEnd).toString(), name, port });
      const address = name === undefined ? [...buffer.subarray(4, 8)].join('.') : name === 'localhost' ? '127.0.0.1' : undefined;
      const rest = buffer.subarray(end);
      if (address === undefined || !address.startsWith('127.')) {
        client.end(Buffer.from([0, 91, 0, 0, 0, 0, 0, 0]));
        return;
      }
      const upstream = sockets.add(connect({ host: address, port }));
      upstream.once('error', () => client.end(Buffer.from([0, 91, 0, 0, 0, 0, 0, 0])));
      upstream.once('connect', () => {
        client.write(Buffer.from([0, 90, 0, 0, 0, 0, 0, 0]));
        if (rest.length) upstream.write(rest);
        client.pipe(upstream).pipe(client);
      });
    };
    client.on('data', onData);
  });
  const port = await listenOnLoopback(server, '127.0.0.1');
  return {
    port,
    url: `socks4a://127.0.0.1:${port}`,
    requests,
    async close() {
      sockets.destroyAll();
      await closeServer(server);
    },
  };
}
