/**
 * The Node options about how a server is reached (proxy, redirects, unix sockets, address family, DNS), their
 * defaults and their validation: one function, `networkTransportOptions`, called once at construction by the
 * Node option rules. Everything is checked here so that nothing about these options fails later inside a
 * socket listener. No `node:*` imports: this module is reachable from the shared options code.
 */
import { InvalidArgumentError } from '../errors.js';
import { TOKEN } from '../protocol/http-grammar.js';
import { parseIp } from './ip-address.js';
import { readProxyEnvironment, type Environment, type ProxyEnvironment } from './proxy-env.js';
import { parseProxyUrl, type ProxyEndpoint } from './proxy-url.js';

/** `dns.lookup`'s shape, as `net.connect` takes it. */
export type LookupFunction = (
  hostname: string,
  options: { family?: number; all?: boolean; hints?: number },
  callback: (error: Error | null, address: string | { address: string; family: number }[], family?: number) => void,
) => void;

/** The public network options (see the README's "Networks" section). */
export interface NetworkSocketOptions {
  /**
   * Node only: the proxy. Absent: from the environment (`HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY`);
   * `false`: never; a URL (`http:`, `https:`, `socks5:`, `socks5h:`, `socks4:`, `socks4a:`, with a port and
   * optional `user:password@`): always, for every host. @default from the environment
   */
  proxy?: string | false;
  /** Node only: `tls.connect` options for the TLS connection to an `https://` proxy (e.g. `ca`). @default {} */
  proxyTls?: Record<string, unknown>;
  /** Node only: follow 301/302/303/307/308 answers to the opening handshake. @default false */
  followRedirects?: boolean;
  /** Node only: most redirects followed per attempt. @default 10 */
  maxRedirects?: number;
  /** Node only: headers dropped, like `Authorization` and `Cookie`, when a redirect changes the host. @default [] */
  sensitiveHeaders?: string[];
  /** Node only: connect to this unix domain socket instead of the URL's host (the URL still gives Host and path). */
  socketPath?: string;
  /** Node only: IP version for the server's (or proxy's) address: 4, 6, or 0 for either. @default 0 */
  family?: 0 | 4 | 6;
  /** Node only: local IP address to connect from. @default the system's choice */
  localAddress?: string;
  /** Node only: custom DNS lookup, with `dns.lookup`'s signature. @default dns.lookup */
  lookup?: LookupFunction;
  /**
   * Node only: Happy Eyeballs (RFC 8305): try IPv6 and IPv4 addresses of a name in parallel-ish. Absent: Node's own
   * default (`net.getDefaultAutoSelectFamily()`: true from Node 20, false on Node 18). @default Node's default
   */
  autoSelectFamily?: boolean;
}

/**
 * The network option names, for the shared option table (which refuses unknown keys, and refuses these in
 * browsers). One string: this is in every browser bundle. The defaults are applied by `networkTransportOptions`.
 */
export const NETWORK_OPTIONS =
  'proxy proxyTls followRedirects maxRedirects sensitiveHeaders socketPath family localAddress lookup autoSelectFamily'.split(
    ' ',
  );

/** Defaults of the network options that have a value (the others are absent by default). */
export const NETWORK_DEFAULTS = Object.freeze({ followRedirects: false, maxRedirects: 10 });

/**
 * What a proxy setting became: a fixed proxy for every host, the environment's (read at construction), or none.
 * A string is accepted too (the transport parses it; the facade never passes one).
 */
export type ProxySetting = string | false | undefined | { readonly fixed: ProxyEndpoint } | { readonly env: ProxyEnvironment };

/** The network fields of the transport options, validated. All optional, so a transport can be driven without them. */
export interface NetworkTransportOptions {
  proxy?: ProxySetting;
  proxyTls?: Record<string, unknown>;
  followRedirects?: boolean;
  maxRedirects?: number;
  /** Lower-case names. */
  sensitiveHeaders?: string[];
  socketPath?: string;
  family?: 0 | 4 | 6;
  localAddress?: string;
  lookup?: LookupFunction;
  autoSelectFamily?: boolean;
}

