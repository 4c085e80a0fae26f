/**
 * Compression peers for the permessage-deflate interop suite (issue #12): servers we did not write, each echoing
 * every message (text as text, binary as binary, no size limit) with permessage-deflate on, on a loopback port.
 *
 *   startWsDeflatePeer(options)       the `ws` server in this process, with any `perMessageDeflate` options;
 *                                     WS_DEFLATE_COMBINATIONS lists every no-context-takeover × window-bits setting
 *   startPythonDeflatePeer(config?)   Python `websockets` (Debian python3-websockets); its default compresses
 *   startAutobahnDeflatePeer(config?) Autobahn|Python (Debian python3-autobahn, asyncio) accepting the first offer
 *
 * Each reports, per connection, what the server agreed to (`opened()`), so a test can assert that compression was
 * negotiated and with which parameters. A missing Python module is a failure with its install line.
 *
 * Not used by sockline's tests yet: the Node client negotiates permessage-deflate once issue #12's integration
 * lands. test/interop/deflate-peers.test.ts proves each peer starts and compresses, with `ws`'s own client.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { PerMessageDeflateOptions } from 'ws';
import { withTimeout } from '../helpers/test-server.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';

/** What the server said it agreed to on one connection. */
export interface DeflateOpen {
  /** Request path of the connection. */
  path: string;
  /**
   * The server's own account: the `Sec-WebSocket-Extensions` it sent (ws, Python websockets), or Autobahn's
   * description of the agreed PerMessageDeflate. Empty when the server did not accept compression.
   */
  extensions: string;
}

export interface DeflatePeer {
  name: string;
  version: string;
  /** `ws://127.0.0.1:<port><path>`. */
  url(path?: string): string;
  /** The next connection's open report not yet taken (queued, so an earlier one is not missed). */
  opened(timeoutMs?: number): Promise<DeflateOpen>;
  close(): Promise<void>;
}

/** Debian's Python, which has python3-websockets and python3-autobahn (the `python3` on PATH may be another one). */
const PYTHON = '/usr/bin/python3';
const INSTALL = 'apt-get install -y python3-websockets python3-autobahn';

/** One `perMessageDeflate` setting of the ws server, with a name for test titles. */
export interface WsDeflateCombination {
  name: string;
  options: PerMessageDeflateOptions;
}

/**
 * Every combination of the settings a ws server has for permessage-deflate: server/client no context takeover
 * (each on or off) × serverMaxWindowBits × clientMaxWindowBits (unset, or 8, 11, 15). 64 in all. A ws server with
 * clientMaxWindowBits set declines an offer without client_max_window_bits (sockline's default offer has it).
 * threshold 0 so that every message is compressed, however small.
 */
export const WS_DEFLATE_COMBINATIONS: WsDeflateCombination[] = (() => {
  const out: WsDeflateCombination[] = [];
  const bits = [undefined, 8, 11, 15];
  for (const serverNoContextTakeover of [false, true]) {
    for (const clientNoContextTakeover of [false, true]) {
      for (const serverMaxWindowBits of bits) {
        for (const clientMaxWindowBits of bits) {
          const options: PerMessageDeflateOptions = { serverNoContextTakeover, clientNoContextTakeover, threshold: 0 };
          if (serverMaxWindowBits !== undefined) options.serverMaxWindowBits = serverMaxWindowBits;
          if (clientMaxWindowBits !== undefined) options.clientMaxWindowBits = clientMaxWindowBits;
          const name = [
            serverNoContextTakeover ? 'server_no_context_takeover' : 'server takeover',
            clientNoContextTakeover ? 'client_no_context_takeover' : 'client takeover',
            `server bits ${serverMaxWindowBits ?? '-'}`,
            `client bits ${clientMaxWindowBits ?? '-'}`,
          ].join(', ');
          out.push({ name, options });
        }
      }
    }
  }
  return out;
})();

/** Open reports, queued until taken. */
class OpenReports {
  readonly #queued: DeflateOpen[] = [];
  readonly #waiting: ((open: DeflateOpen) => void)[] = [];

  add(open: DeflateOpen): void {
    const waiter = this.#waiting.shift();
    if (waiter) waiter(open);
    else this.#queued.push(open);
  }

