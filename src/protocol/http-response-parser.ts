/**
 * An incremental, strict parser for an HTTP/1.1 response head: the server's answer to the opening handshake
 * (RFC 6455 §4.1) and an HTTP CONNECT proxy's reply (RFC 7231 §4.3.6). Sans-I/O: bytes in, a head out.
 *
 * Strictness, and why:
 * - Lines must end in CRLF. RFC 7230 §3.5 says a recipient MAY accept a bare LF; we do not, because a 101 is
 *   machine-generated and a lenient line split is how response-splitting ambiguities start. A bare LF or a CR
 *   not followed by LF is `malformed`.
 * - obs-fold (a header line starting with SP or HTAB) is `malformed`. This is stricter than RFC 9112 §5.2 (and
 *   RFC 7230 §3.2.4), which tells a user agent to replace each obs-fold with SP; obs-fold is deprecated, no
 *   WebSocket server or CONNECT proxy we know of folds, and a folded Sec-WebSocket-Accept should not pass.
 * - Whitespace between a header name and its colon is `malformed` (RFC 7230 §3.2.4: "No whitespace is allowed
 *   between the header field-name and colon").
 * - The version must be HTTP/1.x; HTTP/1.0 is accepted because CONNECT proxies commonly answer with it.
 * - Header values are decoded as ISO-8859-1 (one byte, one char), so obs-text survives unchanged; other control
 *   characters (except HTAB) are `malformed`.
 */
import { DEFAULT_MAX_HEADER_BYTES } from './constants.js';
import { HandshakeError, InvalidArgumentError, InvalidStateError } from '../errors.js';
import { quoteValue } from './format.js';
import { TOKEN } from './http-grammar.js';

/** Re-exported for the proxy code (`node/dial.ts`), which quotes what a proxy answered the same way. */
export { quoteValue };

const CR = 0x0d;
const LF = 0x0a;
// RFC 7230 §2.6: HTTP-version = HTTP-name "/" DIGIT "." DIGIT, HTTP-name = %x48.54.54.50 ; "HTTP"
const HTTP_NAME_SLASH = 'HTTP/';
/**
 * RFC 7230 §3.1.2: `status-line = HTTP-version SP status-code SP reason-phrase CRLF`, `status-code = 3DIGIT`.
 * The SP before an empty reason-phrase is optional here: Node's llhttp accepts "HTTP/1.1 101" too.
 */
const STATUS_LINE = /^HTTP\/(1\.[0-9]) ([0-9]{3})(?: ([\s\S]*))?$/;
// RFC 7230 §3.2 / §3.1.2: field-value and reason-phrase allow HTAB, SP, VCHAR and obs-text, nothing else.
const INVALID_TEXT = /[\x00-\x08\x0a-\x1f\x7f]/;

/** A parsed HTTP response head. */
export interface HttpResponseHead {
  /** Status code, e.g. 101. */
  status: number;
  /** Reason phrase, e.g. "Switching Protocols" ('' when the server sent none). */
  statusText: string;
  /** "1.1" or "1.0" (without the "HTTP/" prefix, as Node's `IncomingMessage.httpVersion`). */
  httpVersion: string;
  /**
   * Lower-case names → values, OWS trimmed; a repeated header's values joined with ", " (RFC 7230 §3.2.2).
   * The object has no prototype, so a header named "__proto__" or "constructor" is just a header.
   */
  headers: Record<string, string>;
  /** Every header line as received: [name as sent, trimmed value], in order. */
  rawHeaders: [string, string][];
}

/** What `push` returns once the head is complete. */
export interface HttpResponseParseResult {
  head: HttpResponseHead;
  /**
   * Every byte received after the blank line that ends the head (the server's first WebSocket frames may share
   * the chunk). A copy: it does not alias the chunk passed to `push`. Empty when nothing followed.
   */
  rest: Uint8Array;
}

