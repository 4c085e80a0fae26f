/**
 * The client's half of the RFC 6455 opening handshake, sans-I/O: the nonce, the accept value it implies, the
 * GET Upgrade request, and the rules for user headers that end up in it.
 *
 * Pure and synchronous. No `node:*`, no `Buffer`, no timers: the only globals used are
 * `crypto.getRandomValues` (default nonce source) and `TextEncoder` (Basic credentials).
 */
import { HANDSHAKE_GUID } from './constants.js';
import { InvalidArgumentError, InvalidStateError } from '../errors.js';
import { formatValue, quoteValue } from './format.js';
import { basicCredentials, DEFAULT_PORTS, encodeBase64, TOKEN } from './http-grammar.js';

/** RFC 6455 §4.1: "a randomly selected 16-byte value that has been base64-encoded". */
const NONCE_BYTES = 16;
/** RFC 6455 §4.1: "The value of this header field MUST be 13." */
const WEBSOCKET_VERSION = '13';

/**
 * RFC 7230 §3.2: `field-value = *( field-content / obs-fold )` with `field-vchar = VCHAR / obs-text`, SP and HTAB
 * between. We refuse obs-text too (bytes ≥ 0x80), so the request stays ASCII and no encoding question arises.
 */
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e]/;

/**
 * Request headers the handshake owns. A user value would break or duplicate the handshake (or smuggle a body),
 * so each entry says what to do instead. `Host` and `Authorization` are deliberately not here: see `validateHeaders`.
 */
const RESERVED_HEADERS: Readonly<Record<string, string>> = {
  upgrade: 'it is always "websocket"',
  connection: 'it is always "Upgrade"',
  'sec-websocket-key': 'a fresh key is generated for every attempt',
  'sec-websocket-version': 'it is always 13',
  'sec-websocket-accept': 'it is a response header',
  'sec-websocket-extensions': 'extensions are negotiated by sockline',
  'sec-websocket-protocol': 'use the `protocols` option instead',
  'content-length': 'the handshake request has no body',
  'transfer-encoding': 'the handshake request has no body',
};

/**
 * A fresh `Sec-WebSocket-Key`.
 *
 * RFC 6455 §4.1: "The value of this header field MUST be a nonce consisting of a randomly selected 16-byte value
 * that has been base64-encoded [...]. The nonce MUST be selected randomly for each connection."
 *
 * @param fill - Fills its argument with random bytes. Defaults to `globalThis.crypto.getRandomValues`; tests (and
 *   Node 18, which has no global `crypto`) inject their own.
 * @returns 24 base64 characters encoding 16 random bytes.
 */
export function createNonce(fill?: (bytes: Uint8Array) => void): string {
  const bytes = new Uint8Array(NONCE_BYTES);
  if (fill) {
    fill(bytes);
  } else {
    const crypto = (globalThis as { crypto?: { getRandomValues?: (b: Uint8Array) => Uint8Array } }).crypto;
    if (typeof crypto?.getRandomValues !== 'function') {
      throw new InvalidStateError(
        'globalThis.crypto.getRandomValues is not available: pass a `fill` function to createNonce ' +
          "(on Node 18, node:crypto's randomFillSync)",
      );
    }
    crypto.getRandomValues(bytes);
  }
  return encodeBase64(bytes);
}

/**
 * The `Sec-WebSocket-Accept` value a server must answer `key` with.
 *
 * RFC 6455 §4.1 (client check 4, mirroring the server's §4.2.2 step 5.4): "the base64-encoded SHA-1 of the concatenation of the
 * |Sec-WebSocket-Key| (as a string, not base64-decoded) with the string "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"".
 *
 * @param key - The `Sec-WebSocket-Key` that was sent.
 * @param sha1 - SHA-1 of the UTF-8 bytes of its input (20 bytes). Injected because WebCrypto's digest is async;
 *   Node passes `(s) => createHash('sha1').update(s).digest()`.
 */
