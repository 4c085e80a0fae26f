/** The Node runtime: our RFC 6455 client over node:net/node:tls, with the Node-only options. */
import { defaultShouldReconnect, retryAfterOf } from '../backoff.js';
import { heartbeatModule } from '../heartbeat.js';
import { resolveProvider } from '../provider.js';
import type { Runtime } from '../runtime.js';
import {
  NODE_OPTION_NAMES,
  normalizeNodeOptions,
  toHeaders,
  type NodeSettings,
  type NodeTransportOptions,
} from './node-options.js';
import { connectNode } from './node-transport.js';
import { FragmentWriter } from './fragment-writer.js';
import { DEFAULTS, toWebSocketUrl } from '../options.js';
import { toNodeWebSocketUrl } from './unix-url.js';
import { nodeDebug } from './debug-log.js';

export const nodeRuntime: Runtime<NodeSettings, NodeTransportOptions> = {
  // ws:/wss: as everywhere, plus ws+unix:/wss+unix: (unix-url.ts).
  url: (input) => toNodeWebSocketUrl(input, toWebSocketUrl),
  connect: connectNode,
  // Blobs would need an async read before framing; Node apps send bytes.
  acceptsBlob: false,
  canPing: true,
  // Protocol pings on by default: the Node entry always carries the heartbeat.
  heartbeat: heartbeatModule,
  optionNames: NODE_OPTION_NAMES,
  // The full reconnect policy: proxies, TLS and every handshake failure exist here (DEFAULTS has the browsers' shorter
  // one). Same keys in the same order as DEFAULTS (options.ts RULES go by position).
  defaults: Object.freeze({
    ...DEFAULTS,
    reconnect: Object.freeze({ ...DEFAULTS.reconnect, shouldReconnect: defaultShouldReconnect }),
  }),
  options: normalizeNodeOptions,
  async attempt({ headers, transport }) {
    return { ...transport, headers: await resolveProvider('headers', headers, toHeaders) };
  },
  retryAfter: (info) => retryAfterOf(info, Date.now()),
  // DEBUG=sockline / NODE_DEBUG=sockline: read here, never in the shared facade (browser bundles have no process).
  debug: (enabled, logger) => nodeDebug(enabled, logger, process.env),
  fragmentWriter: (host, transport, binary) => new FragmentWriter(host, transport, binary),
};
