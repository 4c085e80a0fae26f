/**
 * Issue 9 against real peers (scripted raw TCP, a real `ws` server over TLS): bad input from the app or the
 * server gives a typed error and a defined end, never an exception from a socket listener.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Socket } from '../../src/index.node.js';
import type { SocketOptions } from '../../src/options.js';
import {
  HandshakeError,
  InvalidArgumentError,
  InvalidStateError,
  isSocklineError,
  NetworkError,
  ProtocolError,
  QueueOverflowError,
} from '../../src/errors.js';
import type { SocketCloseEvent } from '../../src/events.js';
import { frame } from '../helpers/frames.js';
import { startRawServer, upgradeResponse, type RawScript, type RawServer } from '../helpers/raw-server.js';
import { generateCert } from '../helpers/tls-cert.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';
import { next, until } from '../socket/helpers/node.js';

const QUIET: SocketOptions = { heartbeat: false, reconnect: false, connectionTimeout: 3000 };

let raw: RawServer | undefined;
let ws: WsServer | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.close();
  socket = undefined;
  await raw?.close();
  await ws?.close();
  raw = ws = undefined;
});

/** A server that completes the handshake, then runs `after`. */
const accepting =
  (after?: RawScript): RawScript =>
  (s, request, connection) => {
    s.write(upgradeResponse(request.key));
    return after?.(s, request, connection);
  };

/** Collect every `error` and the final `close` of a socket. */
function watch(s: Socket): { errors: unknown[]; closed: Promise<SocketCloseEvent> } {
  const errors: unknown[] = [];
  s.on('error', (error) => errors.push(error));
  return { errors, closed: next(s, 'close', 5000).then(([event]) => event) };
}

