/**
 * A scripted in-memory transport for driving the Socket facade without I/O. Each attempt creates one
 * `ScriptTransport`; the test plays the server: `open()`, `receive()`, `end()`, and decides when `done`
 * callbacks run. Everything the Socket asked of the transport is recorded.
 */
import { vi } from 'vitest';
import { browserRuntime } from '../../../src/browser/runtime.js';
import type { NodeTransportOptions } from '../../../src/node/node-options.js';
import { nodeRuntime } from '../../../src/node/runtime.js';
import type { Runtime } from '../../../src/runtime.js';
import { SocketCore } from '../../../src/socket.js';
import type { SocklineError } from '../../../src/errors.js';
import type { SocketEvents } from '../../../src/events.js';
import type { SocketOptions, UrlInput } from '../../../src/options.js';
import type {
  CloseInfo,
  OpenInfo,
  OutgoingData,
  Transport,
  TransportFactory,
  TransportHandler,
  TransportOptions,
} from '../../../src/transport.js';

export interface SentRecord {
  data: OutgoingData | Blob;
  fragmentSize: number;
  done?: (error?: Error) => void;
}

export class ScriptTransport implements Transport {
  readonly url: URL;
  /** Everything the runtime built for this attempt (the Node runtime adds headers, origin, …). */
  readonly options: TransportOptions & Partial<NodeTransportOptions>;
  readonly handler: TransportHandler;
  canPing = true;
  bufferedAmount = 0;
  lastReceivedAt = Date.now();
  /** `sync`: `done()` runs inside `send()`; `manual`: the test calls `complete()`/`failWrites()`. */
  doneMode: 'sync' | 'manual' = 'sync';
  /** `send()` and `ping()` take nothing (return false), as both transports do once the link is closing. */
  refuse = false;
  sent: SentRecord[] = [];
  pings: (Uint8Array | undefined)[] = [];
  closeCalls: { code?: number; reason?: string }[] = [];
  terminated: { error?: SocklineError }[] = [];
  finished = false;
  /** streams: every `setReading()` call, in order (false: paused, true: resumed). */
  reading: boolean[] = [];
  /** streams: every `sendFragment()` call (fragments are also pushed to `sent`, with fragmentSize -1). */
  fragments: { data: Uint8Array; binary: boolean; first: boolean; fin: boolean }[] = [];
  /** Like a Node transport (the default), or like the browser's (`script().browserLike`: neither method exists). */
  setReading?: (reading: boolean) => void = (reading) => {
    this.reading.push(reading);
  };
  sendFragment?: (data: Uint8Array, binary: boolean, first: boolean, fin: boolean, done?: (error?: Error) => void) => boolean = (
    data,
    binary,
    first,
    fin,
    done,
  ) => {
    if (this.refuse || this.finished) return false;
    this.fragments.push({ data, binary, first, fin });
    this.sent.push({ data, fragmentSize: -1, done });
    if (this.doneMode === 'sync') done?.();
    return true;
  };

  constructor(url: URL, options: TransportOptions & Partial<NodeTransportOptions>, handler: TransportHandler) {
    this.url = url;
    this.options = options;
    this.handler = handler;
  }

  /** What was sent, without the bookkeeping. */
  get data(): (OutgoingData | Blob)[] {
    return this.sent.map((record) => record.data);
  }

  send(data: OutgoingData | Blob, fragmentSize: number, done?: (error?: Error) => void): boolean {
    if (this.refuse || this.finished) return false;
    this.sent.push({ data, fragmentSize, done });
    if (this.doneMode === 'sync') done?.();
    return true;
  }

