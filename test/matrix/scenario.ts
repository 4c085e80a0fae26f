/**
 * The runtime matrix's one scenario file: what every runtime sockline claims must do the same, run against the
 * packed package (test/matrix/fixture.ts) in Node 18/20/22/24 (ESM and CJS), Bun, Deno and workerd.
 *
 * - the README quick start (test/shared/readme-example.ts, unchanged);
 * - reconnect after the server drops the link, the queue flushed in order (test/shared/reconnect-scenario.ts);
 * - a message of 100 fragments reassembled, binary and text;
 * - a handshake refused with 403: a typed HandshakeError (`instanceof`, reason 'status', status 403) that the
 *   default policy treats as final (one attempt, no retry);
 * - close codes both ways (client 4001, server 4002), clean;
 * - which Node-only options the build accepts (headers reach the server, protocol ping, handshake details).
 *
 * Self-contained (types only, plain ES2020 once types are stripped): fixture.ts transpiles it and the two shared
 * files next to the runtime entries, and every runtime imports the same copy.
 * Server paths are those of test/helpers/ws-server.ts `startWsServer({ routes: true })`; `rejectUrl` answers every upgrade with 403.
 */
import type { SocklineApi } from '../shared/echo-scenarios.js';
import { README_EXAMPLE_LOG, readmeExample } from '../shared/readme-example.js';
import { RECONNECT_EXPECTED, reconnectScenario, type ReconnectTranscript } from '../shared/reconnect-scenario.js';

export interface MatrixConfig {
  /** `ws://127.0.0.1:<port>` of test/helpers/ws-server.ts `startWsServer({ routes: true })` */
  wsUrl: string;
  /** A server that answers every upgrade with `403 Forbidden`. */
  rejectUrl: string;
  /** Unique per run, for `/flaky?id=`. */
  id: string;
  timeoutMs: number;
}

export interface MatrixApi extends SocklineApi {
  HandshakeError: abstract new (...args: never[]) => Error;
}

interface AnySocket {
  on(event: string, listener: (...args: any[]) => void): unknown;
  send(data: unknown): unknown;
  close(code?: number, reason?: string): unknown;
  ping?(data?: unknown): unknown;
  readonly handshake?: { status?: number } | undefined;
  readonly stats: { attempts: number };
}

export interface CloseSummary {
  code: number;
  reason: string;
  wasClean: boolean;
}

export interface RejectionSummary {
  /** The Socket gave up on its own (the default policy found the refusal final). */
  final: boolean;
  attempts: number;
  instanceOfHandshakeError: boolean;
  name: string;
  code: string;
  reason: string;
  status: number | null;
}

export interface NodeOnlyOptions {
  /** `headers` accepted and the header reached the server. */
  headers: boolean;
  /** `ping()` answered by a pong. */
  ping: boolean;
  /** `socket.handshake` reports the 101. */
  handshake: boolean;
  /** The error when the build refused `headers` (the browser build does). */
  refused: string | null;
}

export interface MatrixResult {
  quickStart: string[];
  reconnect: ReconnectTranscript;
  fragments: { binaryLength: number; binaryIntact: boolean; text: string };
  rejection: RejectionSummary;
  closeFromClient: CloseSummary;
  closeFromServer: CloseSummary;
  nodeOnly: NodeOnlyOptions;
}

function open(api: MatrixApi, url: string, options: Record<string, unknown> = {}): AnySocket {
  const socket = new api.Socket(url, { reconnect: false, heartbeat: false, ...options }) as unknown as AnySocket;
  socket.on('error', () => {}); // every outcome is asserted through the close event
  return socket;
}

