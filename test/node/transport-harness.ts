/** Drives the Node transport directly (no facade) and records what it reports. */
import { connectNode } from '../../src/node/node-transport.js';
import type { NodeTransportOptions as TransportOptions } from '../../src/node/node-options.js';
import type { CloseInfo, OpenInfo, Transport } from '../../src/transport.js';

export const defaultTransportOptions: TransportOptions = {
  protocols: [],
  headers: {},
  origin: undefined,
  maxPayload: 100 * 1024 * 1024,
  handshakeTimeout: 5_000,
  closeTimeout: 2_000,
  tls: {},
  proxy: undefined,
  noDelay: true,
  perMessageDeflate: true,
};

export interface Received {
  data: string | Uint8Array;
  binary: boolean;
}

export interface Harness {
  transport: Transport;
  opened: Promise<OpenInfo>;
  closed: Promise<CloseInfo>;
  messages: Received[];
  pings: Uint8Array[];
  pongs: Uint8Array[];
  /** Resolves with the next message (or one already received and not yet taken). */
  nextMessage(): Promise<Received>;
  /** Every event in order, for asserting sequences. */
  log: string[];
}

export function open(url: string, overrides: Partial<TransportOptions> = {}): Harness {
  const messages: Received[] = [];
  const waiting: ((m: Received) => void)[] = [];
  let taken = 0;
  const log: string[] = [];
  const pings: Uint8Array[] = [];
  const pongs: Uint8Array[] = [];
  let resolveOpen!: (info: OpenInfo) => void;
  let resolveClose!: (info: CloseInfo) => void;
  const opened = new Promise<OpenInfo>((resolve) => (resolveOpen = resolve));
  const closed = new Promise<CloseInfo>((resolve) => (resolveClose = resolve));
  let closeCount = 0;
  const transport = connectNode(
    new URL(url),
    { ...defaultTransportOptions, ...overrides },
    {
      onOpen(info) {
        log.push('open');
        resolveOpen(info);
      },
      onMessage(data, binary) {
        log.push('message');
        const message = { data, binary };
        messages.push(message);
        const waiter = waiting.shift();
        if (waiter) {
          taken++;
          waiter(message);
        }
      },
      onPing(data) {
        log.push('ping');
        pings.push(data);
      },
      onPong(data) {
        log.push('pong');
        pongs.push(data);
      },
      onClose(info) {
        closeCount++;
        log.push(closeCount === 1 ? 'close' : 'close-again');
        resolveClose(info);
      },
    },
  );
  return {
    transport,
    opened,
    closed,
    messages,
    pings,
    pongs,
    log,
    nextMessage() {
      if (taken < messages.length) return Promise.resolve(messages[taken++]);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}
