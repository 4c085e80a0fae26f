/**
 * Hex for byte vectors in tests: `hex('81 05 48656c6c6f')` → bytes (whitespace ignored), `toHex(bytes)` → lower-case
 * hex without separators. Pure (no Buffer), so the protocol tests and the fuzz model can use them too.
 */

const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** The bytes spelled by `text`: pairs of hex digits; whitespace between them is ignored. Anything else throws. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`hex(): not pairs of hex digits: ${JSON.stringify(text)}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** `bytes` as lower-case hex, two digits a byte, no separators (views are read at their own offset). */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_HEX[bytes[i]];
  return out;
}
