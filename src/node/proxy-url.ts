/**
 * Parses and checks a proxy URL (`proxy` option or a `*_PROXY` environment variable) once, at construction, so
 * that nothing about it can fail later inside a socket listener. Pure: no sockets, no `node:*`.
 *
 * Accepted: `http://`, `https://`, `socks5://`, `socks5h://`, `socks4://`, `socks4a://`, each with an explicit
 * port and optional percent-encoded `user:password@`. A value without a scheme is taken as `http://` (curl's and
 * Go's rule for the environment variables).
 */
import { InvalidArgumentError } from '../errors.js';

export type ProxyKind = 'http' | 'https' | 'socks5' | 'socks5h' | 'socks4' | 'socks4a';

const KINDS: readonly string[] = ['http', 'https', 'socks5', 'socks5h', 'socks4', 'socks4a'];

/** A proxy, ready to dial. */
export interface ProxyEndpoint {
  readonly kind: ProxyKind;
  /** Host name or IP literal (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  /** Decoded credentials, when the URL had any. */
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** `scheme://host:port`, with `***@` when the URL had credentials: the only form that appears in messages. */
  readonly shown: string;
  /** Where it came from, for messages: `option proxy`, `environment variable HTTPS_PROXY`… */
  readonly source: string;
}

/** RFC 1929: ULEN and PLEN are one byte each. */
const MAX_SOCKS_CREDENTIAL = 255;

/**
 * `value` with anything that may be a credential hidden, for the message of a URL we could not parse:
 * everything before the last `@` of the authority becomes `***`.
 */
export function hideCredentials(value: string): string {
  return value.replace(/^([^/]*\/\/)?[^/?#]*@/, (_, scheme: string | undefined) => `${scheme ?? ''}***@`);
}

/**
 * @param value the URL as the user gave it
 * @param source `option proxy` or `environment variable HTTPS_PROXY`: named in every error
 * @throws InvalidArgumentError naming `source`, never quoting credentials
 */
export function parseProxyUrl(value: unknown, source: string): ProxyEndpoint {
  const fail = (what: string): never => {
    throw new InvalidArgumentError(`Invalid ${source}: ${what}`);
  };
  if (typeof value !== 'string') {
    return fail(`expected a proxy URL string such as http://host:3128 or socks5://host:1080, or false (got ${typeof value})`);
  }
  const text = value.trim();
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text) ? text : `http://${text}`;
  const shownInput = JSON.stringify(hideCredentials(withScheme));
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return fail(`${shownInput} is not a URL (expected scheme://[user:password@]host:port)`);
  }
  const kind = url.protocol.slice(0, -1).toLowerCase();
  if (!KINDS.includes(kind)) {
    return fail(
      `unsupported scheme ${JSON.stringify(url.protocol)} in ${shownInput} (supported: ${KINDS.map((k) => k + ':').join(', ')})`,
    );
  }
  // WHATWG URL drops a default port (http://h:80 → port ''), so the port is read from the authority as written.
  const authority = withScheme.slice(withScheme.indexOf('//') + 2).split(/[/?#]/, 1)[0];
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const port = /:(\d{1,5})$/.exec(hostPort);
  if (!port)
    return fail(`${shownInput} has no port (write it explicitly, e.g. ${kind}://host:${kind.startsWith('socks') ? 1080 : 3128})`);
  const portNumber = Number(port[1]);
  if (portNumber < 1 || portNumber > 65535) return fail(`port ${portNumber} in ${shownInput} is out of range (1-65535)`);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (host === '') return fail(`${shownInput} has no host`);
  if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) {
    return fail(`${shownInput} has a path, query or fragment (a proxy URL is scheme://[user:password@]host:port)`);
  }
  let username: string | undefined;
  let password: string | undefined;
  if (url.username || url.password) {
    try {
      username = decodeURIComponent(url.username);
      password = decodeURIComponent(url.password);
    } catch {
      return fail(`the credentials in ${shownInput} have broken percent-encoding (encode "%" as %25, "@" as %40, ":" as %3A)`);
    }
    if (kind === 'http' || kind === 'https') {
      // RFC 7617 §2: "a user-id containing a colon character is invalid".
      if (username.includes(':'))
        return fail(`the user name in ${shownInput} contains ":", which Basic authentication cannot carry`);
    } else if (kind === 'socks4' || kind === 'socks4a') {
      if (password !== '') return fail(`SOCKS4 has no passwords: give only a user id (socks4://user@host:port) in ${shownInput}`);
      if (username.includes('\0')) return fail(`the user id in ${shownInput} contains a NUL character`);
    } else {
      const encoder = new TextEncoder();
      if (encoder.encode(username).length > MAX_SOCKS_CREDENTIAL || encoder.encode(password).length > MAX_SOCKS_CREDENTIAL) {
        return fail(`SOCKS5 user names and passwords are at most 255 bytes (RFC 1929) in ${shownInput}`);
      }
    }
  }
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  return {
    kind: kind as ProxyKind,
    host,
    port: portNumber,
    username,
    password,
    shown: `${kind}://${username !== undefined ? '***@' : ''}${hostInUrl}:${portNumber}`,
    source,
  };
}
