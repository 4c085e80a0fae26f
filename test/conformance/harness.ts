/**
 * The conformance suite's scripted server and the assertions every case shares.
 *
 * A case opens a `Session`: a raw TCP server (test/helpers/raw-server.ts) that answers the opening handshake
 * correctly and then does nothing on its own, plus a sockline client on the Node transport
 * (test/node/transport-harness.ts). The case then plays the server: it writes frames (whole, or one byte per
 * TCP write), reads the frames the client sent back, and ends with one of the shared outcomes below
 * (`closeCleanly`, `expectFailure`, `expectTimeout`…), each of which asserts the whole ending: the client's
 * close frame, its CloseInfo, its error type, and that nothing else was sent.
 */
import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import { expect } from 'vitest';
import { ProtocolError } from '../../src/errors.js';
import type { NodeTransportOptions as TransportOptions } from '../../src/node/node-options.js';
import type { CloseInfo } from '../../src/transport.js';
import { decodeFrames, frame, type ClientFrame, type FrameSpec } from '../helpers/frames.js';
import { startRawServer, upgradeResponse, type RawConnection, type RawServer } from '../helpers/raw-server.js';
import { withTimeout } from '../helpers/test-server.js';
import { open, type Harness, type Received } from '../node/transport-harness.js';

export type Category =
  | 'framing'
  | 'ping/pong'
  | 'reserved bits'
  | 'opcodes'
  | 'fragmentation'
  | 'utf-8'
  | 'close'
  | 'limits'
  | 'compression'
  | 'compression parameters';

/** The ten categories in the order of the issue (and of Autobahn's client suite). */
export const CATEGORIES: Category[] = [
  'framing',
  'ping/pong',
  'reserved bits',
  'opcodes',
  'fragmentation',
  'utf-8',
  'close',
  'limits',
  // Autobahn|Testsuite 12 and 13: permessage-deflate (RFC 7692), cases/compression.ts.
  'compression',
  'compression parameters',
];

/** One behaviour the client must show. `run` throws when it does not, and otherwise describes what it saw. */
export interface ConformanceCase {
  /** Autobahn-style number: category.group.case. */
  id: string;
  category: Category;
  /** What the server does. */
  title: string;
  /** The RFC 6455 section(s) that require the behaviour. */
  rfc: string;
  /** What the client must do. */
  expected: string;
  /** Plays the server against the client in `ctx`; resolves with a short account of what the client did. */
  run(ctx: CaseContext): Promise<string>;
}

/** Default wait for anything the client should do (a frame, a message, a close). */
export const STEP_TIMEOUT_MS = 5_000;

