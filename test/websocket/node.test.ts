/**
 * sockline's `WebSocket` beyond the standard's scenarios, Node build: reconnect mode (a new `open` after every
 * reconnect, sends queued while down under the send contract, `close` once), sockline's options (headers through
 * `withOptions`), Blobs read in order, the option checks, and `event.error` on a failed connection.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, NetworkError, QueueOverflowError, WebSocket } from '../../src/index.node.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';
import { startStandardServer, type StandardServer } from './server.js';

let standard: Promise<StandardServer> | undefined;
const base = async (): Promise<string> => (await (standard ??= startStandardServer())).url;
afterAll(async () => (await standard)?.close());

const opened: WebSocket[] = [];
afterEach(() => {
  for (const ws of opened.splice(0)) ws.close();
});
function track(ws: WebSocket): WebSocket {
  opened.push(ws);
  return ws;
}

const once = (ws: WebSocket, type: string): Promise<Event> =>
  new Promise((resolve) => ws.addEventListener(type, resolve, { once: true }));

function messages(ws: WebSocket): unknown[] {
  const received: unknown[] = [];
  ws.addEventListener('message', (event) => received.push((event as MessageEvent).data));
  return received;
}

async function waitFor(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('reconnect mode', () => {
  it('should fire open after every reconnect, disconnect per lost link, queue sends while down and close once', async () => {
    // /drop destroys every link 50 ms after its handshake.
    const ws = track(new WebSocket(`${await base()}/drop`, undefined, { reconnect: { minDelay: 20, maxDelay: 40 } }));
    const log: string[] = [];
    for (const type of ['open', 'disconnect', 'error', 'close']) {
      ws.addEventListener(type, (event) =>
        log.push(`${type}@${ws.readyState}${type === 'disconnect' ? ` ${(event as CloseEvent).code}` : ''}`),
      );
    }
    const received = messages(ws);
    await once(ws, 'disconnect');
    expect(ws.readyState).toBe(WebSocket.CONNECTING);
    // Down: queued (no InvalidStateError in this mode), flushed in order right after the next open.
    ws.send('q1');
    ws.send('q2');
    expect(ws.bufferedAmount).toBe(4);
    await once(ws, 'open');
    await waitFor('the queued messages to come back', () => received.length === 2);
    expect(received).toEqual(['q1', 'q2']);
    ws.close();
    await once(ws, 'close');
    expect(log.filter((l) => l.startsWith('open'))).toEqual(['open@1', 'open@1']);
    expect(log).toContain('disconnect@0 1006');
    expect(log.filter((l) => l.startsWith('close'))).toHaveLength(1);
    expect(log).not.toContain('error@3');
    expect(ws.bufferedAmount).toBe(0);
  });

  it('should throw QueueOverflowError for a send the full queue refuses, report the unsent ones with drop at close', async () => {
    const ws = track(
      new WebSocket('ws://127.0.0.1:1/', undefined, { reconnect: { minDelay: 10_000 }, queue: { maxMessages: 2 } }),
    );
    const dropped: unknown[] = [];
    ws.addEventListener('drop', (event) => dropped.push((event as Event & { data: unknown }).data));
    ws.send('a');
    ws.send('b');
    expect(() => ws.send('c')).toThrow(QueueOverflowError);
    expect(ws.bufferedAmount).toBe(2); // the refused send did not count: it threw
    const closed = once(ws, 'close');
    ws.close();
    expect(((await closed) as CloseEvent).code).toBe(1006);
    await waitFor('the drops', () => dropped.length === 3);
    expect(dropped).toEqual(['c', 'a', 'b']);
  });

  it('should fire error for every failed attempt while CONNECTING, then error and close once when retries run out', async () => {
    const ws = track(new WebSocket('ws://127.0.0.1:1/', undefined, { reconnect: { minDelay: 10, maxDelay: 10, maxRetries: 2 } }));
    const log: string[] = [];
    for (const type of ['open', 'error', 'disconnect', 'close'])
      ws.addEventListener(type, () => log.push(`${type}@${ws.readyState}`));
    const event = (await once(ws, 'close')) as CloseEvent;
    expect(log).toEqual(['error@0', 'error@0', 'error@3', 'close@3']);
    expect([event.code, event.wasClean]).toEqual([1006, false]);
  });

  it('should throw the standard InvalidStateError while CONNECTING with queue: false', () => {
    const ws = track(new WebSocket('ws://127.0.0.1:1/', undefined, { reconnect: true, queue: false }));
    expect(() => ws.send('x')).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
    expect(() => ws.send('x')).toThrow(DOMException);
  });
});

describe("sockline's options", () => {
  let server: WsServer | undefined;
  afterAll(async () => server?.close());

  it('should send the headers of withOptions(), for libraries that construct the class with (url, protocols) only', async () => {
    server = await startWsServer();
    const Authed = WebSocket.withOptions({ headers: { authorization: 'Bearer t0ken' } });
    const ws = track(new Authed(server.url, 'chat'));
    const connection = await server.nextConnection();
    expect(connection.request.headers.authorization).toBe('Bearer t0ken');
    expect(connection.request.headers['sec-websocket-protocol']).toBe('chat');
    expect(ws).toBeInstanceOf(WebSocket);
    expect(Authed.OPEN).toBe(1);
  });

  it('should refuse protocols in the options and queue without reconnect, and validate the rest like Socket', () => {
    expect(() => new WebSocket('ws://127.0.0.1:1/', undefined, { protocols: ['x'] } as never)).toThrow(InvalidArgumentError);
    expect(() => new WebSocket('ws://127.0.0.1:1/', undefined, { queue: true })).toThrow(/queue applies with reconnect only/);
    expect(() => new WebSocket('ws://127.0.0.1:1/', undefined, { connectionTimeout: -1 })).toThrow(InvalidArgumentError);
    expect(() => new WebSocket('ws://127.0.0.1:1/', undefined, { reconect: true } as never)).toThrow(/Unknown option reconect/);
  });
});

describe('types', () => {
  it("should be assignable to TypeScript's DOM WebSocket types (tsc --noEmit checks this file)", () => {
    const Impl: typeof globalThis.WebSocket = WebSocket;
    const Preset: typeof globalThis.WebSocket = WebSocket.withOptions({ reconnect: true });
    expect([Impl.CLOSED, Preset.CONNECTING]).toEqual([3, 0]);
  });
});

describe('Node specifics', () => {
  it('should send a Blob (read first) in order with the messages around it', async () => {
    const ws = track(new WebSocket(`${await base()}/echo`));
    ws.binaryType = 'arraybuffer';
    const received = messages(ws);
    await once(ws, 'open');
    ws.send('before');
    ws.send(new Blob(['blob']));
    ws.send('after');
    ws.send(new Uint8Array([7]));
    expect(ws.bufferedAmount).toBe(6 + 4 + 5 + 1);
    await waitFor('four echoes', () => received.length === 4);
    expect(received.map((d) => (typeof d === 'string' ? d : [...new Uint8Array(d as ArrayBuffer)]))).toEqual([
      'before',
      [98, 108, 111, 98],
      'after',
      [7],
    ]);
    await waitFor('bufferedAmount to drain', () => ws.bufferedAmount === 0);
  });

  it("should put sockline's error on the error event of a failed connection", async () => {
    const ws = track(new WebSocket('ws://127.0.0.1:1/'));
    const event = (await once(ws, 'error')) as Event & { error?: unknown };
    expect(event.error).toBeInstanceOf(NetworkError);
    expect(ws.readyState).toBe(WebSocket.CLOSED);
  });

  it('should deliver the MessageEvent and CloseEvent classes a Node app expects', async () => {
    const ws = track(new WebSocket(`${await base()}/close?code=4000&reason=x`));
    const event = (await once(ws, 'close')) as CloseEvent;
    expect(event).toBeInstanceOf(Event);
    expect(event.constructor.name).toBe('CloseEvent');
    expect([event.type, event.code, event.reason, event.wasClean, event.target === ws]).toEqual(['close', 4000, 'x', true, true]);
  });
});
