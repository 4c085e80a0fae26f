/**
 * The client side of a SOCKS handshake (SOCKS5: RFC 1928 with RFC 1929 username/password authentication;
 * SOCKS4 and its 4a extension for names), without I/O: `start()` gives the first bytes to send, `receive()` takes
 * the proxy's bytes in any chunking and returns what to send next, until the tunnel is open. The transport
 * writes, reads and runs the deadline. Only CONNECT is implemented (a WebSocket needs nothing else).
 *
 * Every refusal is a `HandshakeError` with `reason: 'proxy'`, a `proxyFailure` code and a message that quotes the
 * reply code and its meaning. Nothing here throws anything else because of the proxy.
 */
import { InvalidArgumentError, type HandshakeError, type ProxyFailure } from '../errors.js';
import { proxyError } from './proxy-error.js';

export interface SocksOptions {
  version: 4 | 5;
  /**
   * Where the tunnel goes: an IP literal (IPv6 without brackets) is sent as an address; a name is sent as a name
   * for the proxy to resolve (SOCKS5 ATYP 3, SOCKS4a). Plain SOCKS4 takes IPv4 only: resolve first.
   */
  host: string;
  port: number;
  /** SOCKS5: RFC 1929 credentials (offered only when set). SOCKS4: `username` is the USERID. */
  username?: string;
  password?: string;
  /** How the proxy is named in messages (credentials already hidden). */
  shown: string;
}

/** What `receive()` asks the caller to do. */
export interface SocksStep {
  /** Bytes to send to the proxy now (empty: nothing, wait for more). */
  send: Uint8Array;
  /** Set once the tunnel is open: the bytes that came after the reply belong to the server. */
  open?: { rest: Uint8Array };
}

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

// RFC 1928 §3: METHOD values.
const NO_AUTH = 0x00;
const USERNAME_PASSWORD = 0x02;
const NO_ACCEPTABLE_METHODS = 0xff;
// RFC 1928 §4/§5: CMD CONNECT, ATYP values.
const CONNECT = 0x01;
const ATYP_IPV4 = 0x01;
const ATYP_DOMAIN = 0x03;
const ATYP_IPV6 = 0x04;

/** RFC 1928 §6: REP values. */
const SOCKS5_REPLIES: Record<number, [ProxyFailure, string]> = {
  0x01: ['general-failure', 'general SOCKS server failure'],
  0x02: ['not-allowed', 'connection not allowed by ruleset'],
  0x03: ['network-unreachable', 'network unreachable'],
  0x04: ['host-unreachable', 'host unreachable'],
  0x05: ['connection-refused', 'connection refused'],
  0x06: ['ttl-expired', 'TTL expired'],
  0x07: ['command-not-supported', 'command not supported'],
  0x08: ['address-type-not-supported', 'address type not supported'],
};

/** SOCKS4 reply CD values (90 = granted). */
const SOCKS4_REPLIES: Record<number, [ProxyFailure, string]> = {
  91: ['rejected', 'request rejected or failed'],
  92: ['identd-unreachable', 'request rejected: the proxy cannot reach identd on the client'],
  93: ['identd-mismatch', 'request rejected: identd reported a different user id'],
};

type Phase = 'method' | 'auth' | 'reply' | 'open' | 'failed';

/** An IPv4 literal as 4 bytes, or undefined. */
function ipv4Bytes(host: string): Uint8Array | undefined {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return Uint8Array.from(parts.map(Number));
}

/** An IPv6 literal as 16 bytes, or undefined (no embedded IPv4 form: callers pass what `net` resolved). */
function ipv6Bytes(host: string): Uint8Array | undefined {
  if (!host.includes(':') || !/^[0-9A-Fa-f:]+$/.test(host)) return undefined;
  const halves = host.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const words = [...head, ...Array<string>(halves.length === 2 ? fill : 0).fill('0'), ...tail];
  if (!words.every((w) => /^[0-9A-Fa-f]{1,4}$/.test(w))) return undefined;
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    const n = parseInt(w, 16);
    bytes[2 * i] = n >> 8;
    bytes[2 * i + 1] = n & 0xff;
  });
  return bytes;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const hex = (byte: number): string => '0x' + byte.toString(16).padStart(2, '0');

export class SocksClient {
  readonly #options: SocksOptions;
  #phase: Phase;
  /** Received bytes not consumed yet. */
  #buffer: Uint8Array = EMPTY;

