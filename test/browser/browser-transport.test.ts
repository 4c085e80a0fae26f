// @vitest-environment happy-dom
/**
 * The browser transport over happy-dom's WebSocket (which is backed by `ws`), against a real
 * loopback `ws` server: the Transport contract, message normalisation, close reporting.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectBrowser } from '../../src/browser/browser-transport.js';
import { InvalidArgumentError, InvalidStateError, NetworkError, TimeoutError, isSocklineError } from '../../src/errors.js';
import type { CloseInfo, OpenInfo, Transport, TransportOptions } from '../../src/transport.js';
import { patternByte, startWsServer, type WsServer } from '../helpers/ws-server.js';

const OPTIONS: TransportOptions = { protocols: [] };

type Received = { data: string | Uint8Array; binary: boolean };

/** Opens a transport and records everything it reports, with promises for the milestones. */
function open(url: string, options: Partial<TransportOptions> = {}) {
  const messages: Received[] = [];
  const closes: CloseInfo[] = [];
  const calls: string[] = [];
  let onOpen!: (info: OpenInfo) => void;
  let onClose!: (info: CloseInfo) => void;
  const opened = new Promise<OpenInfo>((resolve) => (onOpen = resolve));
  const closed = new Promise<CloseInfo>((resolve) => (onClose = resolve));
  let messageWaiter: (() => void) | undefined;
  const transport: Transport = connectBrowser(
    new URL(url),
    { ...OPTIONS, ...options },
    {
      onOpen(info) {
        calls.push('open');
        onOpen(info);
      },
      onMessage(data, binary) {
        calls.push('message');
        messages.push({ data, binary });
        messageWaiter?.();
      },
      onPing() {
        calls.push('ping');
      },
      onPong() {
        calls.push('pong');
      },
      onClose(info) {
        calls.push('close');
        closes.push(info);
        onClose(info);
      },
    },
  );
  /** Resolves once `n` messages have arrived in total. */
  const nextMessages = (n: number) =>
    new Promise<Received[]>((resolve) => {
      const check = () => {
        if (messages.length >= n) {
          messageWaiter = undefined;
          resolve(messages.slice(0, n));
        }
      };
      messageWaiter = check;
      check();
    });
  return { transport, opened, closed, messages, closes, calls, nextMessages };
}

/** Lets pending socket events run, so "nothing more was reported" can be asserted. */
const settle = (ms = 100) => new Promise((resolve) => setTimeout(resolve, ms));

let server: WsServer;
const live: Transport[] = [];
const track = <T extends { transport: Transport }>(t: T): T => {
  live.push(t.transport);
  return t;
};

beforeAll(async () => {
  server = await startWsServer({ routes: true });
});
afterEach(() => {
  for (const t of live.splice(0)) t.terminate();
  vi.unstubAllGlobals();
});
afterAll(async () => {
  await server.close();
});

describe('browser transport: opening', () => {
  it('should open and report no subprotocol and no extensions when none were negotiated', async () => {
    const t = track(open(`${server.url}/echo`));
    const info = await t.opened;
    expect(info).toEqual({ protocol: '', extensions: '' });
    expect(t.transport.canPing).toBe(false);
    expect(t.transport.ping(new Uint8Array([1]))).toBe(false);
    expect(t.transport.lastReceivedAt).toBeGreaterThan(0);
  });

  it('should negotiate the subprotocol the server picks from the offered list', async () => {
    const t = track(open(`${server.url}/echo`, { protocols: ['nope', 'sockline.v1'] }));
    expect((await t.opened).protocol).toBe('sockline.v1');
  });

  it('should report a refused connection as one close 1006 with a NetworkError and no open', async () => {
    const dead = await startWsServer({ routes: true });
    const url = `${dead.url}/echo?token=secret`;
    await dead.close();
    const t = open(url);
    const info = await t.closed;
    await settle();
    expect(t.calls).toEqual(['close']);
    expect(info.code).toBe(1006);
    expect(info.wasClean).toBe(false);
    expect(info.error).toBeInstanceOf(NetworkError);
    expect(info.error?.message).toBe(`Could not connect to ${dead.url}/echo (cause in the browser console)`);
    // Query strings often carry tokens in browsers (no headers): never put them in messages.
    expect(info.error?.message).not.toContain('secret');
  });

  it('should throw InvalidArgumentError when the native constructor rejects the subprotocols', () => {
    const attempt = () => open(`${server.url}/echo`, { protocols: ['dup', 'dup'] });
    expect(attempt).toThrow(InvalidArgumentError);
    expect(attempt).toThrow(/Cannot open a WebSocket to ws:\/\/127\.0\.0\.1:\d+\/echo: .*duplicated/);
  });
});

