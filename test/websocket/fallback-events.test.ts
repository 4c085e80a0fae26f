/**
 * Runtimes without `EventTarget`/`Event`/`MessageEvent`/`CloseEvent` globals (React Native, older embedders) get the
 * compatible classes of src/websocket/events.ts. Here the globals are removed before the module is loaded, and the
 * standard's scenarios that exercise events run on the fallback classes with the same expectations.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STANDARD_SCENARIOS, type WebSocketClass } from '../shared/websocket-scenarios.js';
import { startStandardServer, type StandardServer } from './server.js';

let server: StandardServer;
let WS: WebSocketClass;
let events: typeof import('../../src/websocket/events.js');

beforeAll(async () => {
  server = await startStandardServer();
  vi.resetModules();
  for (const name of ['EventTarget', 'Event', 'MessageEvent', 'CloseEvent']) vi.stubGlobal(name, undefined);
  events = await import('../../src/websocket/events.js');
  WS = (await import('../../src/index.node.js')).WebSocket as unknown as WebSocketClass;
  vi.unstubAllGlobals();
});

afterAll(async () => server?.close());

describe('without EventTarget and Event globals', () => {
  it('should use the compatible classes', () => {
    expect(events.EventTargetBase.name).toBe('FallbackEventTarget');
    expect(events.MessageEventClass.name).toBe('MessageEvent');
    expect(events.MessageEventClass).not.toBe(globalThis.MessageEvent);
    expect(events.CloseEventClass.name).toBe('CloseEvent');
  });

  const names = [
    'readyState and event order of a normal session: open, messages, close',
    'close() while CONNECTING fails the connection: error, then close 1006',
    'an open link lost without a Close frame: close 1006, not clean, and no error event',
    'event handler attributes: one listener, placed where first set, replaced in place, re-added at the end',
    'binaryType: Blob by default, ArrayBuffer when set, other values ignored',
  ];
  it.each(STANDARD_SCENARIOS.filter((s) => names.includes(s.name)))('$name', { timeout: 15_000 }, async (scenario) => {
    expect(await scenario.run(WS, server.url)).toEqual(scenario.expected);
  });

  it('should dispatch like the DOM: unique (callback, capture), once, removal during dispatch, handleEvent, reported errors', () => {
    const target = new events.EventTargetBase();
    const calls: string[] = [];
    const a = () => calls.push('a');
    const b = () => {
      calls.push('b');
      target.removeEventListener('x', c);
    };
    const c = () => calls.push('c');
    target.addEventListener('x', a);
    target.addEventListener('x', a); // duplicate: ignored
    target.addEventListener('x', a, true); // other capture flag: a second listener
    target.addEventListener('x', b);
    target.addEventListener('x', c);
    target.addEventListener('x', { handleEvent: () => calls.push('object') }, { once: true });
    target.addEventListener('x', () => {
      throw new Error('reported, not thrown');
    });
    target.addEventListener('x', () => calls.push('after the throw'));
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const event = events.createEvent('x');
      expect(target.dispatchEvent(event)).toBe(true);
      expect(event.target).toBe(target);
      target.dispatchEvent(events.createEvent('x'));
      expect(calls).toEqual(['a', 'a', 'b', 'object', 'after the throw', 'a', 'a', 'b', 'after the throw']);
      // The listener's exception is rethrown on a later task (reported), as browsers do.
      expect(() => vi.runOnlyPendingTimers()).toThrow('reported, not thrown');
    } finally {
      vi.useRealTimers();
    }
    const close = new events.CloseEventClass('close', { code: 4000, reason: 'r', wasClean: true });
    expect([close.type, close.code, close.reason, close.wasClean]).toEqual(['close', 4000, 'r', true]);
  });
});
