/**
 * The client side of the RFC 6455 opening handshake, sans-I/O: build the GET Upgrade request,
 * validate user input that ends up in it, and check the server's response head.
 *
 * Pure and synchronous. No `node:*`, no `Buffer`, no timers: the only globals used are
 * `crypto.getRandomValues` (default nonce source) and `TextEncoder` (Basic credentials).
 */
import { HANDSHAKE_GUID } from './constants.js';
import { HandshakeError, InvalidArgumentError, InvalidStateError } from '../errors.js';
import type { HandshakeFailure } from '../errors.js';
import { quoteValue } from './http-response-parser.js';
import type { HttpResponseHead } from './http-response-parser.js';
import { TOKEN } from './token.js';

// RFC 6455 §4.1: "a randomly selected 16-byte value that has been base64-encoded".
const NONCE_BYTES = 16;
// RFC 6455 §4.1: "The value of this header field MUST be 13."
const WEBSOCKET_VERSION = '13';
// RFC 6455 §3: the default ports of the ws and wss schemes.
const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'ws:': '80', 'wss:': '443' };
// HTTP status a successful opening handshake answers with (RFC 6455 §4.1, RFC 7231 §6.2.2).
const SWITCHING_PROTOCOLS = 101;

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';


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
  /** Subprotocols in order of preference, already checked by `validateProtocols`. Empty → no header. */
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
  // RFC 7617 §2: user-pass = user-id ":" password, as octets (UTF-8, the charset RFC 7617 §2.1 defines), then
  // base64. An explicit Authorization header wins, as in ws and Node's http.request.
  if ((url.username || url.password) && !userNames.has('authorization')) {
    const credentials = `${decodeUserinfo(url.username, 'username')}:${decodeUserinfo(url.password, 'password')}`;
    add('Authorization', `Basic ${encodeBase64(new TextEncoder().encode(credentials))}`);
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
    throw new InvalidArgumentError(`Invalid headers ${describe(headers)}: expected an object of name → value`);
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
      throw new InvalidArgumentError(`Invalid value ${describe(value)} for header ${quoteValue(name)}: expected a string`);
    }
    assertSafeValue(name, value);
    if (lower === 'host' && value.trim() === '') {
      throw new InvalidArgumentError('Invalid Host header "": it must name the server (host[:port])');
    }
  }
}

/** What the client sent and so what the response must match. */
export interface ExpectedHandshake {
  /** The `Sec-WebSocket-Key` sent. */
  key: string;
  /** `acceptKey(key, sha1)`. */
  expectedAccept: string;
  /** Subprotocols offered (empty when none). */
  protocols: string[];
  /** Names of the extensions offered (empty today). */
  extensions: string[];
}

/** What the opening handshake settled on. */
export interface NegotiatedHandshake {
  /** The subprotocol the server selected, `''` when none was offered. */
  protocol: string;
  /** The `Sec-WebSocket-Extensions` response value, `''` when none. */
  extensions: string;
}

/**
 * Checks a server's response to the opening handshake (RFC 6455 §4.1, last set of steps, and the WHATWG
 * "establish a WebSocket connection" subprotocol rule). The checks run in this order and each failure is a
 * `HandshakeError` with its own `reason`, the response `status` and `headers`, and a message saying what was
 * received and what was expected: `status`, `upgrade`, `connection`, `accept`, `subprotocol`, `extension`.
 *
 * RFC 6455 lists the extension check (step 5) before the subprotocol check (step 6); both are fatal and
 * independent, and we report a subprotocol mismatch first because it is the more common cause.
 *
 * @returns The negotiated subprotocol and extensions.
 * @throws HandshakeError
 */