/**
 * Incremental HTTP/1.1 response-head parser.
 *
 * Feed it bytes as they arrive, in any chunking (one byte at a time works); it returns `null` until the blank line
 * is seen, then the head and the bytes after it. Each byte is examined once and the head is never re-concatenated,
 * so the work is linear in the head size. A status line that cannot be HTTP fails as soon as its first bytes are
 * seen, without waiting for the rest of the head.
 *
 * Single use: after the result (or an error) every further `push` throws (the same error, or InvalidStateError).
 */
export class HttpResponseParser {
  readonly #maxHeaderBytes: number;
  /** Bytes of the head consumed so far, line ends included. */
  #size = 0;
  /** Bytes of the current line (CR and LF excluded). */
  #line: number[] = [];
  /** The previous byte was a CR, so this one must be LF. */
  #afterCR = false;
  #status = -1;
  #statusText = '';
  #httpVersion = '';
  /** No prototype, made from {} so it keeps fast properties (Object.create(null) is a dictionary: ~200 B more per open connection, which keeps the handshake headers). */
  #headers: Record<string, string> = Object.setPrototypeOf({}, null) as Record<string, string>;
  #rawHeaders: [string, string][] = [];
  #done = false;
  #error: HandshakeError | undefined;

  /**
   * @param maxHeaderBytes - Largest accepted head, status line, header lines and the final blank line (CRLFs
   *   included). Default DEFAULT_MAX_HEADER_BYTES (16 KiB): raise it only for servers that send huge cookies.
   */
  constructor(maxHeaderBytes: number = DEFAULT_MAX_HEADER_BYTES) {
    if (!Number.isSafeInteger(maxHeaderBytes) || maxHeaderBytes < 1) {
      throw new InvalidArgumentError(
        `Invalid maxHeaderBytes ${String(maxHeaderBytes)}: expected a positive integer number of bytes`,
      );
    }
    this.#maxHeaderBytes = maxHeaderBytes;
  }

  /**
   * Consumes the next bytes from the connection.
   *
   * @returns `null` while the head is incomplete; then the head and the bytes that followed it.
   * @throws HandshakeError `'headers-too-large'` once more than `maxHeaderBytes` arrived without the end of the
   *   head; `'malformed'` for a bad status line, header line or line ending (the message quotes what was received,
   *   escaped and truncated).
   * @throws InvalidStateError when called again after the head was returned.
   */
  push(chunk: Uint8Array): HttpResponseParseResult | null {
    if (this.#error) throw this.#error;
    if (this.#done) {
      throw new InvalidStateError('HttpResponseParser already returned the response head: pass later bytes to the frame parser');
    }
    try {
      return this.#consume(chunk);
    } catch (error) {
      if (error instanceof HandshakeError) this.#error = error;
      throw error;
    }
  }

  #consume(chunk: Uint8Array): HttpResponseParseResult | null {
    const line = this.#line;
    for (let i = 0; i < chunk.length; i++) {
      if (++this.#size > this.#maxHeaderBytes) {
        throw this.#fail(
          'headers-too-large',
          `Response head exceeds ${this.#maxHeaderBytes} bytes (maxHeaderBytes) without the blank line that ends it`,
        );
      }
      const byte = chunk[i];
      if (this.#afterCR) {
        // RFC 9112 §2.2: "A recipient of such a bare CR MUST consider that element to be invalid or replace each
        // bare CR with SP"; we take the first option.
        if (byte !== LF) throw this.#malformed(`CR not followed by LF in ${quoteValue(decodeLatin1(line))}`);
        this.#afterCR = false;
        if (this.#endLine()) {
          this.#done = true;
          return { head: this.#head(), rest: chunk.slice(i + 1) };
        }
        continue;
      }
      if (byte === CR) {
        this.#afterCR = true;
      } else if (byte === LF) {
        // RFC 7230 §3.5 lets a recipient "recognize a single LF as a line terminator"; we require CRLF (see above).
        throw this.#malformed(`bare LF after ${quoteValue(decodeLatin1(line))} (expected CRLF line endings)`);
      } else {
        line.push(byte);
        // Fail fast on something that is not HTTP at all (a TLS alert, an SSH banner): RFC 7230 §3.1.2, the
        // status line starts with HTTP-version.
        if (this.#status < 0 && line.length <= HTTP_NAME_SLASH.length && byte !== HTTP_NAME_SLASH.charCodeAt(line.length - 1)) {
          throw this.#malformed(`status line starting ${quoteValue(decodeLatin1(line))} (expected "HTTP/1.1 <status> <reason>")`);
        }
      }
    }
    return null;
  }

