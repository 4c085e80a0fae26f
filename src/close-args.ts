/** The user-facing close rules, shared by `close()` and `reconnect()` in both runtimes. */
import { brief, DEV } from './dev.js';
import { InvalidArgumentError } from './errors.js';
import { formatValue } from './protocol/format.js';
import { byteLength } from './send-queue.js';

/**
 * Validate the arguments of `close()`/`reconnect()`: the code is absent, 1000, or 3000-4999 (the other 1xxx codes
 * describe the protocol's own failures); the reason is a string of at most 123 UTF-8 bytes (RFC 6455 §5.5: a
 * control frame carries 125 bytes, two of them the code) and needs a code (RFC 6455 §5.5.1).
 */
export function assertCloseArgs(code: number | undefined, reason: string | undefined): void {
  if (code !== undefined && code !== 1000 && !(Number.isInteger(code) && code >= 3000 && code <= 4999)) {
    throw new InvalidArgumentError(
      DEV ? `Invalid close code ${formatValue(code)}: close() accepts 1000 or 3000-4999` : brief('Invalid close code', 'methods'),
    );
  }
  if (reason === undefined) return;
  const text = typeof reason === 'string';
  const bytes = text ? byteLength(reason) : 0;
  if (!text || bytes > 123 || (code === undefined && reason)) {
    throw new InvalidArgumentError(
      DEV
        ? `Invalid close reason ${text ? `of ${bytes} bytes` : formatValue(reason)}: close() takes a code, then a string of at most 123 UTF-8 bytes`
        : brief('Invalid close reason', 'methods'),
    );
  }
}
