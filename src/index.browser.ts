/**
 * sockline for browsers, Deno, workers and React Native: the `Socket` facade over the native
 * `WebSocket`. Same exports as the Node entry; never imports `./node/`, nor the Node options' validation.
 */
import { browserRuntime } from './browser/runtime.js';
import { SocketCore } from './socket.js';
import type { SocketOptions, UrlInput } from './options.js';
import { WebSocketCore, type WebSocketOptions } from './websocket/websocket.js';

/**
 * A WebSocket client that reconnects, queues while down, and never drops a message silently.
 *
 * In this build the Node-only options (`headers`, `origin`, `tls`, `proxy`, `maxPayload`,
 * `handshakeTimeout`, `closeTimeout`, `noDelay`) throw `InvalidArgumentError` at construction:
 * the native WebSocket cannot apply them, and an option that silently does nothing (a missing
 * `Authorization` header, an ignored TLS pin or size limit) is worse than an error.
 */
export class Socket extends SocketCore {
  constructor(url: UrlInput, options: SocketOptions = {}) {
    super(url, options, browserRuntime);
  }
}

/**
 * The standard `WebSocket` class over the native one, with sockline's options (`reconnect` reopens the same
 * instance); the Node-only options throw, as for `Socket`.
 */
export class WebSocket extends WebSocketCore {
  constructor(url: string | URL, protocols?: string | string[], options?: WebSocketOptions) {
    super(url, protocols, options, browserRuntime);
  }
}

export * from './exports.js';
