/**
 * What one connection reports upwards, in every runtime: the shapes the core (`ClientConnection`), the
 * transports and the Socket share. They live in the core so that it depends on nothing above it.
 */
import type { SocklineError } from '../errors.js';
import type { DeflateParams } from './permessage-deflate.js';

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
  /** The proxy the connection went through (`scheme://[***@]host:port`, credentials hidden), if any. */
  proxy?: string;
  /** The permessage-deflate parameters agreed on (RFC 7692), when the server accepted our offer. */
  perMessageDeflate?: DeflateParams;
}

export interface OpenInfo {
  /** Negotiated subprotocol, '' when none was offered. */
  protocol: string;
  /** Negotiated extensions header value, '' when none. */
  extensions: string;
  handshake?: HandshakeInfo;
  /** The URL that finally answered, when redirects were followed (Node). */
  url?: string;
}

/**
 * The events of an open (or opening) connection. `ClientConnection` calls them synchronously from inside
 * `receiveData()`; a transport hands the Socket's handler straight to it, so one object serves the core,
 * the transport and the Socket.
 */
export interface ConnectionEvents {
  onOpen(info: OpenInfo): void;
  onMessage(data: string | Uint8Array, binary: boolean): void;
  onPing(data: Uint8Array): void;
  onPong(data: Uint8Array): void;
}
