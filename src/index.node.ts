/**
 * sockline for Node.js: the `Socket` facade over our own RFC 6455 client on node:net / node:tls.
 */
import { nodeRuntime } from './node/runtime.js';
import { SocketCore } from './socket.js';
import type { SocketOptions, UrlInput } from './options.js';
import { WebSocketCore, type WebSocketOptions } from './websocket/websocket.js';

/** A WebSocket client that reconnects, queues while down, and never drops a message silently. */
export class Socket extends SocketCore {
  constructor(url: UrlInput, options: SocketOptions = {}) {
    super(url, options, nodeRuntime);
  }
}

/**
 * The standard `WebSocket` class (WHATWG) over the same client, for libraries that take a WebSocket class.
 * `options` are sockline's: `headers`, `tls`, `proxy`, … and `reconnect` to reopen the same instance.
 */
export class WebSocket extends WebSocketCore {
  constructor(url: string | URL, protocols?: string | string[], options?: WebSocketOptions) {
    super(url, protocols, options, nodeRuntime);
  }
}

export * from './exports.js';
