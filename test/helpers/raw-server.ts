/**
 * A scripted, possibly hostile WebSocket "server" on a raw `node:net` socket: it reads the client's HTTP request
 * head, then hands the socket to a script that writes whatever bytes the test wants (a bad 101, a masked frame,
 * half a header...). What the client sends after its request head is collected, and `readClientFrame()` decodes
 * (and unmasks) the client's frames so tests can assert its close frame or its masking.
 *
 * ```ts
 * const server = await startRawServer((socket, { key }) => {
 *   socket.write(upgradeResponse(key));
 *   socket.write(frame({ opcode: 0x1, payload: 'Hello', masked: true })); // a protocol violation
 * });
 * // connect a client to server.url, then:
 * const connection = await server.nextConnection();
 * expect(await connection.readClientFrame()).toMatchObject({ opcode: 0x8, masked: true });
 * ```
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { closeServer, formatHost, listenOnLoopback, SocketTracker, withTimeout } from './test-server.js';
import type { LoopbackHost, TestServer } from './test-server.js';
import { decodeFrame, type ClientFrame } from './frames.js';

// The frame builder and decoder moved to ./frames.ts; re-exported so existing imports keep working.
export { decodeFrame, frame, type ClientFrame, type FrameSpec } from './frames.js';

/** RFC 6455 §1.3. */
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** A client request head larger than this is refused (the socket is destroyed). */
const MAX_REQUEST_HEAD = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');

/** The client's opening handshake request as received. */
export interface RawRequest {
  /** The whole head, request line to the blank line (CRLFs included), decoded as latin1. */
  head: string;
  /** e.g. "GET". */
  method: string;
  /** The request-target, e.g. "/chat?x=1". */
  target: string;
  /** The `Sec-WebSocket-Key` sent ('' when missing). */
  key: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

/** What a script does with one connection. It runs once the client's request head has arrived. */
export type RawScript = (socket: Socket, request: RawRequest, connection: RawConnection) => void | Promise<void>;

/** One accepted TCP connection whose request head was received. */
export class RawConnection {
  readonly socket: Socket;
  readonly request: RawRequest;
  /** Resolves when the socket has closed (either side). */
  readonly closed: Promise<void>;
  #chunks: Buffer[] = [];
  /** Offset in `received()` of the first byte not yet returned by `readClientFrame`. */
  #frameOffset = 0;
  #ended = false;
  #wake: (() => void)[] = [];

