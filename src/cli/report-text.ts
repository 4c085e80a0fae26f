/**
 * The human-readable report: messages on stdout (text as is, binary as hex or raw), everything else on stderr,
 * prefixed so it never mixes with the messages: `*` events, `!` errors. In interactive mode messages get a `< `
 * prefix, like the `> ` of the prompt.
 */
import type { BinaryFormat } from './args.js';
import type { Paint } from './colors.js';
import { describeBinary, describeClose, describeControl, describeError, handshakeLines } from './format.js';
import type { Reporter } from './reporter.js';
import type { Screen } from './screen.js';

export interface TextReportOptions {
  binary: BinaryFormat;
  /** Prefix messages with `< ` (interactive mode). */
  prefix: boolean;
  /** Colours for stdout and for stderr (each on only when that stream is a terminal). */
  out: Paint;
  err: Paint;
}

export function textReporter(screen: Screen, options: TextReportOptions): Reporter {
  const { out, err } = options;
  const info = (line: string): void => screen.err(err.dim('* ') + line);
  const warn = (line: string): void => screen.err(err.red(`! ${line}`));
  const messagePrefix = options.prefix ? out.cyan('< ') : '';

  return {
    connecting(url, attempt) {
      info(attempt === 0 ? `connecting to ${url}` : `connecting to ${url} (retry ${attempt})`);
    },
    open(event, url, offered) {
      const what = event.reconnected
        ? `reconnected (after ${event.attempt} ${event.attempt === 1 ? 'retry' : 'retries'})`
        : 'connected';
      info(err.green(`${what} to ${url}`));
      for (const line of handshakeLines({ url, offered, ...event }, err)) info(line);
    },
    message(data) {
      if (typeof data === 'string') return screen.out(messagePrefix + data);
      if (options.binary === 'raw') return screen.outBytes(data);
      screen.out(messagePrefix + out.yellow(describeBinary(data)));
    },
    ping: (data) => info(`ping from the server: ${describeControl(data)} (answered)`),
    pong: (data) => info(`pong: ${describeControl(data)}`),
    disconnect: (close) =>
      info(err.yellow(`disconnected: ${describeClose(close.code, close.reason)}${close.wasClean ? '' : ' (not clean)'}`)),
    reconnecting: (event) => info(err.yellow(`reconnecting in ${event.delay} ms (retry ${event.attempt})`)),
    error: (error) => warn(describeError(error)),
    drop: (event) => {
      const data = typeof event.data === 'string' ? JSON.stringify(event.data) : 'a binary message';
      warn(`not delivered: ${data} (${event.error.name}: ${event.error.message})`);
    },
    close(event, exitCode) {
      const clean = event.wasClean ? 'clean' : 'not clean';
      const unsent = event.unsent.length ? `, ${event.unsent.length} unsent` : '';
      info(`closed: ${describeClose(event.code, event.reason)} (${clean}${unsent}); exit code ${exitCode}`);
    },
    unsentInput: (count) => warn(`${count} input line${count === 1 ? ' was' : 's were'} not sent: the connection closed first`),
    note: (line) => info(line),
  };
}
