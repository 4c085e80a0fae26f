/**
 * A refused upgrade whose status the runtime names in its ErrorEvent (the messages below are the real ones, taken
 * from Deno 2.9, workerd 2026-11 and Bun 1.4 against a server answering 403) becomes the Node build's typed
 * HandshakeError; the real runtimes are run by test/matrix (Deno with the browser build is not, since the deno
 * condition now resolves to the Node build; workerd is).
 */
import { describe, expect, it } from 'vitest';
import { connectBrowser } from '../../src/browser/browser-transport.js';
import { handshakeErrorFromEvent } from '../../src/browser/handshake-error-from-event.js';
import { defaultShouldReconnect } from '../../src/backoff.js';
import { HandshakeError, NetworkError } from '../../src/errors.js';
import type { CloseInfo } from '../../src/transport.js';

const event = (message: string): Event => Object.assign(new Event('error'), { message });

describe('handshakeErrorFromEvent', () => {
  it.each([
    ['Deno', 'NetworkError: failed to connect to WebSocket: Invalid status code: 403', 403],
    [
      'workerd',
      'Uncaught TypeError: Failed to establish the WebSocket connection: expected server to reply with HTTP status code 101 (switching protocols), but received 403 instead.',
      403,
    ],
    ['Bun', "WebSocket connection to 'ws://127.0.0.1:4000/' failed: Expected 101 status code: 503", 503],
  ])('reads the status from %s', (_runtime, message, status) => {
    const error = handshakeErrorFromEvent(event(message));
    expect(error).toBeInstanceOf(HandshakeError);
    expect(error).toMatchObject({ reason: 'status', status, code: 'ERR_SOCKLINE_HANDSHAKE' });
    expect(error!.message).toBe(`The server refused the upgrade: HTTP ${status}`);
  });

  it.each([
    ['a browser (plain Event, no message)', new Event('error')],
    ["undici's", event('Received network error or non-101 status code.')],
    ['a refused TCP connection', event('NetworkError: failed to connect to WebSocket: Connection refused (os error 111)')],
    ['a URL with digits', event("WebSocket connection to 'ws://127.0.0.1:403/' failed")],
  ])('finds nothing in %s error', (_what, e) => {
    expect(handshakeErrorFromEvent(e)).toBeUndefined();
  });

  it('makes a 403 final and a 503 retried under the default policy', () => {
    const decide = (status: number): boolean =>
      defaultShouldReconnect({
        attempt: 1,
        lastClose: {
          code: 1006,
          reason: '',
          wasClean: false,
          error: handshakeErrorFromEvent(event(`Invalid status code: ${status}`)),
        },
      } as Parameters<typeof defaultShouldReconnect>[0]);
    expect(decide(403)).toBe(false);
    expect(decide(503)).toBe(true);
  });
});

describe('the browser transport with a runtime that names the status', () => {
  /** A stand-in native WebSocket that fails its upgrade the way Deno does. */
  class RefusingWebSocket extends EventTarget {
    binaryType = 'blob';
    readyState = 0;
    onopen: unknown = null;
    onmessage: unknown = null;
    onerror: ((e: Event) => void) | null = null;
    onclose: ((e: CloseEvent) => void) | null = null;
    constructor(
      readonly url: string,
      message: string,
    ) {
      super();
      setTimeout(() => {
        this.onerror?.(event(message));
        this.onclose?.(Object.assign(new Event('close'), { code: 0, reason: '', wasClean: false }) as CloseEvent);
      }, 0);
    }
    close(): void {}
    send(): void {}
  }

  const attempt = (message: string): Promise<CloseInfo> => {
    const saved = globalThis.WebSocket;
    (globalThis as { WebSocket: unknown }).WebSocket = class extends RefusingWebSocket {
      constructor(url: string) {
        super(url, message);
      }
    };
    try {
      return new Promise((resolve) => {
        connectBrowser(
          new URL('ws://127.0.0.1:1/'),
          { protocols: [] } as never,
          {
            onOpen: () => {},
            onMessage: () => {},
            onClose: resolve,
          } as never,
        );
      });
    } finally {
      globalThis.WebSocket = saved;
    }
  };

  it('closes with a HandshakeError carrying the status', async () => {
    const info = await attempt('NetworkError: failed to connect to WebSocket: Invalid status code: 403');
    expect(info.code).toBe(1006);
    expect(info.error).toBeInstanceOf(HandshakeError);
    expect(info.error).toMatchObject({ reason: 'status', status: 403 });
  });

  it('still closes with a NetworkError when the runtime says nothing', async () => {
    const info = await attempt('');
    expect(info.error).toBeInstanceOf(NetworkError);
  });
});
