/**
 * The `tls` option's type: the client-side fields of Node's `tls.ConnectionOptions` that make sense for a
 * WebSocket, written structurally so that the published types (shared by the Node and the browser build)
 * need no `@types/node`. A Node `Buffer` is a `Uint8Array`, so Node values fit; `tls.connect` accepts any
 * `Uint8Array` at run time too. Left out on purpose: `host`, `port`, `socket`, `path` (the URL decides),
 * `ALPNProtocols` (the upgrade is HTTP/1.1), and server-only fields. test/types checks every field here
 * exists in `tls.ConnectionOptions`.
 */

/** PEM text or DER/PEM bytes (a `Buffer` is fine). */
export type TlsData = string | Uint8Array;

/** A TLS protocol version, as `tls.connect` spells it. */
export type TlsVersion = 'TLSv1.3' | 'TLSv1.2' | 'TLSv1.1' | 'TLSv1';

/** The parts of a `tls.PeerCertificate` most checks use (a Node `PeerCertificate` has all of them). */
export interface TlsPeerCertificate {
  subject: Record<string, string | string[] | undefined>;
  issuer: Record<string, string | string[] | undefined>;
  subjectaltname?: string;
  valid_from: string;
  valid_to: string;
  fingerprint256: string;
  raw: Uint8Array;
}

export interface TlsOptions {
  /** Certificate authorities to trust instead of Node's bundled list (PEM), e.g. your private CA. */
  ca?: TlsData | TlsData[];
  /** Client certificate chain (PEM), for mutual TLS. */
  cert?: TlsData | TlsData[];
  /** Client private key (PEM), for mutual TLS; `{ pem, passphrase }` for an encrypted one. */
  key?: TlsData | Array<TlsData | { pem: TlsData; passphrase?: string }>;
  /** Passphrase of `key` or `pfx`. */
  passphrase?: string;
  /** PFX/PKCS#12 bundle of key and certificates. */
  pfx?: TlsData | Array<TlsData | { buf: TlsData; passphrase?: string }>;
  /** Certificate revocation lists (PEM). */
  crl?: TlsData | TlsData[];
  /** Verify the server's certificate against `ca` (or Node's list). Turning it off disables authentication. @default true */
  rejectUnauthorized?: boolean;
  /** SNI server name and the name the certificate is checked against. @default the URL's host name (none for an IP) */
  servername?: string;
  /**
   * Your own host name check, called with the name and the server's certificate: return an `Error` to refuse it.
   * (A method, so a function taking Node's full `tls.PeerCertificate` fits.)
   */
  checkServerIdentity?(hostname: string, cert: TlsPeerCertificate): Error | undefined;
  /** Lowest TLS version to accept. @default Node's (TLSv1.2) */
  minVersion?: TlsVersion;
  /** Highest TLS version to offer. */
  maxVersion?: TlsVersion;
  /** OpenSSL cipher list. */
  ciphers?: string;
  /** Signature algorithms to offer, colon-separated. */
  sigalgs?: string;
  /** ECDH curves, colon-separated. */
  ecdhCurve?: string;
  /** Smallest DH parameter size (bits) to accept. @default 1024 */
  minDHSize?: number;
  /** OpenSSL `SSL_OP_*` bit mask. */
  secureOptions?: number;
  /** A TLS session to resume (from a previous `TLSSocket#getSession()`). */
  session?: Uint8Array;
  /** A context from `tls.createSecureContext()`, used instead of the fields above. */
  secureContext?: { context: unknown };
  /** Treat intermediate certificates in `ca` as trust anchors. */
  allowPartialTrustChain?: boolean;
}