function invalid(name: string, what: string): never {
  throw new InvalidArgumentError(`Invalid option ${name}: ${what}`);
}

const kind = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? JSON.stringify(value) : typeof value;

/**
 * Validate the network options (already merged over {@link NETWORK_DEFAULTS}) and read the environment's proxy
 * settings when `proxy` is absent.
 * @throws InvalidArgumentError naming the option (or environment variable), never quoting credentials
 */
export function networkTransportOptions(
  o: Record<string, unknown>,
  env: Environment = (globalThis as { process?: { env: Environment } }).process?.env ?? {},
): NetworkTransportOptions {
  const result: NetworkTransportOptions = {};
  const { proxy } = o;
  if (proxy === undefined) {
    const fromEnv = readProxyEnvironment(env);
    if (fromEnv.http || fromEnv.https || fromEnv.all) result.proxy = { env: fromEnv };
  } else if (proxy !== false) {
    result.proxy = { fixed: parseProxyUrl(proxy, 'option proxy') };
  } else {
    result.proxy = false;
  }
  if (o.proxyTls !== undefined) {
    if (typeof o.proxyTls !== 'object' || o.proxyTls === null || Array.isArray(o.proxyTls))
      invalid('proxyTls', `${kind(o.proxyTls)} (expected an object of tls.connect options)`);
    result.proxyTls = { ...(o.proxyTls as Record<string, unknown>) };
  }
  o = { ...o };
  o.followRedirects ??= NETWORK_DEFAULTS.followRedirects;
  o.maxRedirects ??= NETWORK_DEFAULTS.maxRedirects;
  if (typeof o.followRedirects !== 'boolean') invalid('followRedirects', `${kind(o.followRedirects)} (expected true or false)`);
  result.followRedirects = o.followRedirects;
  const max = o.maxRedirects;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > 1000)
    invalid('maxRedirects', `${kind(max)}${typeof max === 'number' ? ` ${max}` : ''} (expected an integer from 0 to 1000)`);
  result.maxRedirects = max;
  if (o.sensitiveHeaders !== undefined) {
    const list = o.sensitiveHeaders;
    if (!Array.isArray(list)) invalid('sensitiveHeaders', `${kind(list)} (expected an array of header names)`);
    result.sensitiveHeaders = list.map((name, i) => {
      if (typeof name !== 'string' || !TOKEN.test(name))
        invalid(`sensitiveHeaders[${i}]`, `${kind(name)} (expected a header name)`);
      return name.toLowerCase();
    });
  }
  if (o.socketPath !== undefined) {
    if (typeof o.socketPath !== 'string' || o.socketPath === '' || o.socketPath.includes('\0')) {
      invalid('socketPath', `${kind(o.socketPath)} (expected the path of a unix domain socket)`);
    }
    result.socketPath = o.socketPath;
  }
  if (o.family !== undefined) {
    if (o.family !== 0 && o.family !== 4 && o.family !== 6)
      invalid('family', `${kind(o.family)}${typeof o.family === 'number' ? ` ${o.family}` : ''} (expected 0, 4 or 6)`);
    result.family = o.family;
  }
  if (o.localAddress !== undefined) {
    const ip = typeof o.localAddress === 'string' ? parseIp(o.localAddress) : undefined;
    if (!ip || o.localAddress !== String(o.localAddress).replace(/^\[|\]$/g, ''))
      invalid('localAddress', `${kind(o.localAddress)} (expected an IPv4 or IPv6 address without brackets)`);
    result.localAddress = o.localAddress as string;
  }
  if (o.lookup !== undefined) {
    if (typeof o.lookup !== 'function') invalid('lookup', `${kind(o.lookup)} (expected a function like dns.lookup)`);
    result.lookup = o.lookup as LookupFunction;
  }
  if (o.autoSelectFamily !== undefined) {
    if (typeof o.autoSelectFamily !== 'boolean')
      invalid('autoSelectFamily', `${kind(o.autoSelectFamily)} (expected true or false)`);
    result.autoSelectFamily = o.autoSelectFamily;
  }
  return result;
}
