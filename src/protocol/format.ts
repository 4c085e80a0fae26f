/**
 * How foreign values appear in error messages, in every layer: one formatter, so that a header value, an
 * option and a close reason are shown the same way.
 */

/** Strings longer than this are cut (with an ellipsis) in messages. */
const MAX_QUOTED = 64;

/**
 * Formats a foreign value for an error message: double-quoted, with CR, LF, HTAB, backslash and quote escaped,
 * other control and non-ASCII characters as `\xNN` / `\u{…}`, and cut after 64 characters with an ellipsis.
 * Used for every received or user-given string, so every message quotes bytes the same way.
 */
export function quoteValue(value: string): string {
  const cut = value.length > MAX_QUOTED ? value.slice(0, MAX_QUOTED) : value;
  let escaped = '';
  for (const ch of cut) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\r') escaped += '\\r';
    else if (ch === '\n') escaped += '\\n';
    else if (ch === '\t') escaped += '\\t';
    else if (ch === '"') escaped += '\\"';
    else if (ch === '\\') escaped += '\\\\';
    else if (code < 0x20 || (code >= 0x7f && code <= 0xff)) escaped += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code > 0xff) escaped += `\\u{${code.toString(16)}}`;
    else escaped += ch;
  }
  return `"${escaped}${cut.length < value.length ? '…' : ''}"`;
}

/**
 * Any value for an error message: strings quoted (see `quoteValue`), functions, arrays and `null` by name, other
 * objects by their tag (`[object Object]`, `[object Blob]`), everything else as `String(value)`.
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return quoteValue(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value) return Array.isArray(value) ? 'an array' : Object.prototype.toString.call(value);
  return String(value);
}
