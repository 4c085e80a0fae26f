import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AbortError } from '../../src/errors.js';
import { createSocket, settle, URL_ } from './helpers/script-transport.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('signal', () => {
  it('should never connect with an already aborted signal, and close on the next microtask', async () => {
    const controller = new AbortController();
    controller.abort(new Error('navigated away'));
    const { socket, s, events } = createSocket({ signal: controller.signal });
    expect(socket.state).toBe('connecting');
    await settle();
    expect(s.transports).toHaveLength(0);
    expect(socket.state).toBe('closed');
    const [close] = events.of('close')[0];
    expect(close.error).toBeInstanceOf(AbortError);
    expect(close.error!.message).toBe('The socket was aborted: Error: navigated away');
    expect(close.error!.cause).toBe(controller.signal.reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('should cancel a pending attempt', async () => {
    const controller = new AbortController();
    const { socket, s, events } = createSocket({ signal: controller.signal, connectionTimeout: 5000 });
    await settle();
    controller.abort();
    expect(s.last.terminated[0].error).toBeInstanceOf(AbortError);
    expect(socket.state).toBe('closed');
    expect(events.of('close')[0][0]).toMatchObject({ code: 1000, wasClean: false });
    expect(events.of('error')).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('should cancel a pending provider', async () => {
    const controller = new AbortController();
    let release!: (url: string) => void;
    const { socket, s } = createSocket({ signal: controller.signal }, { url: () => new Promise<string>((r) => (release = r)) });
    await settle();
    controller.abort();
    release(URL_);
    await settle();
    expect(s.transports).toHaveLength(0);
    expect(socket.state).toBe('closed');
  });

  it('should cancel a scheduled retry', async () => {
    const controller = new AbortController();
    const { socket, s } = createSocket({ signal: controller.signal });
    await settle();
    s.last.end();
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    expect(vi.getTimerCount()).toBe(0);
    expect(socket.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.transports).toHaveLength(1);
  });

  it('should close an open link and report the AbortError on the final close', async () => {
    const controller = new AbortController();
    const { socket, s, events } = createSocket({ signal: controller.signal, heartbeat: { interval: 1000, timeout: 100 } });
    await settle();
    s.last.open();
    socket.send('unsent?');
    controller.abort();
    expect(socket.state).toBe('closing');
    expect(s.last.closeCalls).toEqual([{ code: 1000, reason: '' }]);
    expect(vi.getTimerCount()).toBe(0);
    s.last.end({ code: 1000, reason: '', wasClean: true });
    const [close] = events.of('close')[0];
    expect(close).toMatchObject({ code: 1000, wasClean: true, unsent: [] });
    expect(close.error).toBeInstanceOf(AbortError);
    expect(socket.stats.sent).toBe(1);
  });

  it('should report queued messages as unsent when aborted while down', async () => {
    const controller = new AbortController();
    const { socket, events } = createSocket({ signal: controller.signal });
    socket.send('a');
    await settle();
    controller.abort();
    expect(events.of('close')[0][0].unsent).toEqual(['a']);
    expect(events.of('drop')[0][0].error).toMatchObject({ cause: expect.any(AbortError) });
  });

  it('should do nothing after the final close and stop listening to the signal', async () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const { socket, events } = createSocket({ signal: controller.signal });
    socket.close();
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
    controller.abort();
    expect(events.of('close')).toHaveLength(1);
  });
});