export function acceptKey(key: string, sha1: (input: string) => Uint8Array): string {
  return encodeBase64(sha1(key + HANDSHAKE_GUID));
}

/** Everything `buildRequest` writes into the opening handshake request. */
export interface RequestOptions {
  /** `ws:` or `wss:` URL, already validated. Request-target = pathname + search; the fragment is never sent. */
  url: URL;
  /** `Sec-WebSocket-Key`, from `createNonce()`. */
  key: string;
  /** Subprotocols in order of preference, already checked by the options (`toProtocols`). Empty → no header. */
  protocols: string[];
  /** `Origin` header value, when one should be sent. */
  origin?: string;
  /** Extra request headers, already checked by `validateHeaders`. A `Host` here replaces the computed one. */
  headers?: Record<string, string>;
  /** `Sec-WebSocket-Extensions` offer; `''` or `undefined` offers none. */
  extensions?: string;
}

/**
 * The HTTP/1.1 GET Upgrade request that opens a WebSocket connection (RFC 6455 §4.1), as an ASCII string with CRLF
 * line ends, terminated by the empty line. Header order: Host, Upgrade, Connection, Sec-WebSocket-Key,
 * Sec-WebSocket-Version, Sec-WebSocket-Protocol, Origin, Sec-WebSocket-Extensions, Authorization (from URL
 * userinfo), then the user headers in insertion order.
 *
 * As the last line of defence against header injection, every value written is checked again for characters
 * outside HTAB and 0x20–0x7E; such a value throws `InvalidArgumentError` instead of reaching the wire.
 *
 * @throws InvalidArgumentError for a CR/LF/control/non-ASCII character in any value, an `Origin` given both as the
 *   `origin` option and as a header, or URL userinfo whose percent-encoding is broken.
 */
export function buildRequest(options: RequestOptions): string {
  const { url, key, protocols, origin, extensions } = options;
  const user = options.headers ?? {};
  const userNames = new Set(Object.keys(user).map((name) => name.toLowerCase()));

  // RFC 6455 §3: "Fragment identifiers are meaningless in the context of WebSocket URIs and MUST NOT be used",
  // and the resource name is '"/" if the path component is empty; the path component; "?" if the query
  // component is non-empty; the query component'. WHATWG URL already gives '/' for an empty special-scheme path
  // and '' for an empty query.
  const target = (url.pathname || '/') + url.search;

  const lines: string[] = [`GET ${target} HTTP/1.1`];
  const add = (name: string, value: string): void => {
    assertSafeValue(name, value);
    lines.push(`${name}: ${value}`);
  };

  // RFC 6455 §4.1: "The request MUST contain a |Host| header field whose value contains /host/ plus optionally
  // ":" followed by /port/ (when not using the default port)." WHATWG URL keeps IPv6 literals bracketed in
  // `hostname`; we still compare the port ourselves rather than trusting the scheme's default elision.
  // A user Host (see validateHeaders) takes this first position instead of being appended with the others.
  const userHost = Object.keys(user).find((name) => name.toLowerCase() === 'host');
  add('Host', userHost === undefined ? hostHeader(url) : user[userHost]);
  // RFC 6455 §4.1: "The request MUST contain an |Upgrade| header field whose value MUST include the "websocket"
  // keyword." and "a |Connection| header field whose value MUST include the "Upgrade" token."
  add('Upgrade', 'websocket');
  add('Connection', 'Upgrade');
  add('Sec-WebSocket-Key', key);
  add('Sec-WebSocket-Version', WEBSOCKET_VERSION);
  // RFC 6455 §4.1: "one or more comma-separated subprotocol[s] the client wishes to speak, ordered by preference".
  if (protocols.length > 0) add('Sec-WebSocket-Protocol', protocols.join(', '));
  if (origin !== undefined) {
    if (userNames.has('origin')) {
      throw new InvalidArgumentError(
        `Origin given twice: origin option ${quoteValue(origin)} and an Origin header: pass only one of them`,
      );
    }
    add('Origin', origin);
  }
  if (extensions) add('Sec-WebSocket-Extensions', extensions);
  // RFC 7617 Basic credentials from the URL's userinfo. An explicit Authorization header wins, as in ws and
  // Node's http.request.
  if ((url.username || url.password) && !userNames.has('authorization')) {
    add('Authorization', basicCredentials(url.username, url.password));
  }
  for (const name of Object.keys(user)) {
    if (name === userHost) continue;
    if (!TOKEN.test(name)) throw new InvalidArgumentError(`Invalid header name ${quoteValue(name)}: not an HTTP token`);
    add(name, user[name]);
  }
  // RFC 7230 §3: the header section ends with an empty line.
  return lines.join('\r\n') + '\r\n\r\n';
}