  /** Handles the complete current line. Returns true when it was the blank line that ends the head. */
  #endLine(): boolean {
    const text = decodeLatin1(this.#line);
    this.#line.length = 0;

    if (this.#status < 0) {
      // RFC 7230 §3.1.2: status-line = HTTP-version SP status-code SP reason-phrase CRLF
      const match = STATUS_LINE.exec(text);
      if (!match || INVALID_TEXT.test(match[3] ?? '')) {
        throw this.#malformed(`status line ${quoteValue(text)} (expected "HTTP/1.1 <3-digit status> <reason>")`);
      }
      this.#httpVersion = match[1];
      this.#status = Number(match[2]);
      this.#statusText = match[3] ?? '';
      return false;
    }

    // RFC 7230 §3: the header section ends with an empty line.
    if (text === '') return true;

    // RFC 7230 §3.2.4: "obs-fold [...] deprecated". Rejected rather than replaced with SP (see the file comment).
    if (text[0] === ' ' || text[0] === '\t') {
      throw this.#malformed(`folded header line ${quoteValue(text)} (obs-fold is not accepted)`);
    }

    // RFC 7230 §3.2: header-field = field-name ":" OWS field-value OWS, field-name = token.
    const colon = text.indexOf(':');
    const name = colon > 0 ? text.slice(0, colon) : '';
    if (!TOKEN.test(name)) {
      throw this.#malformed(`header line ${quoteValue(text)} (expected "name: value" with a token name)`);
    }
    const value = trimOws(text.slice(colon + 1));
    if (INVALID_TEXT.test(value)) {
      throw this.#malformed(`control character in header ${quoteValue(name)}: ${quoteValue(value)}`);
    }
    this.#rawHeaders.push([name, value]);
    const lower = name.toLowerCase();
    const previous = this.#headers[lower];
    // RFC 7230 §3.2.2: repeated fields combine "by appending each subsequent field value to the combined field
    // value in order, separated by a comma".
    this.#headers[lower] = previous === undefined ? value : `${previous}, ${value}`;
    return false;
  }

  #head(): HttpResponseHead {
    return {
      status: this.#status,
      statusText: this.#statusText,
      httpVersion: this.#httpVersion,
      headers: this.#headers,
      rawHeaders: this.#rawHeaders,
    };
  }

  #malformed(detail: string): HandshakeError {
    return this.#fail('malformed', `Malformed HTTP response: ${detail}`);
  }

  #fail(reason: 'malformed' | 'headers-too-large', message: string): HandshakeError {
    const known = this.#status >= 0;
    return new HandshakeError(message, reason, {
      status: known ? this.#status : undefined,
      headers: known ? { ...this.#headers } : undefined,
    });
  }
}

/** ISO-8859-1: one byte, one char. (TextDecoder('latin1') is windows-1252 per WHATWG Encoding, which remaps 0x80–0x9F.) */
function decodeLatin1(bytes: number[]): string {
  let out = '';
  const step = 4096;
  for (let i = 0; i < bytes.length; i += step) {
    out += String.fromCharCode.apply(null, bytes.slice(i, i + step));
  }
  return out;
}

/** RFC 7230 §3.2.3: OWS = *( SP / HTAB ). */
function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value[start] === ' ' || value[start] === '\t')) start++;
  while (end > start && (value[end - 1] === ' ' || value[end - 1] === '\t')) end--;
  return value.slice(start, end);
}
