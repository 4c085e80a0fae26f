/**
 * Issue 9 on the scripted transport (timing, callbacks, the send path): every hostile option, callback and
 * listener gives a typed error and the Socket ends in a defined state; nothing sent is altered or lost silently.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallbackError, InvalidArgumentError, isSocklineError, NetworkError, QueueOverflowError } from '../../src/errors.js';
import { toWebSocketUrl } from '../../src/options.js';
import { createSocket, settle } from '../socket/helpers/script-transport.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const failure = () => ({ error: new NetworkError('refused') });

describe('items 5, 8, 9: reconnect callbacks and delays', () => {
  it('should treat a throwing shouldReconnect as "stop", report it, and close', async () => {
    const { socket, s, events } = createSocket({
      reconnect: {
        shouldReconnect: () => {
          throw new Error('policy bug');
        },
      },
    });
    await settle();
    s.last.end(failure());
    const errors = events.of('error').map(([error]) => error);
    expect(errors[0]).toBeInstanceOf(NetworkError);
    expect(errors[1]).toBeInstanceOf(CallbackError);
    expect(errors[1].message).toMatch(/reconnect\.shouldReconnect threw: policy bug/);
    expect(socket.state).toBe('closed');
    expect(events.of('close')).toHaveLength(1);
  });

  it('should use minDelay when random throws, report it, and retry', async () => {
    const { socket, s, events } = createSocket({
      reconnect: {
        minDelay: 100,
        maxDelay: 1000,
        random: () => {
          throw new Error('rng bug');
        },
      },
    });
    await settle();
    s.last.end(failure());
    expect(events.of('error').map(([error]) => error.name)).toEqual(['NetworkError', 'CallbackError']);
    expect(events.of('reconnecting').map(([event]) => event.delay)).toEqual([100]);
    await vi.advanceTimersByTimeAsync(100);
    expect(s.transports).toHaveLength(2);
    socket.close();
  });

  it.each([
    ['NaN', () => NaN, 100],
    ['-100', () => -100, 100],
    ['1e12', () => 1e12, 1000],
    ['Infinity', () => Infinity, 100],
  ])('should clamp the delay for random() = %s into [minDelay, maxDelay]', async (_, random, expected) => {
    const { socket, s, events } = createSocket({ reconnect: { minDelay: 100, maxDelay: 1000, random } });
    await settle();
    s.last.end(failure());
    expect(events.of('reconnecting').map(([event]) => event.delay)).toEqual([expected]);
    await vi.advanceTimersByTimeAsync(expected - 1);
    expect(s.transports).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.transports).toHaveLength(2);
    socket.close();
  });
});

describe('item 10: queued binary data is copied', () => {
  it('should send what was passed to send(), even when the caller reuses or transfers the buffer', async () => {
    const { socket, s } = createSocket();
    await settle();
    const reused = new TextEncoder().encode('original-A');
    const moved = new TextEncoder().encode('original-B').buffer;
    socket.send(reused);
    socket.send(moved);
    reused.fill(0x58);
    structuredClone(moved, { transfer: [moved] });
    s.last.open();
    expect(s.last.data.map((data) => new TextDecoder().decode(data as Uint8Array))).toEqual(['original-A', 'original-B']);
  });
});

describe('item 11: listener isolation', () => {
  it('should call every listener when one throws, and report each error as a CallbackError', async () => {
    const { socket, s } = createSocket();
    await settle();
    s.last.open();
    const second: string[] = [];
    const errors: unknown[] = [];
    socket.on('error', (error) => errors.push(error));
    socket.on('message', () => {
      throw new Error('first listener bug');
    });
    socket.on('message', (data) => void second.push(data as string));
    s.last.receive('a');
    s.last.receive('b');
    expect(second).toEqual(['a', 'b']);
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(error).toBeInstanceOf(CallbackError);
      expect((error as Error).message).toMatch(/'message' listener threw: first listener bug/);
    }
  });

  it("should rethrow an error listener's own error on a microtask instead of recursing", async () => {
    const { socket, s } = createSocket();
    await settle();
    s.last.open();
    const bug = new Error('error listener bug');
    let calls = 0;
    socket.on('error', () => {
      calls++;
      throw bug;
    });
    socket.on('message', () => {
      throw new Error('message listener bug');
    });
    const reported: (() => void)[] = [];
    const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => void reported.push(task));
    try {
      s.last.receive('a');
    } finally {
      spy.mockRestore();
    }
    expect(calls).toBe(1);
    expect(reported).toHaveLength(1);
    expect(() => reported[0]()).toThrow(bug);
  });
});

describe('item 14: write high-water mark', () => {
  it('should emit drain once the buffer falls under lowWaterMark after having been above highWaterMark', async () => {
    const { socket, s } = createSocket({ writeBuffer: { highWaterMark: 1000, lowWaterMark: 100 } });
    await settle();
    s.last.open();
    s.last.doneMode = 'manual';
    let drains = 0;
    socket.on('drain', () => drains++);
    s.last.bufferedAmount = 500;
    socket.send('a');
    s.last.complete();
    expect(drains).toBe(0); // never above the high-water mark
    s.last.bufferedAmount = 1500;
    socket.send('b');
    s.last.bufferedAmount = 500;
    s.last.complete();
    expect(drains).toBe(0); // not under the low-water mark yet
    socket.send('c');
    s.last.bufferedAmount = 50;
    s.last.complete();
    expect(drains).toBe(1);
    socket.send('d');
    s.last.complete();
    expect(drains).toBe(1);
  });

  it('should refuse a send with a typed error and a drop once the buffer is at maxBufferedAmount', async () => {
    const { socket, s, events } = createSocket({
      writeBuffer: { highWaterMark: 100, lowWaterMark: 10, maxBufferedAmount: 1000 },
    });
    await settle();
    s.last.open();
    // One message larger than the cap is accepted while the buffer is below it.
    socket.send(new Uint8Array(5000));
    expect(s.last.sent).toHaveLength(1);
    s.last.bufferedAmount = 1000;
    let thrown: unknown;
    try {
      socket.send('x');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(QueueOverflowError);
    expect((thrown as QueueOverflowError).limit).toBe('maxBufferedAmount');
    expect(events.of('drop').map(([event]) => event.error)).toEqual([thrown]);
    await expect(socket.sendAsync('y')).rejects.toBeInstanceOf(QueueOverflowError);
    expect(s.last.sent).toHaveLength(1);
  });

  it('should refuse a lowWaterMark above highWaterMark, and a maxBufferedAmount below it', () => {
    expect(() => createSocket({ writeBuffer: { highWaterMark: 10, lowWaterMark: 20 } })).toThrow(InvalidArgumentError);
    expect(() => createSocket({ writeBuffer: { highWaterMark: 10, maxBufferedAmount: 5 } })).toThrow(InvalidArgumentError);
  });
});

describe('item 15: send() arguments', () => {
  it('should refuse a detached ArrayBuffer and a DataView over one with InvalidArgumentError', async () => {
    const { socket, s } = createSocket();
    await settle();
    s.last.open();
    const buffer = new ArrayBuffer(8);
    const view = new DataView(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    expect(() => socket.send(buffer)).toThrow(InvalidArgumentError);
    expect(() => socket.send(view)).toThrow(InvalidArgumentError);
    expect(() => socket.send(buffer)).toThrow(/detached/);
  });

  it('should refuse null send options with InvalidArgumentError', async () => {
    const { socket, s } = createSocket();
    await settle();
    s.last.open();
    expect(() => socket.send('x', null as never)).toThrow(InvalidArgumentError);
    await expect(socket.sendAsync('x', null as never)).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('item 16: a headers provider with a throwing getter', () => {
  it('should report an InvalidArgumentError, not a plain Error', async () => {
    const value = Object.defineProperty({}, 'X-Token', {
      enumerable: true,
      get: () => {
        throw new Error('getter bug');
      },
    });
    const { socket, events } = createSocket({ headers: () => value, reconnect: { maxRetries: 0 } });
    await settle();
    const [error] = events.of('error')[0];
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(/getter bug/);
    expect(socket.state).toBe('closed');
  });
});

describe('item 19: options and URLs', () => {
  it('should refuse option keys that only exist on Object.prototype', () => {
    expect(() => createSocket({ constructor: 5 } as never)).toThrow(/Unknown option constructor/);
    expect(() => createSocket(JSON.parse('{"__proto__": {"x": 1}}'))).toThrow(/Unknown option __proto__/);
    expect(() => createSocket({ reconnect: { toString: 5 } } as never)).toThrow(/Unknown option reconnect\.toString/);
  });

  it('should treat headers named __proto__ and constructor as ordinary headers', async () => {
    const headers = JSON.parse('{"__proto__": "a", "constructor": "b"}');
    const { s } = createSocket({ headers });
    await settle();
    expect(Object.keys(s.last.options.headers ?? {})).toEqual(['__proto__', 'constructor']);
  });

  it('should turn a throwing getter or a Proxy trap in the options into InvalidArgumentError', () => {
    const getter = Object.defineProperty({}, 'fragmentSize', {
      enumerable: true,
      get: () => {
        throw new Error('getter bug');
      },
    });
    expect(() => createSocket(getter, { raw: true })).toThrow(InvalidArgumentError);
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap bug');
        },
      },
    );
    expect(() => createSocket(proxy, { raw: true })).toThrow(InvalidArgumentError);
  });

  it.each([
    ['blob:https://a.example/uuid', 'blob:https://a.example/uuid'],
    ['javascript:alert(1)', 'javascript:alert(1)'],
  ])('should render %s as it is, not as scheme://', (input, shown) => {
    expect(() => toWebSocketUrl(input)).toThrow(`Invalid URL ${shown}:`);
  });
});

it('every error above is a SocklineError', () => {
  expect(isSocklineError(new CallbackError('x', new Error('y')))).toBe(true);
});
