/**
 * The Node runtime's `debug` log (issue 11 item 2): one line per event on stderr (or the `logger`'s `debug`),
 * switched on by `debug: true` or the environment: `DEBUG=sockline` (also `sockline*`, `*`, in a comma or space
 * separated list, as the `debug` package reads it) or `NODE_DEBUG=sockline` (as Node's own `util.debuglog`).
 * `debug: false` wins over the environment.
 *
 * It prints state changes, attempts (URL without credentials or query), delays, handshake details (status, the
 * header *names*, the proxy as already redacted) and sizes of messages, never a header value, a query string or
 * a payload. Error messages are printed as they are: sockline's messages never contain a secret.
 */
import type { SocklineError } from '../errors.js';
import type { DebugHook, Logger } from '../report.js';
import type { CloseInfo, HandshakeInfo } from '../transport.js';

type Env = Record<string, string | undefined>;

/** Whether `DEBUG` or `NODE_DEBUG` names sockline. */
export function debugFromEnv(env: Env): boolean {
  const debug = (env.DEBUG ?? '').split(/[\s,]+/);
  const nodeDebug = (env.NODE_DEBUG ?? '').toLowerCase().split(/[\s,]+/);
  return (
    nodeDebug.includes('sockline') ||
    // `-sockline` excludes it, as in the debug package.
    (!debug.includes('-sockline') && debug.some((name) => name === '*' || /^sockline(:?\*)?$/.test(name)))
  );
}

const size = (data: unknown): string =>
  typeof data === 'string'
    ? `text ${new TextEncoder().encode(data).byteLength} B`
    : `binary ${(data as Uint8Array).byteLength} B`;

const failure = (error: SocklineError | undefined): string => (error ? `; ${error.name} ${error.code}: ${error.message}` : '');

const ended = ({ code, reason, wasClean, error }: CloseInfo): string =>
  `code ${code}${reason ? ` reason ${JSON.stringify(reason)}` : ''}, ${wasClean ? 'clean' : 'not clean'}${failure(error)}`;

function handshake(info: HandshakeInfo | undefined): string {
  if (!info) return '';
  const via = info.proxy ? `, via ${JSON.stringify(info.proxy)}` : '';
  return `; handshake ${info.status}, accept ${info.receivedAccept === info.expectedAccept ? 'verified' : 'MISMATCH'}, headers: ${Object.keys(info.headers).join(', ')}${via}`;
}

/** One event as a line, without its payload. */
export function formatDebug(event: string, args: readonly unknown[], attempts: number): string {
  // biome-ignore lint/suspicious/noExplicitAny: each event has its own argument shapes, read by the case below
  const [a, b] = args as [any, any];
  switch (event) {
    case 'attempt':
      return `attempt ${attempts}: ${a}${(b as string[]).length ? ` (protocols ${(b as string[]).join(', ')})` : ''}`;
    case 'state':
      return `state ${b} -> ${a}`;
    case 'open':
      return `open (attempt ${a.attempt}, reconnected ${a.reconnected}), protocol ${JSON.stringify(a.protocol)}, extensions ${JSON.stringify(a.extensions)}${handshake(a.handshake)}`;
    case 'message':
      return `message ${size(a)}`;
    case 'ping':
    case 'pong':
      return `${event} ${(a as Uint8Array).byteLength} B`;
    case 'disconnect':
      return `disconnect ${ended(a)}`;
    case 'reconnecting':
      return `reconnecting: retry ${a.attempt} in ${a.delay} ms (after ${ended(a.lastClose)})`;
    case 'close':
      return `close ${ended(a)}, ${a.unsent.length} unsent`;
    case 'error':
      return `error${failure(a)}`;
    case 'drop':
      return `drop ${size(a.data)}${failure(a.error)}`;
    default:
      return event;
  }
}

/** The Node runtime's `Runtime.debug`: `enabled` (the option) or else the environment. */
export function nodeDebug(enabled: boolean | undefined, logger: Logger | false, env: Env): DebugHook | undefined {
  if (!logger || !(enabled ?? debugFromEnv(env))) return undefined;
  // The default logger: stderr, as NODE_DEBUG and the debug package write (stdout may be the app's output).
  const write = logger === console ? console.error : (logger.debug ?? logger.warn).bind(logger);
  return (event, args, socket) =>
    write(`sockline ${new Date().toISOString().slice(11, 23)} ${formatDebug(event, args, socket.stats.attempts)}`);
}
