/**
 * sockline for Node.js: the `Socket` facade over our own RFC 6455 client on node:net / node:tls.
 */
import { nodeRuntime } from './node/runtime.js';
import { SocketCore } from './socket.js';
import type { SocketOptions, UrlInput } from './options.js';

/** A WebSocket client that reconnects, queues while down, and never drops a message silently. */
export class Socket extends SocketCore {
  constructor(url: UrlInput, options: SocketOptions = {}) {
    super(url, options, nodeRuntime);
  }
}

export * from './exports.js';
