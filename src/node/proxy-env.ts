/**
 * Which proxy a URL goes through when the `proxy` option is not given: the environment, read the way curl and
 * Go's `ProxyFromEnvironment` read it. Pure: the environment is passed in, nothing is dialled.
 *
 * - `wss:` uses `https_proxy`, then `HTTPS_PROXY`; `ws:` uses `http_proxy`, then `HTTP_PROXY`; either falls back
 *   to `all_proxy`, then `ALL_PROXY`. The lower-case name wins when both are set (curl's order); an empty value
 *   counts as unset.
 * - `no_proxy` (then `NO_PROXY`) lists hosts that are reached directly: see {@link parseNoProxy}.
 * - Loopback (`localhost`, `*.localhost`, 127.0.0.0/8, ::1) is never proxied (Go's rule: a proxy cannot reach
 *   our own loopback anyway), unless the list contains `<-loopback>` (Chromium's bypass-list token for exactly
 *   this).
 */
import { inCidr, isLoopbackIp, parseIp, type IpAddress } from './ip-address.js';
import { parseProxyUrl, type ProxyEndpoint } from './proxy-url.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** One NO_PROXY entry. */
export type NoProxyRule =
  | { kind: 'all' }
  | { kind: 'domain'; domain: string; port?: number }
  | { kind: 'ip'; ip: IpAddress; port?: number }
  | { kind: 'cidr'; ip: IpAddress; prefix: number };

export interface NoProxyList {
  rules: NoProxyRule[];
  /** `<-loopback>` was listed: loopback hosts are proxied like any other. */
  proxyLoopback: boolean;
}

/** The proxy settings of an environment, parsed and checked. */
export interface ProxyEnvironment {
  readonly http: ProxyEndpoint | undefined;
  readonly https: ProxyEndpoint | undefined;
  readonly all: ProxyEndpoint | undefined;
  readonly noProxy: NoProxyList;
}

/** The first non-empty of `env[lower]`, `env[UPPER]`, with the name it came from. */
function lookupVariable(env: Environment, lower: string): [name: string, value: string] | undefined {
  for (const name of [lower, lower.toUpperCase()]) {
    const value = env[name];
    if (typeof value === 'string' && value.trim() !== '') return [name, value];
  }
  return undefined;
}

function readProxy(env: Environment, lower: string): ProxyEndpoint | undefined {
  const found = lookupVariable(env, lower);
  return found && parseProxyUrl(found[1], `environment variable ${found[0]}`);
}

/**
 * Reads the proxy variables once (the Socket does so at construction).
 * @throws InvalidArgumentError naming the variable whose proxy URL is invalid
 */
export function readProxyEnvironment(env: Environment): ProxyEnvironment {
  return {
    http: readProxy(env, 'http_proxy'),
    https: readProxy(env, 'https_proxy'),
    all: readProxy(env, 'all_proxy'),
    noProxy: parseNoProxy(lookupVariable(env, 'no_proxy')?.[1] ?? ''),
  };
}

const trimDots = (host: string): string => host.replace(/^\*?\.+/, '').replace(/\.+$/, '');

/**
 * NO_PROXY: entries separated by commas (and/or white space), case-insensitive.
 * - `*` alone: no host is proxied.
 * - `example.com`, `.example.com` and `*.example.com` all match `example.com` and every name under it (curl's rule).
 * - `host:port`, `[v6]:port`, `1.2.3.4:port`: only that port.
 * - IP literals match the same address however it is written; `10.0.0.0/8` / `fd00::/8` match IP literal hosts in
 *   the range (names are not resolved to match a range, as in Go).
 * - `<-loopback>`: proxy loopback hosts too.
 * Entries that fit none of these are kept as names and match only themselves, as curl and Go do.
 */
export function parseNoProxy(value: string): NoProxyList {
  const list: NoProxyList = { rules: [], proxyLoopback: false };
  for (const raw of value.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') {
      list.rules.push({ kind: 'all' });
      continue;
    }
    if (entry === '<-loopback>') {
      list.proxyLoopback = true;
      continue;
    }
    const slash = entry.indexOf('/');
    if (slash !== -1) {
      const ip = parseIp(entry.slice(0, slash));
      const prefix = entry.slice(slash + 1);
      if (ip && /^\d{1,3}$/.test(prefix) && Number(prefix) <= (ip.version === 4 ? 32 : 128)) {
        list.rules.push({ kind: 'cidr', ip, prefix: Number(prefix) });
        continue;
      }
    }
    const whole = parseIp(entry);
    if (whole) {
      list.rules.push({ kind: 'ip', ip: whole });
      continue;
    }
    // host:port, [v6]:port
    const withPort = /^(.*):(\d{1,5})$/.exec(entry);
    if (withPort) {
      const port = Number(withPort[2]);
      const ip = parseIp(withPort[1]);
      if (ip) list.rules.push({ kind: 'ip', ip, port });
      else list.rules.push({ kind: 'domain', domain: trimDots(withPort[1]), port });
      continue;
    }
    list.rules.push({ kind: 'domain', domain: trimDots(entry) });
  }
  return list;
}

/** `localhost`, `*.localhost` (RFC 6761 §6.3), or a loopback IP literal. */
export function isLoopbackHost(host: string): boolean {
  const name = trimDots(host.toLowerCase());
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const ip = parseIp(name);
  return ip !== undefined && isLoopbackIp(ip);
}

/** Whether `host`:`port` is reached directly according to `list` (loopback rule included). */
export function bypassesProxy(host: string, port: number, list: NoProxyList): boolean {
  if (!list.proxyLoopback && isLoopbackHost(host)) return true;
  const name = trimDots(host.toLowerCase());
  const ip = parseIp(name);
  for (const rule of list.rules) {
    switch (rule.kind) {
      case 'all':
        return true;
      case 'cidr':
        if (ip && inCidr(ip, rule.ip, rule.prefix)) return true;
        break;
      case 'ip':
        if (ip && ip.version === rule.ip.version && ip.value === rule.ip.value && (rule.port === undefined || rule.port === port))
          return true;
        break;
      case 'domain':
        if (
          rule.domain !== '' &&
          (name === rule.domain || name.endsWith('.' + rule.domain)) &&
          (rule.port === undefined || rule.port === port)
        ) {
          return true;
        }
        break;
    }
  }
  return false;
}

/**
 * The proxy for a connection to `host`:`port` (`secure` for `wss:`), or undefined to connect directly.
 * `host` is the URL's host name (IPv6 without brackets).
 */
export function proxyFromEnvironment(
  host: string,
  port: number,
  secure: boolean,
  env: ProxyEnvironment,
): ProxyEndpoint | undefined {
  const proxy = (secure ? env.https : env.http) ?? env.all;
  if (proxy === undefined || bypassesProxy(host, port, env.noProxy)) return undefined;
  return proxy;
}
