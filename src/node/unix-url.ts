/**
 * `ws+unix:` / `wss+unix:` URLs (the `ws` package's convention): `ws+unix:///var/run/app.sock:/path?query` means
 * "connect to the unix socket /var/run/app.sock and request /path?query". The socket path ends at the first `:`.
 */
import { InvalidArgumentError } from '../errors.js';

export const isUnixUrl = (url: URL): boolean => url.protocol === 'ws+unix:' || url.protocol === 'wss+unix:';

/** The socket path and the request URL (`ws://localhost/path?query`, which gives the Host header and path). */
export function unixTarget(url: URL): { socketPath: string; url: URL } {
  const pathname = url.pathname;
  const colon = pathname.indexOf(':');
  const rawPath = colon === -1 ? pathname : pathname.slice(0, colon);
  const requestPath = colon === -1 ? '/' : pathname.slice(colon + 1) || '/';
  let socketPath: string;
  try {
    socketPath = decodeURIComponent(rawPath);
  } catch {
    throw new InvalidArgumentError(`Invalid URL ${url.protocol}//${rawPath}: the socket path has broken percent-encoding`);
  }
  if (socketPath === '' || socketPath.includes('\0')) {
    throw new InvalidArgumentError(
      `Invalid URL ${url.protocol}//${rawPath}: expected ${url.protocol}///path/to/socket.sock:/request/path`,
    );
  }
  if (!requestPath.startsWith('/')) {
    throw new InvalidArgumentError(
      `Invalid URL ${url.protocol}//${rawPath}:${requestPath}: the request path after ":" must start with "/"`,
    );
  }
  const scheme = url.protocol === 'wss+unix:' ? 'wss:' : 'ws:';
  return { socketPath, url: new URL(`${scheme}//localhost${requestPath}${url.search}`) };
}

/**
 * The Node build's URL rule: `ws+unix:`/`wss+unix:` URLs are checked here, everything else by the shared rule
 * (`toWebSocketUrl`), passed in so this file does not depend on the options module.
 */
export function toNodeWebSocketUrl(input: unknown, shared: (input: unknown) => URL): URL {
  if (typeof input === 'string' || input instanceof URL) {
    const text = String(input);
    if (/^wss?\+unix:/i.test(text)) {
      const url = new URL(text);
      if (url.hash || text.includes('#'))
        throw new InvalidArgumentError(`Invalid URL ${url.protocol}//…: WebSocket URLs cannot have a fragment`);
      if (url.host !== '')
        throw new InvalidArgumentError(
          `Invalid URL ${url.protocol}//${url.host}…: expected ${url.protocol}///path/to/socket.sock:/request/path (no host)`,
        );
      unixTarget(url);
      return url;
    }
  }
  return shared(input);
}
