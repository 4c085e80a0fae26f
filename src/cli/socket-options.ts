/** `CliOptions` → the library's `SocketOptions`. Certificate files are read here; an unreadable one is a usage error. */
import { readFileSync } from 'node:fs';
import type { Socket } from '../index.node.js';
import { UsageError } from './args.js';
import type { CliOptions } from './args.js';

type SocketOptions = NonNullable<ConstructorParameters<typeof Socket>[1]>;

function readPem(option: string, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    throw new UsageError(`cannot read the --${option} file ${JSON.stringify(path)} (${code})`);
  }
}

const DEFAULT_MIN_DELAY = 1000;

export function socketOptions(cli: CliOptions): SocketOptions {
  const tls: Record<string, unknown> = {};
  const ca = readPem('ca', cli.ca);
  const cert = readPem('cert', cli.cert);
  const key = readPem('key', cli.key);
  if (ca !== undefined) tls.ca = ca;
  if (cert !== undefined) tls.cert = cert;
  if (key !== undefined) tls.key = key;
  if (cli.insecure) tls.rejectUnauthorized = false;

  const options: SocketOptions = { tls };
  if (cli.protocols.length) options.protocols = cli.protocols;
  if (Object.keys(cli.headers).length) options.headers = cli.headers;
  if (cli.origin !== undefined) options.origin = cli.origin;
  // Passed through as given: the library decides which proxy kinds it supports.
  if (cli.proxy !== undefined) options.proxy = cli.proxy;
  if (cli.maxPayload !== undefined) options.maxPayload = cli.maxPayload;
  if (!cli.deflate) options.perMessageDeflate = false;
  if (!cli.reconnect) options.reconnect = false;
  else if (cli.reconnectMaxDelay !== undefined) {
    const maxDelay = cli.reconnectMaxDelay;
    options.reconnect = { maxDelay, minDelay: Math.min(DEFAULT_MIN_DELAY, maxDelay) };
  }
  if (cli.pingInterval !== undefined) {
    options.heartbeat = cli.pingInterval === 0 ? false : { interval: cli.pingInterval };
  }
  return options;
}