export function validateResponse(head: HttpResponseHead, expected: ExpectedHandshake): NegotiatedHandshake {
  const { headers } = head;
  const fail = (reason: HandshakeFailure, message: string): never => {
    throw new HandshakeError(reason, message, { status: head.status, headers });
  };

  // RFC 6455 §4.1 (1): "If the status code received from the server is not 101, the client handles the response
  // per HTTP [RFC2616] procedures." A client that does not follow redirects fails here.
  if (head.status !== SWITCHING_PROTOCOLS) {
    const received = head.statusText ? `${head.status} ${escapeText(head.statusText)}` : String(head.status);
    fail('status', `Unexpected server response: ${received} (expected 101 Switching Protocols)`);
  }
  // RFC 7230 §6.7: Upgrade is HTTP/1.1 ("A server MUST NOT switch protocols unless the received message semantics
  // can be honored by the new protocol"; an HTTP/1.0 peer cannot have understood our Upgrade).
  if (head.httpVersion !== '1.1') {
    fail('upgrade', `Server answered 101 with HTTP/${head.httpVersion}: a WebSocket upgrade needs HTTP/1.1`);
  }

  // RFC 6455 §4.1 (2): "If the response lacks an |Upgrade| header field or the |Upgrade| header field contains a
  // value that is not an ASCII case-insensitive match for the value "websocket", the client MUST _Fail the
  // WebSocket Connection_." Repeated Upgrade headers are joined with ", " and so fail too.
  const upgrade = headers['upgrade'];
  if (upgrade === undefined) {
    fail('upgrade', 'Server sent no Upgrade header (expected "Upgrade: websocket")');
  } else if (upgrade.toLowerCase() !== 'websocket') {
    fail('upgrade', `Server sent Upgrade: ${quoteValue(upgrade)} (expected "websocket")`);
  }

  // RFC 6455 §4.1 (3): "If the response lacks a |Connection| header field or the |Connection| header field
  // doesn't contain a token that is an ASCII case-insensitive match for the value "Upgrade", the client MUST
  // _Fail the WebSocket Connection_." Connection is a list (RFC 7230 §6.1: `Connection = 1#connection-option`).
  const connection = headers['connection'];
  if (connection === undefined) {
    fail('connection', 'Server sent no Connection header (expected one containing the "Upgrade" token)');
  } else if (!splitList(connection).some((option) => option.toLowerCase() === 'upgrade')) {
    fail('connection', `Server sent Connection: ${quoteValue(connection)} (expected the "Upgrade" token in it)`);
  }

  // RFC 6455 §4.1 (4): "If the response lacks a |Sec-WebSocket-Accept| header field or the |Sec-WebSocket-Accept|
  // contains a value other than the base64-encoded SHA-1 of [key + GUID] but ignoring any leading and trailing
  // whitespace, the client MUST _Fail the WebSocket Connection_." The parser already trimmed OWS; the compare is
  // exact. Two headers would be joined into a value that cannot match, but we name that case.
  const acceptCount = countHeader(head, 'sec-websocket-accept');
  const accept = headers['sec-websocket-accept'];
  if (accept === undefined) {
    fail('accept', `Server sent no Sec-WebSocket-Accept header (expected ${quoteValue(expected.expectedAccept)})`);
  } else if (acceptCount > 1) {
    fail('accept', `Server sent ${acceptCount} Sec-WebSocket-Accept headers (expected exactly one)`);
  } else if (accept !== expected.expectedAccept) {
    fail(
      'accept',
      `Server sent Sec-WebSocket-Accept: ${quoteValue(accept)} (expected ${quoteValue(expected.expectedAccept)} ` +
        `for key ${quoteValue(expected.key)})`,
    );
  }

  const protocol = checkSubprotocol(head, expected.protocols, fail);
  const extensions = checkExtensions(headers['sec-websocket-extensions'], expected.extensions, fail);
  return { protocol, extensions };
}

/** One element of a `Sec-WebSocket-Extensions` list: the extension name and its parameters in order. */
export interface ExtensionOffer {
  name: string;
  /** Parameter name → value; `true` for a parameter given without a value. Quoted-string values are unquoted. */
  params: [string, string | true][];
}

/**
 * Parses a `Sec-WebSocket-Extensions` value (RFC 6455 §9.1), for extension implementations that need the
 * parameters. Empty list elements are skipped (RFC 7230 §7: a recipient "MUST parse and ignore a reasonable
 * number of empty list elements").
 *
 * ```
 * Sec-WebSocket-Extensions = extension-list
 * extension-list = 1#extension
 * extension = extension-token *( ";" extension-param )
 * extension-param = token [ "=" (token | quoted-string) ]
 * ```
 * RFC 6455 §9.1 adds: "When using the quoted-string syntax variant, the value after quoted-string unescaping MUST
 * conform to the 'token' ABNF."
 *
 * @returns The elements, or `null` when the value does not match the grammar.
 */
export function parseExtensions(value: string): ExtensionOffer[] | null {
  const result: ExtensionOffer[] = [];
  let i = 0;
  const n = value.length;
  const skipOws = (): void => {
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && TOKEN.test(value[i])) i++;
    return value.slice(start, i);
  };
  while (i < n) {
    skipOws();
    if (i === n) break;
    if (value[i] === ',') {
      i++;
      continue;
    }
    const name = readToken();
    if (name === '') return null;
    const params: [string, string | true][] = [];
    skipOws();
    while (i < n && value[i] === ';') {
      i++;
      skipOws();
      const param = readToken();
      if (param === '') return null;
      skipOws();
      let paramValue: string | true = true;
      if (value[i] === '=') {
        i++;
        skipOws();
        if (value[i] === '"') {
          // RFC 7230 §3.2.6: quoted-string with quoted-pair ("\" followed by a character).
          i++;
          let unquoted = '';
          while (i < n && value[i] !== '"') {
            if (value[i] === '\\') i++;
            if (i >= n) return null;
            unquoted += value[i++];
          }
          if (i >= n) return null;
          i++;
          if (!TOKEN.test(unquoted)) return null;
          paramValue = unquoted;
        } else {
          paramValue = readToken();
          if (paramValue === '') return null;
        }
        skipOws();
      }
      params.push([param, paramValue]);
    }
    if (i < n && value[i] !== ',') return null;
    result.push({ name, params });
  }
  return result;
}