/**
 * Checks user-supplied request headers.
 *
 * Allowed: any RFC 7230 token name whose value has only HTAB and 0x20–0x7E, except the names in the reserved list
 * (Upgrade, Connection, Sec-WebSocket-Key/-Version/-Accept/-Extensions/-Protocol, Content-Length,
 * Transfer-Encoding). `Host` may be overridden, as in ws and Node's http.request (virtual hosts reached by IP,
 * tunnels), but not with an empty value: RFC 6455 §4.1 requires a Host naming the server. `Authorization` may be
 * set and then wins over URL userinfo. The same name given twice with different case is refused, since HTTP
 * names are case-insensitive and the result would be ambiguous.
 *
 * @throws InvalidArgumentError naming the header and saying what to do instead.
 */
export function validateHeaders(headers: Record<string, string>): void {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new InvalidArgumentError(`Invalid headers ${formatValue(headers)}: expected an object of name → value`);
  }
  const seen = new Map<string, string>();
  for (const name of Object.keys(headers)) {
    // RFC 7230 §3.2: "field-name = token".
    if (!TOKEN.test(name)) {
      throw new InvalidArgumentError(`Invalid header name ${quoteValue(name)}: header names must be HTTP tokens`);
    }
    const lower = name.toLowerCase();
    // Own properties only: a header named "constructor" or "__proto__" is just a header (issue 9 item 19).
    const reserved = Object.prototype.hasOwnProperty.call(RESERVED_HEADERS, lower) ? RESERVED_HEADERS[lower] : undefined;
    if (reserved !== undefined) {
      throw new InvalidArgumentError(`Header ${quoteValue(name)} cannot be set: ${reserved}`);
    }
    const previous = seen.get(lower);
    if (previous !== undefined) {
      throw new InvalidArgumentError(
        `Header ${quoteValue(name)} is given twice (also as ${quoteValue(previous)}): header names are case-insensitive`,
      );
    }
    seen.set(lower, name);
    const value = headers[name];
    if (typeof value !== 'string') {
      throw new InvalidArgumentError(`Invalid value ${formatValue(value)} for header ${quoteValue(name)}: expected a string`);
    }
    assertSafeValue(name, value);
    if (lower === 'host' && value.trim() === '') {
      throw new InvalidArgumentError('Invalid Host header "": it must name the server (host[:port])');
    }
  }
}

/** RFC 6455 §4.1 Host: hostname (IPv6 already bracketed by WHATWG URL) plus ":port" when not the default. */
function hostHeader(url: URL): string {
  const port = url.port;
  return port === '' || port === DEFAULT_PORTS[url.protocol] ? url.hostname : `${url.hostname}:${port}`;
}

/** Throws when a value would inject a line or a non-ASCII byte into the request. */
function assertSafeValue(name: string, value: string): void {
  const bad = INVALID_VALUE_CHAR.exec(value);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).padStart(2, '0');
    // The value is never printed: it is often a credential (issue 9 item 13). Its position says where to look.
    throw new InvalidArgumentError(
      `Invalid value for header ${quoteValue(name)}: character U+${code.toUpperCase().padStart(4, '0')} is not allowed ` +
        `(at index ${bad.index}; only HTAB and printable ASCII: CR, LF and NUL would break the request)`,
    );
  }
}
