/**
 * IP literal parsing for NO_PROXY matching and option checks. Pure (no `node:net`), so the option checks that
 * use it can be imported anywhere. Addresses become bigints: IPv4 in 32 bits, IPv6 in 128.
 */

export interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

/** Strict dotted quad (what WHATWG URL normalises every IPv4 host to). */
export function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

/** RFC 4291 §2.2 text forms, including `::` and a trailing dotted quad; no zone ids. */
export function parseIPv6(text: string): bigint | undefined {
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(':')) return undefined;
  let tail: bigint | undefined;
  let words = text;
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) !== -1) {
    tail = parseIPv4(text.slice(lastColon + 1));
    if (tail === undefined) return undefined;
    words = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = words.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const rest = halves.length === 2 ? (halves[1] === '' ? [] : halves[1].split(':')) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let value = 0n;
  for (const word of all) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(word)) return undefined;
    value = (value << 16n) | BigInt(parseInt(word, 16));
  }
  if (tail !== undefined) value = (value & ~0xffffffffn) | tail;
  return value;
}

/** An IPv4 or IPv6 literal (IPv6 with or without brackets), or undefined for anything else. */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const v6 = parseIPv6(text);
  return v6 === undefined ? undefined : { version: 6, value: v6 };
}

const MAPPED_PREFIX = 0xffffn << 32n;

/** 127.0.0.0/8, ::1, and IPv4-mapped ::ffff:127.0.0.0/104. */
export function isLoopbackIp(ip: IpAddress): boolean {
  if (ip.version === 4) return ip.value >> 24n === 127n;
  if (ip.value === 1n) return true;
  return ip.value >> 32n === 0xffffn && (ip.value & 0xffffffffn) >> 24n === 127n && (ip.value & ~0xffffffffn) === MAPPED_PREFIX;
}

/** Whether `ip` lies in `network`/`prefix` (same version only). */
export function inCidr(ip: IpAddress, network: IpAddress, prefix: number): boolean {
  if (ip.version !== network.version) return false;
  const bits = BigInt(ip.version === 4 ? 32 : 128);
  const shift = bits - BigInt(prefix);
  return ip.value >> shift === network.value >> shift;
}