  /** @throws InvalidArgumentError when the target cannot be expressed in this SOCKS version. */
  constructor(options: SocksOptions) {
    this.#options = options;
    this.#phase = options.version === 5 ? 'method' : 'reply';
    if (options.port < 1 || options.port > 65535 || !Number.isInteger(options.port)) {
      throw new InvalidArgumentError(`Invalid SOCKS target port ${options.port}`);
    }
    if (options.version === 4 && ipv6Bytes(options.host)) {
      throw new InvalidArgumentError(
        `SOCKS4 proxy ${options.shown} cannot reach the IPv6 address ${options.host}: use socks5:// or socks5h://`,
      );
    }
    if (
      options.version === 5 &&
      !ipv4Bytes(options.host) &&
      !ipv6Bytes(options.host) &&
      encoder.encode(options.host).length > 255
    ) {
      throw new InvalidArgumentError('SOCKS5 host names are at most 255 bytes (RFC 1928 §5)');
    }
  }

  /** Where the handshake is, for timeout messages. */
  get waitingFor(): string {
    switch (this.#phase) {
      case 'method':
        return 'its choice of authentication method';
      case 'auth':
        return 'its answer to our username/password';
      default:
        return 'its answer to CONNECT';
    }
  }

  /** The first bytes to send: the SOCKS5 greeting, or the whole SOCKS4 request. */
  start(): Uint8Array {
    const { version, username } = this.#options;
    if (version === 4) return this.#socks4Request();
    // RFC 1928 §3: VER | NMETHODS | METHODS. Username/password is offered only when we have credentials.
    return username !== undefined ? Uint8Array.of(5, 2, NO_AUTH, USERNAME_PASSWORD) : Uint8Array.of(5, 1, NO_AUTH);
  }

  /** The proxy's bytes. @throws HandshakeError (`reason: 'proxy'`) when it refused or broke the protocol. */
  receive(chunk: Uint8Array): SocksStep {
    if (this.#phase === 'open' || this.#phase === 'failed')
      throw new Error(`SocksClient.receive() after the handshake ${this.#phase === 'open' ? 'completed' : 'failed'}`);
    this.#buffer = concat(this.#buffer, chunk);
    const out: Uint8Array[] = [];
    for (;;) {
      const step = this.#step();
      if (step === undefined) return { send: out.length === 1 ? out[0] : out.reduce(concat, EMPTY) };
      if (step.open) return { send: out.reduce(concat, EMPTY), open: step.open };
      out.push(step.send);
    }
  }

  /**
   * The proxy ended the connection. Returns the error that describes it (the handshake cannot complete any more).
   */
  receiveEof(): HandshakeError {
    const got = this.#buffer.length;
    this.#phase = 'failed';
    return proxyError(
      'closed',
      `SOCKS${this.#options.version} proxy ${this.#options.shown} closed the connection before ${this.waitingFor.replace(/^its/, 'sending its')}` +
        (got ? ` (${got} byte${got === 1 ? '' : 's'} of it received)` : ''),
    );
  }

  /** Consume one message from the buffer if complete: bytes to send, or `open`, or undefined (need more). */
  #step(): SocksStep | undefined {
    const b = this.#buffer;
    switch (this.#phase) {
      case 'method': {
        if (b.length < 2) return undefined;
        if (b[0] !== 5)
          this.#fail(
            'malformed',
            `answered the SOCKS5 greeting with version ${hex(b[0])} (expected 0x05): is it a SOCKS5 proxy?`,
          );
        const method = b[1];
        this.#consume(2);
        if (method === NO_ACCEPTABLE_METHODS) {
          this.#fail(
            'no-acceptable-auth',
            this.#options.username !== undefined
              ? 'accepted none of our authentication methods (none, username/password)'
              : 'requires authentication (it accepted no method without credentials): put user:password in the proxy URL',
          );
        }
        if (method === USERNAME_PASSWORD && this.#options.username !== undefined) {
          this.#phase = 'auth';
          // RFC 1929 §2: VER=1 | ULEN | UNAME | PLEN | PASSWD.
          const user = encoder.encode(this.#options.username);
          const pass = encoder.encode(this.#options.password ?? '');
          const message = new Uint8Array(3 + user.length + pass.length);
          message[0] = 1;
          message[1] = user.length;
          message.set(user, 2);
          message[2 + user.length] = pass.length;
          message.set(pass, 3 + user.length);
          return { send: message };
        }
        if (method !== NO_AUTH) this.#fail('malformed', `chose authentication method ${hex(method)}, which we did not offer`);
        this.#phase = 'reply';
        return { send: this.#socks5Request() };
      }
      case 'auth': {
        if (b.length < 2) return undefined;
        const [version, status] = b;
        this.#consume(2);
        if (version !== 1)
          this.#fail(
            'malformed',
            `answered username/password authentication with version ${hex(version)} (expected 0x01, RFC 1929)`,
          );
        if (status !== 0)
          this.#fail(
            'auth-failed',
            `refused the username/password (RFC 1929 status ${hex(status)}): check the credentials in the proxy URL`,
          );
        this.#phase = 'reply';
        return { send: this.#socks5Request() };
      }
      case 'reply':
        return this.#options.version === 5 ? this.#socks5Reply(b) : this.#socks4Reply(b);
      default:
        return undefined;
    }
  }