describe('item 1: origin', () => {
  it.each([
    ['CR/LF', 'https://a.example\r\nX-Injected: 1'],
    ['non-ASCII', 'https://ä.example'],
  ])('should refuse an origin with %s at construction, without printing it', (_, origin) => {
    const error = catchError(() => new Socket('ws://127.0.0.1:9/', { ...QUIET, origin }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/origin/);
    expect((error as Error).message).not.toContain('a.example');
  });

  it('should refuse origin together with a static Origin header at construction', () => {
    const error = catchError(
      () => new Socket('ws://127.0.0.1:9/', { ...QUIET, origin: 'https://a.example', headers: { origin: 'https://b.example' } }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/Origin given twice/);
  });

  it('should fail the attempt (error + close, no crash) for an Origin header from a provider that clashes with origin', async () => {
    raw = await startRawServer(accepting());
    socket = new Socket(raw.url, { ...QUIET, origin: 'https://a.example', headers: () => ({ Origin: 'https://b.example' }) });
    const { errors, closed } = watch(socket);
    const event = await closed;
    expect(errors[0]).toBeInstanceOf(InvalidArgumentError);
    expect(event.error).toBeInstanceOf(InvalidArgumentError);
    expect(raw.connections).toHaveLength(0);
  });
});

describe('item 2: URL userinfo', () => {
  it('should refuse broken percent-encoding in a static URL at construction', () => {
    const error = catchError(() => new Socket('ws://a%zz:b@127.0.0.1:9/', QUIET));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/percent-encoding/);
  });

  it('should fail the attempt for broken userinfo from a url provider, with no connection made', async () => {
    raw = await startRawServer(accepting());
    const url = `ws://a%zz:b@127.0.0.1:${new URL(raw.url).port}/`;
    socket = new Socket(() => url, { ...QUIET, reconnect: { maxRetries: 1, minDelay: 1, maxDelay: 1 } });
    const { errors, closed } = watch(socket);
    const event = await closed;
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(event.error).toBeInstanceOf(InvalidArgumentError);
    expect(raw.connections).toHaveLength(0);
  });
});

describe('item 6: a throwing heartbeat.isPong', () => {
  it('should deliver the message and report a typed error', async () => {
    raw = await startRawServer(accepting((s) => void s.write(frame({ opcode: 0x1, payload: 'hello' }))));
    socket = new Socket(raw.url, {
      ...QUIET,
      heartbeat: {
        interval: 60_000,
        message: 'ping',
        isPong: () => {
          throw new Error('isPong bug');
        },
      },
    });
    const errors: unknown[] = [];
    socket.on('error', (error) => errors.push(error));
    const [data] = await next(socket, 'message');
    expect(data).toBe('hello');
    expect(errors).toHaveLength(1);
    expect(isSocklineError(errors[0])).toBe(true);
    expect((errors[0] as Error).message).toMatch(/heartbeat\.isPong threw: isPong bug/);
  });
});

describe('item 7 and 17: tls options', () => {
  it('should turn a throwing checkServerIdentity into a failed attempt', async () => {
    const cert = generateCert();
    ws = await startWsServer({ tls: cert });
    socket = new Socket(ws.url, {
      ...QUIET,
      tls: {
        ca: cert.cert,
        checkServerIdentity: () => {
          throw new Error('identity bug');
        },
      },
    });
    const { errors, closed } = watch(socket);
    const event = await closed;
    expect(errors[0]).toBeInstanceOf(NetworkError);
    expect((errors[0] as Error).message).toMatch(/identity bug/);
    expect(event.error).toBe(errors[0]);
  });

  it.each([
    ['ca: 5', { ca: 5 }],
    ['minVersion: bogus', { minVersion: 'bogus' }],
    ['rejectUnauthorized: "no"', { rejectUnauthorized: 'no' }],
    ['checkServerIdentity: 1', { checkServerIdentity: 1 }],
  ])('should refuse %s at construction', (_, tls) => {
    const error = catchError(() => new Socket('wss://127.0.0.1:9/', { ...QUIET, tls: tls as never }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/Invalid option tls\./);
  });

  it('should not retry forever a tls option Node itself refuses (final InvalidArgumentError)', async () => {
    // An option only Node knows to be wrong (not checked by our up-front list): the attempt fails once, for good.
    socket = new Socket('wss://127.0.0.1:9/', {
      ...QUIET,
      reconnect: { minDelay: 1, maxDelay: 1 },
      tls: { ecdhCurve: 5 } as never,
    });
    const { errors, closed } = watch(socket);
    const event = await closed;
    expect(errors).toHaveLength(1);
    expect(event.error).toBeInstanceOf(InvalidArgumentError);
    expect(socket.stats.attempts).toBe(1);
  });
});

describe('item 13: header values are never printed', () => {
  it('should name the header but not print its value', () => {
    const error = catchError(
      () => new Socket('ws://127.0.0.1:9/', { ...QUIET, headers: { Authorization: 'Bearer s3cr3t-t0ken\n' } }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/Authorization/);
    expect((error as Error).message).not.toContain('s3cr3t');
  });
});

describe('item 18: ping() during the closing handshake', () => {
  it('should throw InvalidStateError', async () => {
    raw = await startRawServer(accepting());
    socket = new Socket(raw.url, QUIET);
    await next(socket, 'open');
    socket.close();
    expect(socket.state).toBe('closing');
    expect(catchError(() => socket!.ping())).toBeInstanceOf(InvalidStateError);
  });

  it('should throw InvalidStateError after the server started the closing handshake', async () => {
    raw = await startRawServer(
      accepting((s) => void setTimeout(() => s.write(frame({ opcode: 0x8, payload: Buffer.from([0x03, 0xe8]) })), 50)),
    );
    socket = new Socket(raw.url, { ...QUIET, closeTimeout: 2000 });
    await next(socket, 'open');
    const connection = await raw.nextConnection();
    await connection.readClientFrame(); // our echo of the server's Close
    const error = catchError(() => socket!.ping());
    expect(error).toBeInstanceOf(InvalidStateError);
  });
});

describe('item 19: handshake and protocol messages', () => {
  it('should refuse an HTTP/1.0 101', async () => {
    raw = await startRawServer((s, request) => void s.write(upgradeResponse(request.key).replace('HTTP/1.1', 'HTTP/1.0')));
    socket = new Socket(raw.url, QUIET);
    const { closed } = watch(socket);
    const event = await closed;
    expect(event.error).toBeInstanceOf(HandshakeError);
    expect((event.error as HandshakeError).reason).toBe('upgrade');
    expect(event.error!.message).toMatch(/HTTP\/1\.0/);
  });

  it('should say how big a too-big message was and what maxPayload is', async () => {
    raw = await startRawServer(accepting((s) => void s.write(frame({ opcode: 0x2, payload: Buffer.alloc(300) }))));
    socket = new Socket(raw.url, { ...QUIET, maxPayload: 256 });
    const { closed } = watch(socket);
    const event = await closed;
    expect(event.error).toBeInstanceOf(ProtocolError);
    const error = event.error as ProtocolError;
    expect(error.closeCode).toBe(1009);
    expect(error.reason).toBe('message-too-big');
    expect(error.message).toMatch(/300/);
    expect(error.message).toMatch(/max payload 256/);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('item 14: the write buffer against a real peer that does not read', () => {
  it('should refuse at maxBufferedAmount with QueueOverflowError + drop, then emit drain, losing nothing it accepted', async () => {
    raw = await startRawServer(accepting((s) => void s.pause()));
    socket = new Socket(raw.url, {
      ...QUIET,
      writeBuffer: { highWaterMark: 64 * 1024, lowWaterMark: 16 * 1024, maxBufferedAmount: 1024 * 1024 },
    });
    await next(socket, 'open');
    const connection = await raw.nextConnection();
    const drops: unknown[] = [];
    socket.on('drop', ({ error }) => drops.push(error));
    const drained = next(socket, 'drain', 10_000);
    const message = new Uint8Array(64 * 1024);
    let accepted = 0;
    let refusal: unknown;
    for (let i = 0; i < 1000 && !refusal; i++) {
      try {
        socket.send(message);
        accepted++;
      } catch (error) {
        refusal = error;
      }
    }
    expect(refusal).toBeInstanceOf(QueueOverflowError);
    expect((refusal as QueueOverflowError).limit).toBe('maxBufferedAmount');
    expect(drops).toEqual([refusal]);
    expect(accepted).toBeGreaterThanOrEqual(16); // 1 MiB of 64 KiB messages
    expect(accepted).toBeLessThan(1000);
    connection.socket.resume();
    await drained;
    expect(socket.bufferedAmount).toBeLessThan(16 * 1024);
    // Every accepted message reaches the server (each frame: 10-byte header + 4-byte mask + 64 KiB).
    await until(() => connection.received().length >= accepted * (14 + 64 * 1024), 'every accepted message', 10_000);
  });
});