export const OP = { cont: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** Owns what a case started, so the runner can tear it down whatever happened. */
export class CaseContext {
  readonly #servers: RawServer[] = [];
  readonly #clients: Harness[] = [];

  /** A server that completes the handshake, and a client connected to it; resolves once both sides see it open. */
  async session(overrides: Partial<TransportOptions> = {}): Promise<Session> {
    const server = await startRawServer((socket, request) => {
      socket.write(upgradeResponse(request.key));
    });
    this.#servers.push(server);
    const client = open(server.url, { closeTimeout: 2_000, ...overrides });
    this.#clients.push(client);
    const peer = await server.nextConnection(STEP_TIMEOUT_MS);
    await within(client.opened, 'the client to open');
    return new Session(client, peer);
  }

  async dispose(): Promise<void> {
    for (const client of this.#clients) client.transport.terminate();
    await Promise.all(this.#servers.map((server) => server.close()));
  }
}

export function within<T>(promise: Promise<T>, what: string, ms = STEP_TIMEOUT_MS): Promise<T> {
  return withTimeout(promise, ms, what);
}

/** A string of exactly `bytes` UTF-8 bytes mixing 1-, 2-, 3- and 4-byte characters (ASCII pads the end). */
export function textOfBytes(bytes: number): string {
  const unit = 'aé€😀'; // 1 + 2 + 3 + 4 = 10 bytes
  const whole = Math.floor(bytes / 10);
  return unit.repeat(whole) + 'x'.repeat(bytes - whole * 10);
}

/** `length` deterministic bytes covering every value. */
export function bytesOf(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
export { hex } from '../helpers/hex.js';

/** A server frame (see test/helpers/raw-server.ts `frame`). */
export const f = (spec: FrameSpec): Buffer => frame(spec);

/** A Close frame body: 2-byte code then the reason bytes. */
export function closeBody(code: number, reason: string | Uint8Array = ''): Buffer {
  const body = Buffer.alloc(2);
  body.writeUInt16BE(code);
  return Buffer.concat([body, typeof reason === 'string' ? utf8(reason) : Buffer.from(reason)]);
}

export function describeBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  return `${n.toLocaleString('en-US')} B`;
}

/** The server end of one connection, with the client under test. */
export class Session {
  readonly client: Harness;
  readonly peer: RawConnection;
  /** TCP writes made by `send`/`sendBytewise`, for the result column. */
  writes = 0;

  constructor(client: Harness, peer: RawConnection) {
    this.client = client;
    this.peer = peer;
  }

  /** Writes `chunks` as one TCP write and waits until it left (unless the client already closed the connection). */
  async send(...chunks: Uint8Array[]): Promise<void> {
    const socket = this.peer.socket;
    if (socket.destroyed || !socket.writable) return;
    this.writes++;
    await new Promise<void>((resolve, reject) =>
      socket.write(Buffer.concat(chunks), (error) => (error ? reject(error) : resolve())),
    );
  }

  /**
   * Writes `bytes` one byte per TCP write (Nagle is off), yielding a turn of the event loop after each so the
   * client reads them one at a time. Stops early if the client closed the connection.
   */
  async sendBytewise(bytes: Uint8Array): Promise<void> {
    this.peer.socket.setNoDelay(true);
    const socket = this.peer.socket;
    for (let i = 0; i < bytes.length; i++) {
      if (socket.destroyed || !socket.writable) return;
      this.writes++;
      socket.write(bytes.subarray(i, i + 1));
      await nextLoopTurn();
    }
  }

  /** Bytes of client frames already returned by `readFrame`. */
  #consumed = 0;

  /** The next frame the client sent (unmasked). */
  async readFrame(ms = STEP_TIMEOUT_MS): Promise<ClientFrame> {
    const clientFrame = await this.peer.readClientFrame(ms);
    this.#consumed += encodedSize(clientFrame);
    return clientFrame;
  }

  /** Reads a client frame and checks that it is a masked pong carrying `payload`. */
  async expectPong(payload: Uint8Array): Promise<void> {
    const pong = await this.readFrame();
    expect(pong, 'the client answers with a pong').toMatchObject({ opcode: OP.pong, fin: true, rsv: 0, masked: true });
    expect(Buffer.compare(pong.payload, Buffer.from(payload)), 'the pong carries the ping payload').toBe(0);
  }

  /** The next message the client delivered. */
  nextMessage(ms = STEP_TIMEOUT_MS): Promise<Received> {
    return within(this.client.nextMessage(), 'a message from the client', ms);
  }

  /** Waits for the next message and checks it is exactly `expected` (text or bytes). */
  async expectMessage(expected: string | Uint8Array, ms = STEP_TIMEOUT_MS): Promise<void> {
    const message = await this.nextMessage(ms);
    if (typeof expected === 'string') {
      expect(message.binary, 'a text message').toBe(false);
      expect(typeof message.data).toBe('string');
      // Compare without printing megabytes on failure.
      const data = message.data as string;
      if (data !== expected) {
        expect.fail(
          `text differs: got ${data.length} code units (${JSON.stringify(data.slice(0, 40))}…), expected ${expected.length} (${JSON.stringify(expected.slice(0, 40))}…)`,
        );
      }
    } else {
      expect(message.binary, 'a binary message').toBe(true);
      expect(message.data).toBeInstanceOf(Uint8Array);
      const data = message.data as Uint8Array;
      expect(data.length, 'binary length').toBe(expected.length);
      expect(
        Buffer.compare(Buffer.from(data.buffer, data.byteOffset, data.byteLength), Buffer.from(expected)),
        'binary content',
      ).toBe(0);
    }
  }

  /** The client frames after those already read, once the client has closed TCP. */
  async remainingFrames(): Promise<ClientFrame[]> {
    await within(this.peer.closed, 'the connection to close');
    return decodeFrames(this.peer.received().subarray(this.#consumed));
  }

  /**
   * The server ends the connection politely: sends Close `code`, expects the client's masked echo with the same
   * code, then closes TCP first (RFC 6455 §7.1.1). The client must report a clean close with that code.
   */
  async closeCleanly(code = 1000, reason = 'bye'): Promise<CloseInfo> {
    await this.send(f({ opcode: OP.close, payload: closeBody(code, reason) }));
    const echo = await this.readFrame();
    expect(echo, 'the client echoes the close').toMatchObject({ opcode: OP.close, fin: true, masked: true });
    expect(echo.payload.readUInt16BE(0), 'echoed close code').toBe(code);
    this.peer.socket.end();
    const info = await within(this.client.closed, 'the client to report its close');
    expect(info).toMatchObject({ code, reason, wasClean: true });
    expect(info.error, 'no error on a clean close').toBeUndefined();
    expect(await this.remainingFrames(), 'nothing after the close frame').toEqual([]);
    return info;
  }

  /**
   * The client must fail the connection (RFC 6455 §7.1.7): send one masked Close frame with `code`, report
   * 1006 (no close was received) with a ProtocolError carrying `code`, and send nothing after it.
   */
  async expectFailure(code: 1002 | 1007 | 1009, { ms = STEP_TIMEOUT_MS, afterCloseFrame }: FailureOptions = {}): Promise<string> {
    const close = await this.readFrame(ms);
    expect(close, 'the client sends a close frame').toMatchObject({ opcode: OP.close, fin: true, masked: true, rsv: 0 });
    expect(close.payload.length).toBeGreaterThanOrEqual(2);
    expect(close.payload.readUInt16BE(0), 'close code on the wire').toBe(code);
    const reason = close.payload.subarray(2).toString('utf8');
    await afterCloseFrame?.();
    const info = await within(this.client.closed, 'the client to report its close');
    expect(info.code, 'no close was received: 1006').toBe(1006);
    expect(info.wasClean).toBe(false);
    expect(info.error, 'a typed ProtocolError').toBeInstanceOf(ProtocolError);
    expect((info.error as ProtocolError).closeCode).toBe(code);
    expect(await this.remainingFrames(), 'nothing after the close frame').toEqual([]);
    return `sent close ${code} "${reason}", ProtocolError`;
  }
}

export interface FailureOptions {
  /** How long to wait for the client's close frame. */
  ms?: number;
  /** Runs once the close frame was read, e.g. to send what the server held back until then. */
  afterCloseFrame?: () => Promise<void>;
}

/** Size of a client frame on the wire (clients always mask). */
function encodedSize(clientFrame: ClientFrame): number {
  const length = clientFrame.payload.length;
  const lengthBytes = length < 126 ? 0 : length < 65536 ? 2 : 8;
  return 2 + lengthBytes + (clientFrame.masked ? 4 : 0) + length;
}
