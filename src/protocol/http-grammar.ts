/**
 * The pieces of HTTP/1.1 grammar the handshake (and the proxy code in `node/`) share: tokens, lists, the
 * default ports, base64 and Basic credentials. Pure: no `Buffer`, no `btoa`.
 */
import { InvalidArgumentError } from '../errors.js';
import { quoteValue } from './format.js';

/**
 * RFC 7230 §3.2.6: `token = 1*tchar`, `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
 * "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA`. This is also exactly RFC 6455 §4.1's subprotocol alphabet
 * ("U+0021 to U+007E not including separator characters as defined in [RFC2616]").
 */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** RFC 6455 §3 and RFC 7230 §2.7.1: the default ports of the ws/wss and http/https schemes. */
export const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'ws:': '80', 'wss:': '443', 'http:': '80', 'https:': '443' };

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** RFC 7230 §7 list: split on commas, trim OWS, drop empty elements. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Base64 (RFC 4648 §4, with padding) without `Buffer` or `btoa`. */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += BASE64_ALPHABET[n >> 18] + BASE64_ALPHABET[(n >> 12) & 63] + BASE64_ALPHABET[(n >> 6) & 63] + BASE64_ALPHABET[n & 63];
  }
  const left = bytes.length - i;
  if (left === 1) {
    const n = bytes[i] << 16;
    out += BASE64_ALPHABET[n >> 18] + BASE64_ALPHABET[(n >> 12) & 63] + '==';
  } else if (left === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += BASE64_ALPHABET[n >> 18] + BASE64_ALPHABET[(n >> 12) & 63] + BASE64_ALPHABET[(n >> 6) & 63] + '=';
  }
  return out;
}

/**
 * The value of an `Authorization` or `Proxy-Authorization` header for Basic credentials taken from a URL.
 * RFC 7617 §2: user-pass = user-id ":" password, as octets (UTF-8, the charset RFC 7617 §2.1 defines), then
 * base64. WHATWG URL keeps userinfo percent-encoded; the credentials themselves are the decoded text.
 *
 * @param what - Names the URL in the error (`'URL'`, `'proxy'`).
 * @throws InvalidArgumentError when the percent-encoding is broken (`%zz`).
 */
export function basicCredentials(username: string, password: string, what = 'URL'): string {
  const credentials = `${decodeUserinfo(username, what, 'username')}:${decodeUserinfo(password, what, 'password')}`;
  return `Basic ${encodeBase64(new TextEncoder().encode(credentials))}`;
}

function decodeUserinfo(value: string, what: string, part: 'username' | 'password'): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new InvalidArgumentError(`Invalid ${what} ${part} ${quoteValue(value)}: broken percent-encoding`);
  }
}
