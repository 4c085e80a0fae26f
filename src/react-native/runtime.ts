/**
 * The React Native runtime (issue 15): the browser runtime (the native `WebSocket`), plus `headers`. React Native's
 * WebSocket takes them as a third constructor argument, `new WebSocket(url, protocols, { headers })`, and sends them
 * with the upgrade request, which browsers cannot. The other Node-only options are refused as in browsers.
 * Only the `react-native` exports condition (dist/react-native.js) loads this file: no browser bundle contains it.
 */
import { browserRuntime } from '../browser/runtime.js';
import { InvalidArgumentError } from '../errors.js';
import { invalid, isObject, provider, type Provider, type SocketOptions } from '../options.js';
import { validateHeaders } from '../protocol/handshake-request.js';
import { resolveProvider } from '../provider.js';
import type { Runtime } from '../runtime.js';
import type { TransportOptions } from '../transport.js';

/** What the native transport takes for one attempt here: the headers handed to the constructor's third argument. */
export interface ReactNativeTransportOptions extends TransportOptions {
  headers?: Record<string, string>;
}

/** Headers copied and validated as on Node (no CR/LF, no names the handshake sets itself: `Sec-WebSocket-Key`, …). */
function toHeaders(value: unknown): Record<string, string> {
  if (!isObject(value)) invalid('headers', value, 'an object of name → value or a function');
  const headers = { ...(value as Record<string, string>) };
  validateHeaders(headers);
  return headers;
}

export const reactNativeRuntime: Runtime<{ headers: Provider<Record<string, string>> }, ReactNativeTransportOptions> = {
  ...(browserRuntime as Runtime<object, ReactNativeTransportOptions>),
  // `headers` stays a runtime option (normalize accepts the name); options() below accepts it.
  options(options: SocketOptions) {
    for (const name of browserRuntime.optionNames) {
      if (name !== 'headers' && options[name as keyof SocketOptions] !== undefined) {
        throw new InvalidArgumentError(
          `Option ${name} is not supported in React Native: its WebSocket cannot apply it (only headers is; the rest is Node build only)`,
        );
      }
    }
    return { headers: options.headers === undefined ? {} : provider(options.headers, toHeaders) };
  },
  async attempt({ headers }) {
    const resolved = await resolveProvider('headers', headers, toHeaders);
    return Object.keys(resolved).length ? { headers: resolved } : {};
  },
};
