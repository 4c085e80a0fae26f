/**
 * Pure formatting of what the Socket reports: text lines for people (stderr for events, stdout for messages)
 * and one JSON object per event for scripts (`--json`). Nothing here writes.
 */
import type { SocklineError } from '../index.node.js';
import type { Paint } from './colors.js';

export const hex = (bytes: Uint8Array): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ');

/** A binary message or control payload for people: `<binary 4 bytes> de ad be ef`. */
export function describeBinary(bytes: Uint8Array, kind = 'binary'): string {
  const body = bytes.length ? ` ${hex(bytes)}` : '';
  return `<${kind} ${bytes.length} byte${bytes.length === 1 ? '' : 's'}>${body}`;
}

/** A control frame's payload: text when it is printable UTF-8, hex otherwise. */
export function describeControl(bytes: Uint8Array): string {
  if (bytes.length === 0) return '(empty)';
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // eslint-disable-next-line no-control-regex
    if (!/[\x00-\x1f\x7f]/.test(text)) return JSON.stringify(text);
  } catch {
    // not UTF-8: hex below
  }
  return describeBinary(bytes, 'data');
}

/** The fields an error carries beyond its message (status, reason, close code, phase, the system error code). */
export function errorDetails(error: SocklineError): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  const e = error as unknown as Record<string, unknown>;
  for (const field of ['status', 'reason', 'closeCode', 'phase', 'ms'] as const) {
    if (e[field] !== undefined) details[field] = e[field];
  }
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (typeof cause?.code === 'string') details.cause = cause.code;
  return details;
}

/** `NetworkError ERR_SOCKLINE_NETWORK: connect ECONNREFUSED 127.0.0.1:9 (cause ECONNREFUSED)`. */
export function describeError(error: SocklineError): string {
  const details = Object.entries(errorDetails(error))
    .filter(([name]) => name !== 'ms')
    .map(([name, value]) => `${name} ${String(value)}`);
  return `${error.name} ${error.code}: ${error.message}${details.length ? ` (${details.join(', ')})` : ''}`;
}

export const describeClose = (code: number, reason: string): string => `${code}${reason ? ` ${JSON.stringify(reason)}` : ''}`;

export interface HandshakeView {
  url: string;
  protocol: string;
  extensions: string;
  offered: readonly string[];
  handshake?: { key: string; expectedAccept: string; receivedAccept: string; status: number };
}

/** The opening handshake, aligned, as the demo prints it. */
export function handshakeLines(view: HandshakeView, p: Paint): string[] {
  const lines: string[] = [];
  const row = (name: string, value: string): void => {
    lines.push(`  ${name.padEnd(20)} ${value}`);
  };
  const h = view.handshake;
  if (h) {
    row('status', `${h.status} Switching Protocols`);
    row('Sec-WebSocket-Key', `${h.key} ${p.dim('(fresh 16-byte nonce)')}`);
    row('expected Accept', h.expectedAccept);
    const match = h.receivedAccept === h.expectedAccept;
    row('received Accept', `${h.receivedAccept} ${match ? p.green('(match)') : p.red('(MISMATCH)')}`);
  }
  const offered = view.offered.length ? ` ${p.dim(`(offered: ${view.offered.join(', ')})`)}` : '';
  row('subprotocol', `${view.protocol || '(none)'}${offered}`);
  row('extensions', view.extensions || '(none)');
  return lines;
}

/** One NDJSON line: `{"event": ..., "time": ISO-8601, ...fields}`. */
export function jsonLine(event: string, fields: Record<string, unknown> = {}, now = new Date()): string {
  return JSON.stringify({ event, time: now.toISOString(), ...fields });
}

/** A message as JSON fields: text as `data`, binary as `length` + `hex` (no spaces). */
export function messageFields(data: string | Uint8Array): Record<string, unknown> {
  if (typeof data === 'string') return { binary: false, data };
  return { binary: true, length: data.length, hex: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex') };
}

/** An error as JSON fields. */
export function errorFields(error: SocklineError): Record<string, unknown> {
  return { name: error.name, code: error.code, message: error.message, ...errorDetails(error) };
}
