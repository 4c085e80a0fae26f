/**
 * The CLI's exit codes: one per way a session can end, so scripts can branch on them. The table is
 * documented in README.md ("Command line") and printed by `--help`; keep the three in step.
 */
import { HandshakeError, NetworkError, ProtocolError, TimeoutError } from '../index.node.js';
import type { SocklineError } from '../index.node.js';

export const ExitCode = Object.freeze({
  /** The closing handshake completed: we closed (end of input, `-x`, `/close`, Ctrl+C), or the server closed with 1000. */
  ok: 0,
  /** A bug in the CLI (an unexpected exception). */
  internal: 1,
  /** Bad command-line arguments: a one-line error and the usage on stderr. */
  usage: 2,
  /** The server rejected or broke the opening handshake (a non-101 status, a wrong Accept, subprotocol, ...). */
  handshake: 3,
  /** Refused, DNS, TLS, reset, a timeout, or the link was lost and is not retried. */
  network: 4,
  /** The server broke RFC 6455 and we failed the connection (1002, 1007, 1009). */
  protocol: 5,
  /** The server closed with a code other than 1000 (1001, 1005, 1011, 4xxx, ...) and we do not reconnect. */
  serverClose: 6,
  /** Ctrl+C (SIGINT) before the link was ever open, or a second one while the closing handshake was running. */
  interrupted: 130,
  /** The same for SIGTERM (128 + 15). */
  terminated: 143,
});

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit-code table as `--help` prints it. */
export const EXIT_CODE_TABLE: readonly (readonly [number, string])[] = [
  [ExitCode.ok, 'clean close: we closed, or the server closed with 1000'],
  [ExitCode.internal, 'internal error (a bug: please report it)'],
  [ExitCode.usage, 'bad usage (unknown option, bad value, missing URL)'],
  [ExitCode.handshake, 'handshake rejected (HTTP status other than 101, bad Accept, subprotocol, ...)'],
  [ExitCode.network, 'network failure (refused, DNS, TLS, reset, timeout, link lost)'],
  [ExitCode.protocol, 'protocol error: the server broke RFC 6455 (we closed with 1002/1007/1009)'],
  [ExitCode.serverClose, 'the server closed with a code other than 1000'],
  [ExitCode.interrupted, 'interrupted: Ctrl+C before connecting, or twice (143: the same for SIGTERM)'],
];

/** The exit code for an error, by class. */
export function exitCodeForError(error: SocklineError): ExitCodeValue {
  if (error instanceof HandshakeError) return ExitCode.handshake;
  if (error instanceof ProtocolError) return ExitCode.protocol;
  if (error instanceof NetworkError || error instanceof TimeoutError) return ExitCode.network;
  return ExitCode.internal;
}

/** How the Socket ended, as the final `close` event reports it, plus what the CLI knows. */
export interface Ending {
  code: number;
  wasClean: boolean;
  error?: SocklineError;
  /** We called `close()` (end of input, `-x` done, `/close`, a signal). */
  closedByUs: boolean;
  /** The last `error` event seen, for a close by us while the link was down. */
  lastError?: SocklineError;
}

/**
 * - an error on the final close decides by its class;
 * - a close we started is 0 when the closing handshake completed; if the link was down, the last error decides
 *   (none: we stopped before anything failed, e.g. Ctrl+C during the first attempt: interrupted);
 * - a close by the server is 0 for 1000 (normal closure, RFC 6455 §7.4.1) and 6 for any other code.
 */
export function exitCodeFor(ending: Ending): ExitCodeValue {
  if (ending.error) return exitCodeForError(ending.error);
  if (ending.closedByUs) {
    if (ending.wasClean) return ExitCode.ok;
    return ending.lastError ? exitCodeForError(ending.lastError) : ExitCode.interrupted;
  }
  if (ending.code === 1000) return ExitCode.ok;
  if (ending.code === 1006) return ExitCode.network;
  return ExitCode.serverClose;
}
