/** The browser runtime (also Deno, workers, React Native): the native `WebSocket`, which hides handshakes and pings. */
import { brief, DEV } from '../dev.js';
import { InvalidArgumentError } from '../errors.js';
import { DEFAULTS, toWebSocketUrl, type SocketOptions } from '../options.js';
import type { Runtime } from '../runtime.js';
import { connectBrowser } from './browser-transport.js';
import { browserDebug } from './debug.js';

/** Options of the Node build the native WebSocket cannot apply: refused here rather than silently ignored. */
const NODE_ONLY = (
  'headers origin maxPayload handshakeTimeout closeTimeout tls noDelay perMessageDeflate ' +
  // The network options (node/network-options.ts): the browser reaches servers as the page's network does.
  'proxy proxyTls followRedirects maxRedirects sensitiveHeaders socketPath family localAddress lookup autoSelectFamily'
).split(' ');

export const browserRuntime: Runtime = {
  url: toWebSocketUrl,
  connect: connectBrowser,
  acceptsBlob: true,
  canPing: false,
  optionNames: NODE_ONLY,
  defaults: DEFAULTS,
  options(options: SocketOptions) {
    for (const name of NODE_ONLY) {
      if (options[name as keyof SocketOptions] !== undefined) {
        // Kept in production too: several carry security intent (an Authorization header, a CA, a payload limit).
        throw new InvalidArgumentError(
          DEV
            ? `Option ${name} is not supported in browsers: the native WebSocket cannot apply it (Node build only)`
            : brief(`Option ${name} is not supported in browsers`, 'options'),
        );
      }
    }
    return {};
  },
  attempt: () => ({}),
  // The page never sees the handshake response.
  retryAfter: () => undefined,
  debug: browserDebug,
  hidesCauses: true,
};
