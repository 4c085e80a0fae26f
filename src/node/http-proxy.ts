/**
 * The client side of an HTTP CONNECT tunnel (RFC 9110 §9.3.6), in the same bytes-in/bytes-out shape as
 * `SocksClient`, so `dial` drives both the same way.
 */
import { Buffer } from 'node:buffer';
import { isSocklineError, type HandshakeError } from '../errors.js';
import { proxyError } from '../protocol/proxy-error.js';
import { HttpResponseParser, quoteValue } from '../protocol/http-response-parser.js';
import type { SocksStep } from '../protocol/socks.js';

/** A proxy handshake: what `dial` runs between the proxy's TCP (or TLS) connection and the tunnel. */
export interface TunnelHandshake {
  start(): Uint8Array;
  /** @throws HandshakeError (`reason: 'proxy'`) */
  receive(chunk: Uint8Array): SocksStep;
  receiveEof(): HandshakeError;
  readonly waitingFor: string;
}

export interface HttpConnectOptions {
  host: string;
  port: number;
  username: string | undefined;
  password: string | undefined;
  /** The proxy as shown in messages (credentials hidden). */
  shown: string;
}

const EMPTY = new Uint8Array(0);
/** Longest part of a broken or cut-off answer quoted in a message. */
const MAX_QUOTED = 60;

export class HttpConnectClient implements TunnelHandshake {
  readonly #options: HttpConnectOptions;
  readonly #parser = new HttpResponseParser();
  /** The first bytes of the answer, for messages about a cut-off or broken one. */
  #seen = '';
  readonly waitingFor = 'its answer to CONNECT';

  constructor(options: HttpConnectOptions) {
    this.#options = options;
  }

  #authority(): string {
    const { host, port } = this.#options;
    return `${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  start(): Uint8Array {
    // RFC 9110 §9.3.6: "CONNECT server.example.com:80 HTTP/1.1 / Host: server.example.com:80".
    const authority = this.#authority();
    let request = `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n`;
    const { username, password } = this.#options;
    if (username !== undefined) {
      // RFC 7617 §2: user-pass = user-id ":" password, sent as UTF-8 (the charset every proxy we know accepts).
      request += `Proxy-Authorization: Basic ${Buffer.from(`${username}:${password ?? ''}`, 'utf8').toString('base64')}\r\n`;
    }
    return Buffer.from(`${request}\r\n`, 'latin1');
  }

  receive(chunk: Uint8Array): SocksStep {
    if (this.#seen.length < MAX_QUOTED) this.#seen += Buffer.from(chunk.subarray(0, MAX_QUOTED)).toString('latin1');
    let result;
    try {
      result = this.#parser.push(chunk);
    } catch (error) {
      if (!isSocklineError(error)) throw error;
      throw proxyError(
        'malformed',
        `Proxy ${this.#options.shown} sent an invalid answer to CONNECT ${this.#authority()}: ${error.message} ` +
          `(starting ${quoteValue(this.#seen.slice(0, MAX_QUOTED))}); is it an HTTP proxy?`,
        { cause: error },
      );
    }
    if (!result) return { send: EMPTY };
    const { head, rest } = result;
    // RFC 9110 §9.3.6: "Any 2xx (Successful) response indicates that the sender (and all inbound proxies) will
    // switch to tunnel mode immediately after the response header section".
    if (head.status < 200 || head.status > 299) {
      const hint =
        head.status === 407
          ? this.#options.username === undefined
            ? ': the proxy wants credentials; put user:password in the proxy URL'
            : ': the proxy refused the credentials in the proxy URL'
          : '';
      throw proxyError(
        'refused',
        `Proxy ${this.#options.shown} refused to open a tunnel to ${this.#authority()}: ${head.status}` +
          (head.statusText ? ` ${quoteValue(head.statusText).slice(1, -1)}` : '') +
          hint,
        { status: head.status, headers: head.headers },
      );
    }
    return { send: EMPTY, open: { rest } };
  }

  receiveEof(): HandshakeError {
    const seen = this.#seen;
    return proxyError(
      'closed',
      `Proxy ${this.#options.shown} closed the connection before answering CONNECT ${this.#authority()}` +
        (seen ? ` (received only ${quoteValue(seen.slice(0, MAX_QUOTED))})` : ' (nothing received)'),
    );
  }
}