type Fail = (reason: HandshakeFailure, message: string) => never;

/** Subprotocol selection: RFC 6455 §4.1 (6) plus the WHATWG "must select one when offered" rule. */
function checkSubprotocol(head: HttpResponseHead, offered: string[], fail: Fail): string {
  const count = countHeader(head, 'sec-websocket-protocol');
  const selected = head.headers['sec-websocket-protocol'];
  const offeredList = offered.map((p) => quoteValue(p)).join(', ');
  if (selected === undefined) {
    // WHATWG WebSockets, establish a WebSocket connection: "If protocols is not the empty list and extracting
    // header list values given `Sec-WebSocket-Protocol` and response's header list results in null, failure, or
    // the empty byte sequence, then fail the WebSocket connection." Enforced here too so Node and browsers agree.
    if (offered.length > 0) fail('subprotocol', `Server sent no subprotocol (expected one of ${offeredList})`);
    return '';
  }
  // RFC 6455 §4.1 (6): "If the response includes a |Sec-WebSocket-Protocol| header field and this header field
  // indicates the use of a subprotocol that was not present in the client's handshake [...], the client MUST
  // _Fail the WebSocket Connection_." A header present without an offer fails even when empty (as in ws).
  if (offered.length === 0) {
    fail('subprotocol', `Server sent subprotocol ${quoteValue(selected)} but none was requested`);
  }
  if (count > 1) {
    fail('subprotocol', `Server sent ${count} Sec-WebSocket-Protocol headers (expected one, selecting one of ${offeredList})`);
  }
  // RFC 6455 §4.2.2: the server's /subprotocol/ is "Either a single value representing the subprotocol the server
  // is ready to use or null" — a list is not a selection.
  if (selected.includes(',')) {
    fail('subprotocol', `Server sent subprotocol list ${quoteValue(selected)} (expected exactly one of ${offeredList})`);
  }
  // Matching is case-sensitive: RFC 6455 defines no case folding for subprotocol names, and the selected value is
  // what `protocol` exposes byte-for-byte in browsers and ws.
  if (!offered.includes(selected)) {
    fail('subprotocol', `Server sent subprotocol ${quoteValue(selected)} (expected one of ${offeredList})`);
  }
  return selected;
}

/** RFC 6455 §4.1 (5) and §9.1. */
function checkExtensions(value: string | undefined, offered: string[], fail: Fail): string {
  if (value === undefined) return '';
  const parsed = parseExtensions(value);
  if (parsed === null) {
    fail('extension', `Server sent a malformed Sec-WebSocket-Extensions header: ${quoteValue(value)}`);
  }
  const used = new Set<string>();
  for (const { name } of parsed as ExtensionOffer[]) {
    // RFC 6455 §4.1 (5): "If the response includes a |Sec-WebSocket-Extensions| header field and this header field
    // indicates the use of an extension that was not present in the client's handshake [...], the client MUST
    // _Fail the WebSocket Connection_."
    if (!offered.includes(name)) {
      const wanted = offered.length > 0 ? `expected only ${offered.map((o) => quoteValue(o)).join(', ')}` : 'none was offered';
      fail('extension', `Server sent extension ${quoteValue(name)} in ${quoteValue(value)} (${wanted})`);
    }
    // The same extension accepted twice would claim the same RSV bits / opcodes twice; ws fails this as well.
    if (used.has(name)) fail('extension', `Server sent extension ${quoteValue(name)} twice in ${quoteValue(value)}`);
    used.add(name);
  }
  // Parameter semantics belong to the extension implementation (it can call parseExtensions); with nothing
  // accepted, the header was empty or only empty list elements.
  return used.size > 0 ? value : '';
}

/** RFC 6455 §4.1 Host: hostname (IPv6 already bracketed by WHATWG URL) plus ":port" when not the default. */
function hostHeader(url: URL): string {
  const port = url.port;
  return port === '' || port === DEFAULT_PORTS[url.protocol] ? url.hostname : `${url.hostname}:${port}`;
}

/** WHATWG URL keeps userinfo percent-encoded; the credentials themselves are the decoded text. */
function decodeUserinfo(value: string, part: 'username' | 'password'): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new InvalidArgumentError(`Invalid URL ${part} ${quoteValue(value)}: broken percent-encoding`);
  }
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

function countHeader(head: HttpResponseHead, lowerName: string): number {
  let count = 0;
  for (const [name] of head.rawHeaders) if (name.toLowerCase() === lowerName) count++;
  return count;
}

/** RFC 7230 §7 list: split on commas, trim OWS, drop empty elements. */
function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Base64 (RFC 4648 §4, with padding) without `Buffer` or `btoa`. */
function encodeBase64(bytes: Uint8Array): string {
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

/** A foreign value inside a sentence, escaped like `quoteValue` but without the quotes. */
function escapeText(value: string): string {
  return quoteValue(value).slice(1, -1);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return quoteValue(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
