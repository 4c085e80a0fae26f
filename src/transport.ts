import type { SocklineError } from './errors.js';
import type { NetworkTransportOptions } from './node/network-options.js';

/** Binary payloads travel as `Uint8Array` everywhere; `Blob` only where the runtime has a native WebSocket. */
export type OutgoingData = string | Uint8Array;

/** How one connection ended. */
export interface CloseInfo {
  /** Close code received from the server, 1005 when its close frame had none, 1006 when the link was lost. */
  code: number;
  /** Close reason received from the server (UTF-8 decoded), '' when none. */
  reason: string;
  /** True only when both close frames were exchanged (RFC 6455 §7.1.5) and TCP then ended. */
  wasClean: boolean;
  /** Why the connection failed, when it did (handshake rejected, protocol violation, network error, timeout…). */
  error?: SocklineError;
}

/** Details of a completed opening handshake (Node transport only; the browser hides them). */
export interface HandshakeInfo {
  /** The Sec-WebSocket-Key we sent (16 random bytes, base64). */
  key: string;
  /** base64(SHA-1(key + GUID)): what Sec-WebSocket-Accept had to be. */
  expectedAccept: string;
  /** The Sec-WebSocket-Accept the server sent. */
  receivedAccept: string;
  /** HTTP status line code (101). */
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  /** networks: the proxy the connection went through (`scheme://[***@]host:port`, credentials hidden), if any. */
  proxy?: string;
}

export interface OpenInfo {
  /** Negotiated subprotocol, '' when none was offered. */
  protocol: string;
  /** Negotiated extensions header value, '' when none. */
  extensions: string;
  handshake?: HandshakeInfo;
  /** networks: the URL that finally answered, when redirects were followed (Node). */
  url?: string;
}

/**
 * What a transport reports. Exactly one `onClose` ends every transport, whether it opened or not,
 * and nothing is reported after it.
 */
export interface TransportHandler {
  onOpen(info: OpenInfo): void;
  onMessage(data: string | Uint8Array, binary: boolean): void;
  onPing(data: Uint8Array): void;
  onPong(data: Uint8Array): void;
  onClose(info: CloseInfo): void;
}

/** A single connection attempt and, if it opens, the connection. Transports move bytes; the Socket owns policy. */
export interface Transport {
  /** Bytes accepted by `send()` but not yet handed to the operating system. */
  readonly bufferedAmount: number;
  /** `Date.now()` of the last byte/message received; used to detect a frozen or dead link. */
  readonly lastReceivedAt: number;
  /** True where the runtime can send protocol pings (Node); false in browsers. */
  readonly canPing: boolean;
  /**
   * Send one message. Only called while open. `done` runs once the bytes were handed to the network
   * (or with an error if they never will be).
   */
  send(data: OutgoingData | Blob, fragmentSize: number, done?: (error?: Error) => void): void;
  /** Send a ping (no-op returning false where unsupported). */
  ping(data?: Uint8Array): boolean;
  /** Start the closing handshake. Code/reason are already validated. */
  close(code?: number, reason?: string): void;
  /** Drop the connection at once; reported as 1006 with `error`. */
  terminate(error?: SocklineError): void;
}

/** Everything a transport needs for one attempt, already validated and resolved. */
/** networks: the proxy, redirect, unix-socket and address options are in `NetworkTransportOptions`. */
export interface TransportOptions extends NetworkTransportOptions {
  protocols: string[];
  /** Node only. */
  headers: Record<string, string>;
  /** Node only. */
  origin: string | undefined;
  /** Node only. */
  maxPayload: number;
  /** Node only. */
  handshakeTimeout: number;
  /** Node only. */
  closeTimeout: number;
  /** Node only: TLS options passed to tls.connect (ca, cert, key, rejectUnauthorized, servername, …). */
  tls: Record<string, unknown>;
  /** Node only: disable Nagle. */
  noDelay: boolean;
}

export type TransportFactory = (url: URL, options: TransportOptions, handler: TransportHandler) => Transport;
