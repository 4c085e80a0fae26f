/**
 * sockline for React Native (the `react-native` exports condition): the browser build's `Socket` over the native
 * `WebSocket`, with `headers` (React Native's WebSocket sends them: `new WebSocket(url, protocols, { headers })`).
 * The other Node-only options throw, as in browsers.
 */
import { reactNativeRuntime } from './react-native/runtime.js';
import { SocketCore } from './socket.js';
import type { Runtime } from './runtime.js';
import type { SocketOptions, UrlInput } from './options.js';
import { WebSocketCore, type WebSocketOptions } from './websocket/websocket.js';

const runtime = reactNativeRuntime as Runtime;

/** A WebSocket client that reconnects, queues while down, and never drops a message silently. */
export class Socket extends SocketCore {
  constructor(url: UrlInput, options: SocketOptions = {}) {
    super(url, options, runtime);
  }
}

/** The standard `WebSocket` class over React Native's, with sockline's options (`headers` included). */
export class WebSocket extends WebSocketCore {
  constructor(url: string | URL, protocols?: string | string[], options?: WebSocketOptions) {
    super(url, protocols, options, runtime);
  }
}

export * from './exports.js';
