import { InvalidArgumentError } from '../errors.js';

/**
 * Node-only options that the native WebSocket makes up for on its own: it enforces its own message
 * and handshake limits and timeouts, its own TLS trust store and proxy settings, and sends the
 * page's real Origin. Ignoring them changes nothing the server is told, so an isomorphic app may share
 * one options object between Node and the browser; each is reported once, with `console.warn`.
 */
const IGNORED = ['origin', 'tls', 'proxy', 'maxPayload', 'handshakeTimeout', 'closeTimeout', 'noDelay'];

const warned = new Set<string>();

/**
 * Checks, once per `Socket`, the options a browser cannot honour.
 *
 * `headers` is an error (`InvalidArgumentError`): the WebSocket API cannot send them, and dropping
 * them would silently change the request, e.g. turn an authenticated connection into an anonymous
 * one. The other Node-only options only tune what the browser already does: one warning each.
 */
export function checkNodeOnlyOptions(options: object | undefined): void {
  const o = (options || {}) as Record<string, unknown>;
  const headers = o.headers;
  if (typeof headers === 'function' || (headers && Object.keys(headers).length)) {
    throw new InvalidArgumentError(
      `Invalid option headers: a browser WebSocket cannot send headers (received ${
        typeof headers === 'function' ? 'a function' : Object.keys(headers).join(', ')
      }). Send credentials in the URL, a subprotocol or a cookie, and pass headers only on Node`,
    );
  }
  const fresh = IGNORED.filter((name) => o[name] !== undefined && !warned.has(name));
  if (fresh.length) {
    for (const name of fresh) warned.add(name);
    console.warn(
      `sockline: ignoring Node-only option${fresh.length > 1 ? 's' : ''} ${fresh.join(', ')}: ` +
        `the native WebSocket applies its own limits, timeouts, TLS and proxy settings (warned once per option)`,
    );
  }
}
