/**
 * How foreign values appear in error messages, in every layer: one formatter, so that a header value, an
 * option and a close reason are shown the same way.
 */

/** Strings longer than this are cut (with an ellipsis) in messages. */
const MAX_QUOTED = 64;

/** The characters written as a backslash and a letter (or themselves). */
const ESCAPES: Record<string, string> = { '\r': 'r', '\n': 'n', '\t': 't', '"': '"', '\\': '\\' };

/**
 * Formats a foreign value for an error message: double-quoted, with CR, LF, HTAB, backslash and quote escaped,
 * other control and non-ASCII characters as `\xNN` / `\u{…}`, and cut after 64 characters with an ellipsis.
 * Used for every received or user-given string, so every message quotes bytes the same way.
 */
export function quoteValue(value: string): string {
  const cut = value.slice(0, MAX_QUOTED);
  // Everything but printable ASCII other than `"` and `\`, a whole code point at a time (`u`).
  const escaped = cut.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/gu, (ch) => {
    const code = ch.codePointAt(0) as number;
    return '\\' + (ESCAPES[ch] ?? (code > 0xff ? `u{${code.toString(16)}}` : `x${code.toString(16).padStart(2, '0')}`));
  });
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