  /** @internal Created by startRawServer. */
  constructor(socket: Socket, request: RawRequest, afterHead: Buffer) {
    this.socket = socket;
    this.request = request;
    if (afterHead.length > 0) this.#chunks.push(afterHead);
    socket.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.#notify();
    });
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#ended = true;
        this.#notify();
        resolve();
      });
    });
  }

  /** Every byte the client sent after its request head, so far. */
  received(): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0] ?? Buffer.alloc(0);
  }

  /** Every byte the client sent after its request head, once the connection has closed. */
  async allReceived(timeoutMs = 5000): Promise<Buffer> {
    await withTimeout(this.closed, timeoutMs, 'the client connection to close');
    return this.received();
  }

  /**
   * The next frame the client sent (unmasked), waiting for it if needed.
   * Rejects after `timeoutMs`, or when the connection closes before a whole frame arrived.
   */
  async readClientFrame(timeoutMs = 5000): Promise<ClientFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const decoded = decodeFrame(this.received().subarray(this.#frameOffset));
      if (decoded) {
        this.#frameOffset += decoded.size;
        return decoded.frame;
      }
      if (this.#ended) {
        const pending = this.received().length - this.#frameOffset;
        throw new Error(`Connection closed before a whole client frame arrived (${pending} bytes pending)`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out after ${timeoutMs} ms waiting for a client frame`);
      let wake!: () => void;
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
        this.#wake.push(resolve);
      });
      await withTimeout(woken, left, 'a client frame').catch((error: unknown) => {
        this.#wake.splice(this.#wake.indexOf(wake), 1);
        throw error;
      });
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = [];
    for (const resolve of wake) resolve();
  }
}

export interface RawServer extends TestServer {
  /** Connections whose request head arrived, in order. */
  readonly connections: readonly RawConnection[];
  /** Errors thrown by the script (its socket was destroyed). Assert it is empty when the script matters. */
  readonly errors: readonly unknown[];
  /** The next connection not yet returned by an earlier call (queued, so none is missed). */
  nextConnection(timeoutMs?: number): Promise<RawConnection>;
}

/** Starts the scripted server on `host` port 0; its URL is `ws://127.0.0.1:<port>`. */
export async function startRawServer(script: RawScript, options: { host?: LoopbackHost } = {}): Promise<RawServer> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new SocketTracker();
  const connections: RawConnection[] = [];
  const errors: unknown[] = [];
  let taken = 0;
  let wake: (() => void)[] = [];

  const server = createServer((socket) => {
    sockets.add(socket);
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf(HEAD_END);
      if (end < 0) {
        if (buffered.length > MAX_REQUEST_HEAD) socket.destroy();
        return;
      }
      socket.off('data', onData);
      const request = parseRequest(buffered.subarray(0, end + HEAD_END.length).toString('latin1'));
      const connection = new RawConnection(socket, request, buffered.subarray(end + HEAD_END.length));
      connections.push(connection);
      for (const resolve of wake.splice(0)) resolve();
      Promise.resolve()
        .then(() => script(socket, request, connection))
        .catch((error: unknown) => {
          errors.push(error);
          socket.destroy();
        });
    };
    socket.on('data', onData);
  });

  const port = await listenOnLoopback(server, host);
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `ws://${formatHost(host)}:${port}`,
    connections,
    errors,
    async nextConnection(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (taken >= connections.length) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`Timed out after ${timeoutMs} ms waiting for a connection`);
        let resolver!: () => void;
        const next = new Promise<void>((resolve) => {
          resolver = resolve;
          wake.push(resolve);
        });
        await withTimeout(next, left, 'a connection').catch((error: unknown) => {
          wake = wake.filter((w) => w !== resolver);
          throw error;
        });
      }
      return connections[taken++];
    },
    close() {
      closing ??= (async () => {
        sockets.destroyAll();
        await closeServer(server);
      })();
      return closing;
    },
  };
}

/** `Sec-WebSocket-Accept` for `key`: base64(SHA-1(key + GUID)) (RFC 6455 §4.2.2), computed independently of src/. */
export function accept(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

/**
 * A correct `101 Switching Protocols` response for `key`, ending with the blank line.
 *
 * `extraHeaders` are appended; a name matching a default header (Upgrade, Connection, Sec-WebSocket-Accept,
 * case-insensitively) replaces it in place, `null` removes it, and an array writes one line per value.
 */
export function upgradeResponse(key: string, extraHeaders: Record<string, string | string[] | null> = {}): string {
  const lines: [string, string | string[] | null][] = [
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Accept', accept(key)],
  ];
  for (const [name, value] of Object.entries(extraHeaders)) {
    const existing = lines.find(([n]) => n.toLowerCase() === name.toLowerCase());
    if (existing) {
      existing[0] = name;
      existing[1] = value;
    } else {
      lines.push([name, value]);
    }
  }
  let response = 'HTTP/1.1 101 Switching Protocols\r\n';
  for (const [name, value] of lines) {
    if (value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) response += `${name}: ${v}\r\n`;
  }
  return response + '\r\n';
}

function parseRequest(head: string): RawRequest {
  const [requestLine, ...lines] = head.slice(0, -4).split('\r\n');
  const [method = '', target = ''] = requestLine.split(' ');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name]}, ${value}` : value;
  }
  return { head, method, target, key: headers['sec-websocket-key'] ?? '', headers };
}