describe('browser transport: missing WebSocket global', () => {
  it('should throw an InvalidStateError naming the fix when WebSocket is undefined', () => {
    vi.stubGlobal('WebSocket', undefined);
    let error: unknown;
    try {
      open(`${server.url}/echo`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidStateError);
    expect(isSocklineError(error)).toBe(true);
    expect((error as InvalidStateError).code).toBe('ERR_SOCKLINE_INVALID_STATE');
    const message = (error as Error).message;
    expect(message).toContain('WebSocket is not available in this runtime');
    // No runtime sniffing (issue 16): the message points at the Node build, which is for the runtimes without one.
    expect(message).toContain("import sockline's Node build");
    expect(message).toContain('globalThis.WebSocket');
  });
});

describe('browser transport: messages', () => {
  it('should echo text as a string and binary as a Uint8Array', async () => {
    const t = track(open(`${server.url}/echo`));
    await t.opened;
    const done = vi.fn();
    t.transport.send('héllo ✓', 0, done);
    expect(done).toHaveBeenCalledWith();
    t.transport.send(new Uint8Array([0, 1, 2, 253, 254, 255]), 0);
    const [text, binary] = await t.nextMessages(2);
    expect(text).toEqual({ data: 'héllo ✓', binary: false });
    expect(binary.binary).toBe(true);
    expect(binary.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(binary.data as Uint8Array)).toEqual([0, 1, 2, 253, 254, 255]);
  });

  it('should send a Blob as one binary message', async () => {
    const t = track(open(`${server.url}/echo`));
    await t.opened;
    const done = vi.fn();
    t.transport.send(new Blob([new Uint8Array([7, 8]), new Uint8Array([9])]), 0, done);
    expect(done).toHaveBeenCalledWith();
    const [echo] = await t.nextMessages(1);
    expect(echo.binary).toBe(true);
    expect(Array.from(echo.data as Uint8Array)).toEqual([7, 8, 9]);
  });

  it('should send only the bytes of a Uint8Array view, not its whole buffer', async () => {
    const t = track(open(`${server.url}/echo`));
    await t.opened;
    const backing = new Uint8Array([1, 2, 3, 4, 5, 6]);
    t.transport.send(backing.subarray(2, 4), 0);
    const [echo] = await t.nextMessages(1);
    expect(Array.from(echo.data as Uint8Array)).toEqual([3, 4]);
  });

  it('should reassemble a message the server sent as 100 fragments', async () => {
    const t = track(open(`${server.url}/fragments?count=100&bytes=100000`));
    const [binary, text] = await t.nextMessages(2);
    const bytes = binary.data as Uint8Array;
    expect(bytes.byteLength).toBe(100_000);
    expect(bytes.every((b, i) => b === patternByte(i))).toBe(true);
    expect(text).toEqual({ data: '0123456789'.repeat(10), binary: false });
  });

  it('should update lastReceivedAt on every message', async () => {
    const t = track(open(`${server.url}/echo`));
    await t.opened;
    const before = t.transport.lastReceivedAt;
    await settle(20);
    t.transport.send('tick', 0);
    await t.nextMessages(1);
    expect(t.transport.lastReceivedAt).toBeGreaterThan(before);
  });

  it('should expose the native bufferedAmount as a number', async () => {
    const t = track(open(`${server.url}/echo`));
    await t.opened;
    expect(typeof t.transport.bufferedAmount).toBe('number');
    expect(t.transport.bufferedAmount).toBeGreaterThanOrEqual(0);
  });
});

describe('browser transport: closing', () => {
  it('should report the close code and reason the server sent, cleanly and exactly once', async () => {
    const t = open(`${server.url}/close?code=4001&reason=${encodeURIComponent('bye ✓')}`);
    await t.opened;
    const info = await t.closed;
    await settle();
    expect(info).toEqual({ code: 4001, reason: 'bye ✓', wasClean: true, error: undefined });
    expect(t.calls).toEqual(['open', 'close']);
  });

  it('should report a link lost after open as 1006 with a NetworkError', async () => {
    const t = open(`${server.url}/drop`);
    await t.opened;
    const info = await t.closed;
    expect(info).toMatchObject({ code: 1006, wasClean: false });
    expect(info.error).toBeInstanceOf(NetworkError);
    expect(info.error?.message).toBe(`Lost the connection to ${server.url}/drop (cause in the browser console)`);
  });

  it('should report 1005 when the server closed without a code', async () => {
    const t = open(`${server.url}/close`);
    const info = await t.closed;
    expect(info.code).toBe(1005);
    expect(info.error).toBeUndefined();
  });

  it('should close with the given code and reason and report the echo', async () => {
    const t = open(`${server.url}/echo`);
    await t.opened;
    t.transport.close(4321, 'done here');
    const info = await t.closed;
    expect(info).toEqual({ code: 4321, reason: 'done here', wasClean: true, error: undefined });
  });

  it('should not report a NetworkError when close() aborts an attempt that had not opened', async () => {
    const t = open(`${server.url}/echo`);
    t.transport.close(1000, '');
    const info = await t.closed;
    await settle();
    expect(t.calls).toEqual(['close']);
    expect(info.error).toBeUndefined();
  });

  it('should refuse to send after the server closed and tell the done callback', async () => {
    const t = open(`${server.url}/close?code=1000`);
    await t.closed;
    const done = vi.fn();
    expect(t.transport.send('late', 0, done)).toBe(false);
    expect(done).not.toHaveBeenCalled();
  });

  it('should report terminate() on a microtask as 1006 with the given error and ignore later native events', async () => {
    const t = open(`${server.url}/echo`);
    await t.opened;
    t.transport.send('in flight', 0);
    const reason = new TimeoutError('No message for 1000 ms', 'heartbeat', 1000);
    t.transport.terminate(reason);
    expect(t.calls, 'never reported from inside terminate()').toEqual(['open']);
    expect(t.transport.send('after', 0), 'nothing is taken once terminated').toBe(false);
    await Promise.resolve();
    expect(t.calls).toEqual(['open', 'close']);
    expect(t.closes[0]).toEqual({ code: 1006, reason: '', wasClean: false, error: reason });
    await settle(200);
    t.transport.terminate();
    t.transport.close(1000);
    expect(t.calls).toEqual(['open', 'close']);
  });

  it('should terminate an attempt that has not opened yet with exactly one close', async () => {
    const t = open(`${server.url}/echo`);
    t.transport.terminate();
    await settle(200);
    expect(t.calls).toEqual(['close']);
    expect(t.closes[0]).toMatchObject({ code: 1006, wasClean: false });
  });
});
