/**
 * Command-line arguments → `CliOptions`, with node:util `parseArgs` (strict: unknown options and missing values
 * are errors). Every problem is a `UsageError` with a one-line message; main.ts prints it with the usage.
 */
import { parseArgs } from 'node:util';

export type BinaryFormat = 'hex' | 'raw';

export interface CliOptions {
  url: string;
  headers: Record<string, string>;
  protocols: string[];
  origin: string | undefined;
  proxy: string | undefined;
  /** File paths; main reads them. */
  ca: string | undefined;
  cert: string | undefined;
  key: string | undefined;
  insecure: boolean;
  maxPayload: number | undefined;
  /** Offer permessage-deflate (false with `--no-deflate`). */
  deflate: boolean;
  reconnect: boolean;
  reconnectMaxDelay: number | undefined;
  /** Messages to send with `-x`, in order; empty when not in execute mode. */
  execute: string[];
  /** Ms to wait for replies after the last message (`-x`: default 1000; end of stdin: default 0). */
  wait: number | undefined;
  /** Heartbeat interval in ms; 0 disables the heartbeat. */
  pingInterval: number | undefined;
  json: boolean;
  binary: BinaryFormat;
  slash: boolean;
}

export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; options: CliOptions };

/** A bad command line: the message is one line, without the program name. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const OPTIONS = {
  header: { type: 'string', short: 'H', multiple: true },
  subprotocol: { type: 'string', short: 's', multiple: true },
  origin: { type: 'string', short: 'o' },
  proxy: { type: 'string' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  insecure: { type: 'boolean', short: 'k' },
  'max-payload': { type: 'string' },
  // parseArgs only learned `--no-*` in Node 22 (allowNegative): declare the negative form itself.
  'no-reconnect': { type: 'boolean' },
  'no-deflate': { type: 'boolean' },
  'reconnect-max-delay': { type: 'string' },
  execute: { type: 'string', short: 'x', multiple: true },
  wait: { type: 'string', short: 'w' },
  'ping-interval': { type: 'string' },
  json: { type: 'boolean' },
  binary: { type: 'string' },
  'no-slash': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** Largest delay a Node timer honours (2^31 - 1 ms); larger values fire at once. */
const MAX_MS = 2 ** 31 - 1;

function integer(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name} expects a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** `-H 'Name: value'` → [name, value]. Repeated names are joined with ", " (RFC 9110 §5.3). */
function header(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!name) throw new UsageError(`--header expects 'Name: value', got ${JSON.stringify(text)}`);
  return [name, text.slice(colon + 1).trim()];
}

/** `localhost:8080/x` means `ws://localhost:8080/x`, as in wscat; anything with a scheme is kept as is. */
function url(text: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `ws://${text}`;
}

/** Parses `argv` (without `node` and the script). Throws `UsageError`. */
export function parseCommandLine(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (positionals.length === 0) throw new UsageError('missing the URL to connect to');
  if (positionals.length > 1) throw new UsageError(`expected one URL, got ${positionals.length}: ${positionals.join(' ')}`);

  const headers: Record<string, string> = {};
  for (const [name, value] of (values.header ?? []).map(header)) {
    const existing = Object.keys(headers).find((n) => n.toLowerCase() === name.toLowerCase());
    if (existing) headers[existing] += `, ${value}`;
    else headers[name] = value;
  }
  const binary = values.binary ?? 'hex';
  if (binary !== 'hex' && binary !== 'raw') throw new UsageError(`--binary expects hex or raw, got ${JSON.stringify(binary)}`);
  const maxDelay = integer('reconnect-max-delay', values['reconnect-max-delay'], 0, MAX_MS);
  if (values['no-reconnect'] && maxDelay !== undefined) {
    throw new UsageError('--reconnect-max-delay makes no sense with --no-reconnect');
  }

  return {
    kind: 'run',
    options: {
      url: url(positionals[0]),
      headers,
      protocols: values.subprotocol ?? [],
      origin: values.origin,
      proxy: values.proxy,
      ca: values.ca,
      cert: values.cert,
      key: values.key,
      insecure: values.insecure ?? false,
      maxPayload: integer('max-payload', values['max-payload'], 1, Number.MAX_SAFE_INTEGER),
      deflate: !values['no-deflate'],
      reconnect: !values['no-reconnect'],
      reconnectMaxDelay: maxDelay,
      execute: values.execute ?? [],
      wait: integer('wait', values.wait, 0, MAX_MS),
      pingInterval: integer('ping-interval', values['ping-interval'], 0, MAX_MS),
      json: values.json ?? false,
      binary,
      slash: !values['no-slash'],
    },
  };
}

/** parseArgs' messages carry advice about `--` that does not fit one line; keep what matters. */
function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const option = /'([^']+)'/.exec(message ?? '')?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return (message ?? 'invalid option value').split('. ')[0].replace(/^Option /, 'option ');
    default:
      return (message ?? String(error)).split('\n')[0];
  }
}