  next(timeoutMs: number): Promise<DeflateOpen> {
    const ready = this.#queued.shift();
    if (ready) return Promise.resolve(ready);
    let resolver!: (open: DeflateOpen) => void;
    const next = new Promise<DeflateOpen>((resolve) => {
      resolver = resolve;
      this.#waiting.push(resolve);
    });
    return withTimeout(next, timeoutMs, "the server's report of a new connection").catch((error: unknown) => {
      this.#waiting.splice(this.#waiting.indexOf(resolver), 1);
      throw error;
    });
  }
}

/** The `ws` server with `perMessageDeflate: options` (threshold 0 unless given), echoing. */
export async function startWsDeflatePeer(
  options: PerMessageDeflateOptions = { threshold: 0 },
): Promise<DeflatePeer & { server: WsServer }> {
  const reports = new OpenReports();
  // ws's `extensions` getter gives only names: take the header line the server wrote into its 101.
  const sent = new WeakMap<IncomingMessage, string>();
  const server = await startWsServer({
    perMessageDeflate: options,
    onConnection: (_ws, request) => reports.add({ path: request.url ?? '/', extensions: sent.get(request) ?? '' }),
  });
  server.wss.on('headers', (headers: string[], request: IncomingMessage) => {
    const line = headers.find((h) => /^sec-websocket-extensions:/i.test(h));
    if (line !== undefined) sent.set(request, line.slice(line.indexOf(':') + 1).trim());
  });
  const { version } = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('ws/package.json')), 'utf8')) as {
    version: string;
  };
  return {
    name: 'ws',
    version: `ws ${version}`,
    server,
    url: (path = '/') => `${server.url}${path}`,
    opened: (timeoutMs = 5_000) => reports.next(timeoutMs),
    close: () => server.close(),
  };
}

/** Python websockets' config for ServerPerMessageDeflateFactory; none = its default `compression="deflate"`. */
export interface PythonDeflateConfig {
  server_no_context_takeover?: boolean;
  client_no_context_takeover?: boolean;
  server_max_window_bits?: number;
  client_max_window_bits?: number;
  require_client_max_window_bits?: boolean;
}

/** Python `websockets` with compression, as a child process. */
export function startPythonDeflatePeer(config?: PythonDeflateConfig): Promise<DeflatePeer> {
  return startPythonPeer(
    'python-websockets',
    'websockets',
    './python_deflate_server.py',
    config,
    (v) => `websockets ${v} (${PYTHON})`,
  );
}

/** Autobahn's PerMessageDeflateOfferAccept arguments. */
export interface AutobahnDeflateConfig {
  request_no_context_takeover?: boolean;
  request_max_window_bits?: number;
  no_context_takeover?: boolean;
  window_bits?: number;
}

/** Autobahn|Python with permessage-deflate, as a child process. */
export function startAutobahnDeflatePeer(config?: AutobahnDeflateConfig): Promise<DeflatePeer> {
  return startPythonPeer(
    'autobahn-python',
    'autobahn',
    './autobahn_deflate_server.py',
    config,
    (v) => `autobahn ${v} (${PYTHON})`,
  );
}

async function startPythonPeer(
  name: string,
  module: string,
  script: string,
  config: object | undefined,
  version: (v: string) => string,
): Promise<DeflatePeer> {
  const probe = spawnSync(PYTHON, ['-c', `import ${module}; print(${module}.__version__)`], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    const detail = probe.error ? `${PYTHON}: ${probe.error.message}` : (probe.stderr.trim().split('\n').pop() ?? 'import failed');
    const where = process.env.CI === 'true' ? 'CI must provide it (.ci/run installs it)' : 'install it to run the interop tests';
    throw new Error(`Python ${module} is not available (${detail}); ${where}: ${INSTALL}`);
  }
  const args = ['-u', fileURLToPath(new URL(script, import.meta.url))];
  if (config !== undefined) args.push(JSON.stringify(config));
  const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  const reports = new OpenReports();
  const listening = new Promise<{ port: number; version: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the ${name} server exited (${code}) before listening: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as {
        event: string;
        port: number;
        version: string;
        path: string;
        extensions: string | string[] | null;
      };
      if (event.event === 'listening') resolve(event);
      else if (event.event === 'open') {
        const extensions = Array.isArray(event.extensions) ? event.extensions.join(', ') : (event.extensions ?? '');
        reports.add({ path: event.path, extensions });
      }
    });
  });
  let ready: { port: number; version: string };
  try {
    ready = await withTimeout(listening, 10_000, `the ${name} server to listen`);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    name,
    version: version(ready.version),
    url: (path = '/') => `ws://127.0.0.1:${ready.port}${path}`,
    opened: (timeoutMs = 5_000) => reports.next(timeoutMs),
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
