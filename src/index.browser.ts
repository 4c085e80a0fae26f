/**
 * sockline for browsers, Deno, workers and React Native: the `Socket` facade over the native
 * `WebSocket`. Same exports as the Node entry; never imports `./node/`.
 */
import { connectBrowser } from './browser/browser-transport.js';
import { checkNodeOnlyOptions } from './browser/node-only-options.js';
import { BaseSocket } from './socket.js';
import type { SocketOptions, UrlInput } from './options.js';

/** A WebSocket client that reconnects, queues while down, and never drops a message silently. */
export class Socket extends BaseSocket {
  /**
   * @throws InvalidArgumentError for `headers` (a browser cannot send them); the other Node-only
   *   options are ignored with a one-time `console.warn`.
   */
  constructor(url: UrlInput, options: SocketOptions = {}) {
    checkNodeOnlyOptions(options);
    super(url, options, connectBrowser, 'browser');
  }
}

export * from './exports.js';