  ping(data?: Uint8Array): boolean {
    if (this.refuse || this.finished) return false;
    this.pings.push(data);
    return this.canPing;
  }

  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason });
  }

  terminate(error?: SocklineError): void {
    this.terminated.push({ error });
    const info: CloseInfo = { code: 1006, reason: '', wasClean: false, error };
    // Like both transports: onClose is never reported from inside the call.
    queueMicrotask(() => this.finish(info));
  }

  // ---- the test plays the server ----

  open(info: Partial<OpenInfo> = {}): void {
    this.lastReceivedAt = Date.now();
    this.handler.onOpen({ protocol: '', extensions: '', ...info });
  }

  receive(data: string | Uint8Array, binary = typeof data !== 'string'): void {
    this.lastReceivedAt = Date.now();
    this.handler.onMessage(data, binary);
  }

  pong(data = new Uint8Array(0)): void {
    this.lastReceivedAt = Date.now();
    this.handler.onPong(data);
  }

  serverPing(data = new Uint8Array(0)): void {
    this.lastReceivedAt = Date.now();
    this.handler.onPing(data);
  }

  /** The connection ended: 1006 by default. */
  end(info: Partial<CloseInfo> = {}): void {
    this.finish({ code: 1006, reason: '', wasClean: false, ...info });
  }

  /** The attempt or link failed with `error` (1006). */
  fail(error: SocklineError): void {
    this.end({ error });
  }

  /** Run the pending `done` callbacks of manual mode, successfully. */
  complete(): void {
    for (const record of this.sent.splice(0)) record.done?.();
  }

  /** Run the pending `done` callbacks of manual mode with a write error. */
  failWrites(error: Error = new Error('EPIPE')): void {
    for (const record of this.sent.splice(0)) record.done?.(error);
  }

  finish(info: CloseInfo): void {
    if (this.finished) return;
    this.finished = true;
    this.handler.onClose(info);
  }
}

export interface Script {
  connect: TransportFactory;
  transports: ScriptTransport[];
  /** The transport of the latest attempt. */
  readonly last: ScriptTransport;
  /** Throw from the factory on the next attempts (like the browser's missing WebSocket). */
  throwOnConnect: Error | undefined;
  /** Transports made from now on have no `setReading`/`sendFragment`, like the browser's. */
  browserLike?: boolean;
}

export function script(): Script {
  const transports: ScriptTransport[] = [];
  const s: Script = {
    transports,
    throwOnConnect: undefined,
    connect: (url, options, handler) => {
      if (s.throwOnConnect) throw s.throwOnConnect;
      const transport = new ScriptTransport(url, options, handler);
      if (s.browserLike) transport.setReading = transport.sendFragment = undefined;
      transports.push(transport);
      return transport;
    },
    get last() {
      const transport = transports[transports.length - 1];
      if (!transport) throw new Error('no transport was created yet');
      return transport;
    },
  };
  return s;
}

/**
 * The Node or browser runtime (its capabilities and option rules, unchanged) with the script's transports
 * instead of real ones: what the facade tests construct `SocketCore` with.
 */
export function scriptRuntime(s: Script, runtime: 'node' | 'browser' = 'node'): Runtime {
  return { ...(runtime === 'node' ? (nodeRuntime as Runtime) : browserRuntime), connect: s.connect };
}

/** Options that make tests deterministic: jitter from a fixed random, no heartbeat or timeout unless asked. */
export const testOptions = (options: SocketOptions = {}): SocketOptions => ({
  connectionTimeout: 0,
  heartbeat: false,
  ...options,
  reconnect:
    options.reconnect === false
      ? false
      : { random: () => 0, ...(typeof options.reconnect === 'object' ? options.reconnect : {}) },
});

export const URL_ = 'ws://example.test/socket';

/** A Socket on a fresh script; the first attempt has started once `await settle()` returned. */
export function createSocket(
  options: SocketOptions = {},
  { url = URL_ as UrlInput, runtime = 'node' as 'node' | 'browser', raw = false } = {},
): { socket: SocketCore; s: Script; events: EventLog } {
  const s = script();
  const socket = new SocketCore(url, raw ? options : testOptions(options), scriptRuntime(s, runtime));
  return { socket, s, events: record(socket) };
}

/** Let promise jobs (provider resolution, the microtask the first attempt starts on) run. */
export async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
}

export type EventLog = { name: keyof SocketEvents; args: unknown[] }[] & {
  names(): string[];
  of<K extends keyof SocketEvents>(name: K): SocketEvents[K][];
};

const EVENT_NAMES: (keyof SocketEvents)[] = [
  'open',
  'message',
  'disconnect',
  'reconnecting',
  'close',
  'error',
  'state',
  'ping',
  'pong',
  'drop',
];

/** Record every event the Socket emits, in order. */
export function record(socket: SocketCore): EventLog {
  const log = [] as unknown as EventLog;
  for (const name of EVENT_NAMES) {
    socket.on(name, (...args: unknown[]) => log.push({ name, args }));
  }
  log.names = () => log.map((entry) => (entry.name === 'state' ? `state:${String(entry.args[0])}` : entry.name));
  log.of = <K extends keyof SocketEvents>(name: K) =>
    log.filter((entry) => entry.name === name).map((entry) => entry.args as SocketEvents[K]);
  return log;
}
