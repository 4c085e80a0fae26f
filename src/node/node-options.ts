/**
 * The options only the Node build has: their public type, their defaults, their validation and what they
 * become for one attempt. The browser build never loads this file (`options.ts` imports its type only), so
 * none of it, nor the handshake's header rules, is in a browser bundle.
 */
import type { TlsOptions } from '../tls-options.js';
import { invalid, isObject, MAX_TIMER, number, provider, type Provider, type SocketOptions } from '../options.js';
import { DEFAULT_MAX_PAYLOAD } from '../protocol/constants.js';
import { validateHeaders } from '../protocol/handshake-request.js';
import { resolvePerMessageDeflate, type PerMessageDeflateOptions } from '../protocol/permessage-deflate.js';
import type { TransportOptions } from '../transport.js';
import {
  NETWORK_OPTIONS,
  networkTransportOptions,
  type NetworkSocketOptions,
  type NetworkTransportOptions,
} from './network-options.js';
import { checkOrigin, checkSingleOrigin, checkTlsOptions } from '../request-checks.js';

/** The options the Node transport honours and browsers refuse (the native WebSocket cannot apply them). */
export interface NodeSocketOptions extends NetworkSocketOptions {
  /** Node only: extra request headers, or a provider (e.g. a fresh `Authorization`). @default {} */
  headers?: Provider<Record<string, string>>;
  /** Node only: the `Origin` header. @default undefined (none) */
  origin?: string;
  /** Node only: largest incoming message in bytes; a bigger one closes with 1009. @default 104857600 (100 MiB) */
  maxPayload?: number;
  /** Node only: ms for the HTTP upgrade after TCP/TLS is up; 0 disables. @default 10000 */
  handshakeTimeout?: number;
  /** Node only: ms to wait for the server's Close frame and TCP end after ours; 0 disables. @default 5000 */
  closeTimeout?: number;
  /** Node only: options for `tls.connect` (`ca`, `cert`, `key`, `rejectUnauthorized`, `servername`, …). @default {} */
  tls?: TlsOptions;
  /** Node only: disable Nagle's algorithm (TCP_NODELAY). @default true */
  noDelay?: boolean;
  /**
   * Node only: offer permessage-deflate (RFC 7692), `ws`'s option names. `true` offers it with the defaults
   * (`permessage-deflate; client_max_window_bits`, like browsers), `false` offers nothing. @default true
   */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
}

/** Everything the Node transport needs for one attempt, already validated and resolved. */
export interface NodeTransportOptions extends TransportOptions, NetworkTransportOptions {
  headers: Record<string, string>;
  /** The `Origin` header, when one is sent. */
  origin: string | undefined;
  maxPayload: number;
  handshakeTimeout: number;
  closeTimeout: number;
  /** TLS options passed to tls.connect (ca, cert, key, rejectUnauthorized, servername, …). */
  tls: Record<string, unknown>;
  /** Disable Nagle. */
  noDelay: boolean;
  /** The `perMessageDeflate` option, validated (the transport resolves it per attempt: `resolvePerMessageDeflate`). */
  perMessageDeflate: boolean | PerMessageDeflateOptions;
}

/** The Node options after validation: the headers (a provider stays a function) and the static part of every attempt. */
export interface NodeSettings {
  headers: Provider<Record<string, string>>;
  transport: Omit<NodeTransportOptions, 'protocols' | 'headers'>;
}

/** Every default of the Node-only options, in documentation order. */
export const NODE_DEFAULTS = Object.freeze({
  headers: Object.freeze({}) as Readonly<Record<string, string>>,
  origin: undefined,
  maxPayload: DEFAULT_MAX_PAYLOAD,
  handshakeTimeout: 10_000,
  closeTimeout: 5_000,
  tls: Object.freeze({}) as Readonly<Record<string, unknown>>,
  noDelay: true,
  perMessageDeflate: true as boolean | PerMessageDeflateOptions,
});

/** The names of the Node-only options. */
export const NODE_OPTION_NAMES: readonly string[] = Object.freeze([...Object.keys(NODE_DEFAULTS), ...NETWORK_OPTIONS]);

/** Validates `perMessageDeflate` at construction (throws `InvalidArgumentError`); an object is copied. */
function checkPerMessageDeflate(value: boolean | PerMessageDeflateOptions): boolean | PerMessageDeflateOptions {
  resolvePerMessageDeflate(value, 'perMessageDeflate');
  return typeof value === 'object' && value !== null ? { ...value } : value;
}

/** Request headers, copied and validated; also run on every value a headers provider returns. */
export function toHeaders(value: unknown): Record<string, string> {
  if (!isObject(value)) invalid('headers', value, 'an object of name → value or a function');
  // The default (no headers): the frozen empty object is shared, not copied per Socket (nothing writes to it).
  if (value === NODE_DEFAULTS.headers) return value as Record<string, string>;
  const headers = { ...(value as Record<string, string>) };
  validateHeaders(headers);
  return headers;
}

/**
 * Validate the Node-only options and fill in their defaults (`undefined` means "the default").
 * @throws InvalidArgumentError naming the option, the value received and what is allowed.
 */
export function normalizeNodeOptions(options: SocketOptions): NodeSettings {
  const o = { ...NODE_DEFAULTS } as unknown as Required<NodeSocketOptions>;
  for (const name of Object.keys(NODE_DEFAULTS)) {
    const value = options[name as keyof NodeSocketOptions];
    if (value !== undefined) (o as Record<string, unknown>)[name] = value;
  }
  number('maxPayload', o.maxPayload, 1, Number.MAX_SAFE_INTEGER, true);
  number('handshakeTimeout', o.handshakeTimeout, 0, MAX_TIMER);
  number('closeTimeout', o.closeTimeout, 0, MAX_TIMER);
  if (o.origin !== undefined && typeof o.origin !== 'string') invalid('origin', o.origin, 'a string');
  checkOrigin(o.origin);
  if (!isObject(o.tls)) invalid('tls', o.tls, 'an object of tls.connect options');
  if (typeof o.noDelay !== 'boolean') invalid('noDelay', o.noDelay, 'true or false');
  return {
    // Origin twice (option and header) is refused here, for a static value and for every provider value alike.
    headers: provider(o.headers, (value) => checkSingleOrigin(toHeaders(value), o.origin)),
    transport: {
      origin: o.origin,
      maxPayload: o.maxPayload,
      handshakeTimeout: o.handshakeTimeout,
      closeTimeout: o.closeTimeout,
      tls: checkTlsOptions(o.tls),
      noDelay: o.noDelay,
      perMessageDeflate: checkPerMessageDeflate(o.perMessageDeflate),
      // The proxy (incl. the environment's), redirects, socketPath, family, lookup…: network-options.ts.
      ...networkTransportOptions(options as Record<string, unknown>),
    },
  };
}
