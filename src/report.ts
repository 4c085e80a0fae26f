/**
 * Failures nobody listens to (issue 11 item 2): an `error` event without a listener is reported once per Socket on
 * the `logger` (`console` by default), with the URL (no credentials, no query), the cause and what happens next, so a
 * server that is down is not a silent retry loop. Also the `Logger` and debug hook types (the `logger` option's rule,
 * `toLogger`, is in options.ts: here it made the two modules import each other).
 * In every bundle: kept to a few lines.
 */
import type { SocklineError } from './errors.js';
import { redact } from './options.js';

/** Where a Socket writes: `warn` for an unheard failure (once per Socket), `debug` for the `debug` log. */
export interface Logger {
  warn(message: string): void;
  /** The `debug` log's lines (`warn` when absent). */
  debug?(message: string, ...details: unknown[]): void;
}

/**
 * The `debug` log: called with every event the Socket emits (its name and arguments) and before every connection
 * attempt (`'attempt'`, `[url without query, protocols]`). The runtime provides it (`Runtime.debug`).
 */
export type DebugHook = (event: string, args: readonly unknown[], socket: { readonly stats: { attempts: number } }) => void;

/**
 * The one warning for an `error` no listener heard. `next`: ms to the next attempt, -1 when none will follow,
 * `undefined` when the link stays (a throwing `heartbeat.isPong`). sockline's messages never contain a secret; the
 * URL is shown without credentials or query.
 */
export function warnUnheard(logger: Logger | false, url: string, error: SocklineError, next: number | undefined): void {
  const { message } = error;
  const shown = url && redact(new URL(url));
  if (logger) {
    logger.warn(
      `sockline: ${message}` +
        // A timeout's or a callback's message does not name the URL.
        (message.includes(shown) ? '' : ` (${shown})`) +
        (next === undefined ? '' : next < 0 ? '; not retrying' : `; retrying in ${(next / 1000).toFixed(1)} s`) +
        "; add an 'error' listener to handle this (or logger: false)",
    );
  }
}
