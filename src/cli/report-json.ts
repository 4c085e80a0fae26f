/**
 * `--json`: one JSON object per line on stdout for every event, nothing on stderr, so a script reads one
 * stream: `{"event":"message","time":"…","binary":false,"data":"hi"}`. The fields are listed in README.md.
 */
import { errorFields, jsonLine, messageFields } from './format.js';
import type { Reporter } from './reporter.js';
import type { Screen } from './screen.js';

const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

export function jsonReporter(screen: Screen): Reporter {
  const emit = (event: string, fields?: Record<string, unknown>): void => screen.out(jsonLine(event, fields));
  return {
    connecting: (url, attempt) => emit('connecting', { url, attempt }),
    open(event, url, offered) {
      emit('open', {
        url,
        reconnected: event.reconnected,
        attempt: event.attempt,
        protocol: event.protocol,
        offered,
        extensions: event.extensions,
        handshake: event.handshake,
      });
    },
    message: (data) => emit('message', messageFields(data)),
    ping: (data) => emit('ping', { length: data.length, hex: hexOf(data) }),
    pong: (data) => emit('pong', { length: data.length, hex: hexOf(data) }),
    disconnect: ({ code, reason, wasClean }) => emit('disconnect', { code, reason, wasClean }),
    reconnecting: ({ attempt, delay, lastClose }) => emit('reconnecting', { attempt, delay, lastCode: lastClose.code }),
    error: (error) => emit('error', errorFields(error)),
    drop: ({ data, error }) =>
      emit('drop', {
        ...(typeof data === 'string' || data instanceof Uint8Array ? messageFields(data) : {}),
        error: errorFields(error),
      }),
    close: ({ code, reason, wasClean, unsent }, exitCode) =>
      emit('close', { code, reason, wasClean, unsent: unsent.length, exitCode }),
    unsentInput: (lines) => emit('unsent-input', { lines }),
    note: () => {},
  };
}