  #socks5Reply(b: Uint8Array): SocksStep | undefined {
    // RFC 1928 §6: VER | REP | RSV | ATYP | BND.ADDR | BND.PORT
    if (b.length < 2) return undefined;
    if (b[0] !== 5) this.#fail('malformed', `answered CONNECT with version ${hex(b[0])} (expected 0x05)`);
    const rep = b[1];
    if (rep !== 0) {
      const [failure, meaning] = SOCKS5_REPLIES[rep] ?? ['unknown-reply', 'unassigned reply code'];
      this.#fail(failure, `refused the tunnel to ${this.#target()}: reply ${hex(rep)} (${meaning})`);
    }
    if (b.length < 4) return undefined;
    if (b[2] !== 0) this.#fail('malformed', `answered CONNECT with reserved byte ${hex(b[2])} (must be 0x00)`);
    const atyp = b[3];
    if (atyp !== ATYP_IPV4 && atyp !== ATYP_IPV6 && atyp !== ATYP_DOMAIN) {
      this.#fail('malformed', `answered CONNECT with address type ${hex(atyp)} (expected 0x01, 0x03 or 0x04)`);
    }
    if (atyp === ATYP_DOMAIN && b.length < 5) return undefined;
    const addressLength = atyp === ATYP_IPV4 ? 4 : atyp === ATYP_IPV6 ? 16 : 1 + b[4];
    const length = 4 + addressLength + 2;
    if (b.length < length) return undefined;
    return this.#open(length);
  }

  #socks4Reply(b: Uint8Array): SocksStep | undefined {
    // SOCKS4: VN=0 | CD | DSTPORT(2) | DSTIP(4)
    if (b.length < 2) return undefined;
    if (b[0] !== 0) this.#fail('malformed', `answered with reply version ${hex(b[0])} (expected 0x00): is it a SOCKS4 proxy?`);
    const cd = b[1];
    if (cd !== 90) {
      const [failure, meaning] = SOCKS4_REPLIES[cd] ?? ['unknown-reply', 'unassigned reply code'];
      this.#fail(failure, `refused the tunnel to ${this.#target()}: reply ${cd} (${meaning})`);
    }
    if (b.length < 8) return undefined;
    return this.#open(8);
  }

  #open(length: number): SocksStep {
    const rest = this.#buffer.slice(length);
    this.#buffer = EMPTY;
    this.#phase = 'open';
    return { send: EMPTY, open: { rest } };
  }

  #socks5Request(): Uint8Array {
    const { host, port } = this.#options;
    const v4 = ipv4Bytes(host);
    const v6 = v4 ? undefined : ipv6Bytes(host);
    const name = v4 || v6 ? undefined : encoder.encode(host);
    const address = v4 ?? v6 ?? Uint8Array.of(name!.length, ...name!);
    const message = new Uint8Array(4 + address.length + 2);
    message.set([5, CONNECT, 0, v4 ? ATYP_IPV4 : v6 ? ATYP_IPV6 : ATYP_DOMAIN]);
    message.set(address, 4);
    message[4 + address.length] = port >> 8;
    message[5 + address.length] = port & 0xff;
    return message;
  }

  #socks4Request(): Uint8Array {
    const { host, port, username = '' } = this.#options;
    const v4 = ipv4Bytes(host);
    const user = encoder.encode(username);
    // SOCKS4a: DSTIP 0.0.0.x (x non-zero) means "the name follows the USERID".
    const name = v4 ? EMPTY : encoder.encode(host);
    const message = new Uint8Array(8 + user.length + 1 + (v4 ? 0 : name.length + 1));
    message.set([4, CONNECT, port >> 8, port & 0xff]);
    message.set(v4 ?? Uint8Array.of(0, 0, 0, 1), 4);
    message.set(user, 8);
    if (!v4) message.set(name, 9 + user.length);
    return message;
  }

  #target(): string {
    const { host, port } = this.#options;
    return `${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  #consume(count: number): void {
    this.#buffer = this.#buffer.subarray(count);
  }

  #fail(failure: ProxyFailure, detail: string): never {
    this.#phase = 'failed';
    throw proxyError(failure, `SOCKS${this.#options.version} proxy ${this.#options.shown} ${detail}`);
  }
}