function bounded<T>(what: string, ms: number, run: (done: (value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`matrix scenario "${what}" timed out after ${ms} ms`)), ms);
    run((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

function fragments(api: MatrixApi, config: MatrixConfig): Promise<MatrixResult['fragments']> {
  return bounded('100 fragments', config.timeoutMs, (done) => {
    const socket = open(api, `${config.wsUrl}/fragments?count=100&bytes=10000`);
    const result = { binaryLength: -1, binaryIntact: false, text: '' };
    socket.on('message', (data: unknown) => {
      if (typeof data === 'string') {
        result.text = data;
        socket.close(1000);
        return;
      }
      const bytes = data as Uint8Array;
      result.binaryLength = bytes.length;
      result.binaryIntact = bytes instanceof Uint8Array && bytes.every((byte, i) => byte === i % 251);
    });
    socket.on('close', () => done(result));
  });
}

function closeFrom(api: MatrixApi, url: string, clientCloses: boolean, timeoutMs: number): Promise<CloseSummary> {
  return bounded(clientCloses ? 'close from the client' : 'close from the server', timeoutMs, (done) => {
    const socket = open(api, url);
    if (clientCloses) socket.on('open', () => socket.close(4001, 'client bye'));
    socket.on('close', ({ code, reason, wasClean }: CloseSummary) => done({ code, reason, wasClean }));
  });
}

function rejection(api: MatrixApi, config: MatrixConfig): Promise<RejectionSummary> {
  // Short delays: a policy that (wrongly) retries shows several attempts well within the bound.
  const socket = open(api, config.rejectUrl, { reconnect: { minDelay: 50, maxDelay: 100 } });
  let last: unknown;
  socket.on('error', (error: unknown) => (last = error));
  const summary = (final: boolean): RejectionSummary => {
    const error = last as { name?: string; code?: string; reason?: string; status?: number } | undefined;
    return {
      final,
      attempts: socket.stats.attempts,
      instanceOfHandshakeError: last instanceof api.HandshakeError,
      name: String(error?.name),
      code: String(error?.code),
      reason: String(error?.reason),
      status: typeof error?.status === 'number' ? error.status : null,
    };
  };
  return new Promise((resolve) => {
    let settled = false;
    const settle = (final: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(summary(final));
    };
    // Still retrying after this: the policy did not see the refusal as final. close() emits `close` synchronously,
    // so settle first.
    const timer = setTimeout(() => {
      settle(false);
      socket.close();
    }, 1_500);
    socket.on('close', () => settle(true));
  });
}

function nodeOnly(api: MatrixApi, config: MatrixConfig): Promise<NodeOnlyOptions> {
  let socket: AnySocket;
  try {
    socket = open(api, `${config.wsUrl}/headers`, { headers: { 'x-sockline-matrix': 'yes' } });
  } catch (error) {
    return Promise.resolve({
      headers: false,
      ping: false,
      handshake: false,
      refused: `${(error as Error).name}: ${(error as Error).message}`,
    });
  }
  return bounded('Node-only options', config.timeoutMs, (done) => {
    const result: NodeOnlyOptions = { headers: false, ping: false, handshake: false, refused: null };
    socket.on('open', () => {
      result.handshake = socket.handshake?.status === 101;
    });
    socket.on('message', (data: unknown) => {
      if (typeof data !== 'string' || !data.startsWith('{')) return;
      result.headers = (JSON.parse(data) as Record<string, string>)['x-sockline-matrix'] === 'yes';
      try {
        socket.ping?.();
      } catch {
        socket.close(1000);
      }
    });
    socket.on('pong', () => {
      result.ping = true;
      socket.close(1000);
    });
    socket.on('close', () => done(result));
  });
}

/** Runs every part in turn (they share one server; in turn keeps a slow runtime's timings honest). */
export async function runMatrix(api: MatrixApi, config: MatrixConfig): Promise<MatrixResult> {
  const quickStart = await bounded<string[]>('README quick start', config.timeoutMs, (done) => {
    void readmeExample(api, `${config.wsUrl}/echo`).then(done);
  });
  const reconnect = await reconnectScenario(api, `${config.wsUrl}/flaky?id=${config.id}&drops=1`, config.timeoutMs);
  return {
    quickStart,
    reconnect,
    fragments: await fragments(api, config),
    rejection: await rejection(api, config),
    closeFromClient: await closeFrom(api, `${config.wsUrl}/echo`, true, config.timeoutMs),
    closeFromServer: await closeFrom(api, `${config.wsUrl}/close?code=4002&reason=server%20bye`, false, config.timeoutMs),
    nodeOnly: await nodeOnly(api, config),
  };
}

/** What every runtime must produce, except `nodeOnly`, which the support table reports. */
export const MATRIX_EXPECTED: Omit<MatrixResult, 'nodeOnly'> = {
  quickStart: README_EXAMPLE_LOG,
  reconnect: RECONNECT_EXPECTED,
  fragments: { binaryLength: 10_000, binaryIntact: true, text: '0123456789'.repeat(10) },
  rejection: {
    final: true,
    attempts: 1,
    instanceOfHandshakeError: true,
    name: 'HandshakeError',
    code: 'ERR_SOCKLINE_HANDSHAKE',
    reason: 'status',
    status: 403,
  },
  closeFromClient: { code: 4001, reason: 'client bye', wasClean: true },
  closeFromServer: { code: 4002, reason: 'server bye', wasClean: true },
};
