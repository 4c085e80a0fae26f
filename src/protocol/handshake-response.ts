/**
 * The server's half of the RFC 6455 opening handshake, sans-I/O: checks a response head against what was sent
 * (status, Upgrade, Connection, Sec-WebSocket-Accept, subprotocol, extensions) and parses the
 * `Sec-WebSocket-Extensions` grammar.
 *
 * Pure and synchronous: no `node:*`, no `Buffer`, no timers.
 */
import { HandshakeError } from '../errors.js';
import type { HandshakeFailure } from '../errors.js';
import { quoteValue } from './format.js';
import { parseExtensionHeader } from './extension-header.js';
import { splitList } from './http-grammar.js';
import type { HttpResponseHead } from './http-response-parser.js';
import { acceptDeflateResponse, type DeflateParams, type DeflateSettings } from './permessage-deflate.js';

/** HTTP status a successful opening handshake answers with (RFC 6455 §4.1, RFC 7231 §6.2.2). */
const SWITCHING_PROTOCOLS = 101;

/** What the client sent and so what the response must match. */
export interface ExpectedHandshake {
  /** The `Sec-WebSocket-Key` sent. */
  key: string;
  /** `acceptKey(key, sha1)`. */
  expectedAccept: string;
  /** Subprotocols offered (empty when none). */
  protocols: string[];
  /** Names of the extensions offered, when `deflate` is not given. */
  extensions: string[];
  /** permessage-deflate was offered with these settings: its answer is checked by `acceptDeflateResponse`. */
  deflate?: DeflateSettings;
}

/** What the opening handshake settled on. */
export interface NegotiatedHandshake {
  /** The subprotocol the server selected, `''` when none was offered. */
  protocol: string;
  /** The `Sec-WebSocket-Extensions` response value, `''` when none. */
  extensions: string;
  /** What permessage-deflate settled on, when it was offered and accepted. */
  perMessageDeflate?: DeflateParams;
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
    throw new HandshakeError(message, reason, { status: head.status, headers });
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
  const value = headers['sec-websocket-extensions'];
  if (expected.deflate !== undefined) {
    // RFC 7692 §5: the strict check of the answer (unknown or duplicate extensions and parameters, bad values).
    const params = acceptDeflateResponse(value, expected.deflate, { status: head.status, headers });
    return params ? { protocol, extensions: value as string, perMessageDeflate: params } : { protocol, extensions: '' };
  }
  const extensions = checkExtensions(value, expected.extensions, fail);
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
  // One grammar for the header (extension-header.ts, which permessage-deflate's negotiation uses too).
  const parsed = parseExtensionHeader(value);
  return typeof parsed === 'string' ? null : parsed.map(({ name, params }) => ({ name, params: params.map(([n, v]) => [n, v]) }));
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

function countHeader(head: HttpResponseHead, lowerName: string): number {
  let count = 0;
  for (const [name] of head.rawHeaders) if (name.toLowerCase() === lowerName) count++;
  return count;
}

/** A foreign value inside a sentence, escaped like `quoteValue` but without the quotes. */
function escapeText(value: string): string {
  return quoteValue(value).slice(1, -1);
}
