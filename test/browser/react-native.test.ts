/**
 * Issue 15: the React Native build (src/index.react-native.ts, the `react-native` exports condition) hands
 * `headers` to the native WebSocket as its third constructor argument, as React Native's WebSocket takes them.
 * React Native cannot run here: a stand-in WebSocket global records what it was given.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Socket as BrowserSocket } from '../../src/index.browser.js';
import { Socket, WebSocket as RNWebSocket } from '../../src/index.react-native.js';
import { InvalidArgumentError } from '../../src/errors.js';

/** Records every construction; opens on a microtask, like a native socket that connected. */
class StandIn {
  static made: { url: string; protocols: unknown; options: unknown; argc: number }[] = [];
  readyState = 0;
  protocol = '';
  extensions = '';
  bufferedAmount = 0;
  binaryType = 'blob';
  onopen: (() => void) | null = null;
  onmessage: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  constructor(...args: [string, unknown?, unknown?]) {
    StandIn.made.push({ url: args[0], protocols: args[1], options: args[2], argc: args.length });
    queueMicrotask(() => {
      this.readyState = 1;
      this.onopen?.();
    });
  }
  send(): void {}
  close(): void {
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code: 1005, reason: '', wasClean: true }));
  }
}

beforeEach(() => {
  StandIn.made = [];
  vi.stubGlobal('WebSocket', StandIn);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const opened = (socket: { once(event: 'open', fn: () => void): unknown }) =>
  new Promise<void>((resolve) => socket.once('open', resolve));

describe('React Native build', () => {
  it('passes headers as the native constructor third argument', async () => {
    const socket = new Socket('ws://127.0.0.1:9/live?token=t', { protocols: ['v1'], headers: { Authorization: 'Bearer abc' } });
    await opened(socket);
    expect(StandIn.made).toEqual([
      { url: 'ws://127.0.0.1:9/live?token=t', protocols: ['v1'], options: { headers: { Authorization: 'Bearer abc' } }, argc: 3 },
    ]);
    socket.close();
  });

  it('calls a headers provider before every attempt', async () => {
    let n = 0;
    const socket = new Socket('ws://127.0.0.1:9/', { headers: async () => ({ 'x-attempt': String(++n) }) });
    await opened(socket);
    socket.reconnect();
    await opened(socket);
    expect(StandIn.made.map((made) => made.options)).toEqual([
      { headers: { 'x-attempt': '1' } },
      { headers: { 'x-attempt': '2' } },
    ]);
    socket.close();
  });

  it('without headers gives the native socket no options', async () => {
    const socket = new Socket('ws://127.0.0.1:9/');
    await opened(socket);
    expect(StandIn.made[0].options).toBeUndefined();
    socket.close();
  });

  it('validates headers as on Node, and refuses the other Node-only options naming React Native', () => {
    expect(() => new Socket('ws://127.0.0.1:9/', { headers: { 'x-bad': 'a\r\nb' } })).toThrow(InvalidArgumentError);
    expect(() => new Socket('ws://127.0.0.1:9/', { headers: { 'Sec-WebSocket-Key': 'x' } })).toThrow(InvalidArgumentError);
    expect(() => new Socket('ws://127.0.0.1:9/', { tls: {} })).toThrow('Option tls is not supported in React Native');
    expect(StandIn.made).toHaveLength(0);
  });

  it('the standard WebSocket class takes headers too', async () => {
    const ws = new RNWebSocket('ws://127.0.0.1:9/', undefined, { headers: { cookie: 'a=1' } });
    await new Promise<void>((resolve) => ws.addEventListener('open', () => resolve()));
    expect(StandIn.made[0].options).toEqual({ headers: { cookie: 'a=1' } });
    ws.close();
  });

  it('the browser build still refuses headers, and its bundles carry no React Native code', () => {
    expect(() => new BrowserSocket('ws://127.0.0.1:9/', { headers: { a: 'b' } })).toThrow('not supported in browsers');
    for (const file of ['dist/browser.js', 'dist/sockline.min.js']) {
      expect(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')).not.toContain('supported in React Native');
    }
    expect(readFileSync(new URL('../../dist/react-native.js', import.meta.url), 'utf8')).toContain('supported in React Native');
  });

  it('package.json points the react-native condition (and field) at the React Native build', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports['.']['react-native']).toEqual({ import: './dist/react-native.js', require: './dist/react-native.cjs' });
    expect(pkg['react-native']).toBe('./dist/react-native.cjs');
  });
});
