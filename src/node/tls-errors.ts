/**
 * Node TLS failures as errors that say what to do. OpenSSL's own text (`…ssl3_get_record:wrong version
 * number:../deps/openssl/…`) names neither the cause nor the fix; it stays on `cause`.
 * Pure: an error in, a `NetworkError` (or `undefined` when it is not a TLS failure we know) out.
 */
import { NetworkError } from '../errors.js';

/** A system error from node:tls / node:net: `code` is OpenSSL's X.509 verify code or Node's `ERR_*`. */
export interface SystemError {
  code?: string;
  message: string;
  /** `ERR_TLS_CERT_ALTNAME_INVALID` says here which name did not match. */
  reason?: string;
}

/** The bytes that came back were not a TLS record: the server speaks plain TCP/HTTP on that port. */
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER']);

/** The chain does not lead to a CA we trust (Node's X.509 verify codes; OpenSSL `X509_V_ERR_*`). */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'CERT_CHAIN_TOO_LONG',
  'PATH_LENGTH_EXCEEDED',
]);

/** The certificate is outside its validity period. */
const DATES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
]);

/** The certificate is valid but not for the host we connected to. */
const HOST = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);

/** Other verification failures: a broken or revoked certificate. */
const BROKEN = new Set([
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'INVALID_PURPOSE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'UNABLE_TO_GET_CRL',
  'CRL_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_SIGNATURE_FAILURE',
]);

const FINAL = 'This fails the same way on every attempt, so the default reconnection policy does not retry it.';

/**
 * The `NetworkError` for a TLS failure connecting to `target` (`host:port`), or `undefined` when `error` is
 * not one (a refused or reset connection keeps its generic message and is retried).
 *
 * - `tls-not-tls`: a `wss:` URL reached a server that does not speak TLS, usually a `ws:` server.
 * - `tls-certificate`: the server's certificate failed verification; the message says how to trust the CA
 *   (`tls.ca`) or fix the host.
 * Both are final under `defaultShouldReconnect`: they repeat until a configuration changes.
 */
export function tlsNetworkError(error: SystemError, target: string): NetworkError | undefined {
  const code = error.code ?? '';
  if (NOT_TLS.has(code)) {
    return new NetworkError(
      `Could not connect to ${target}: the server did not answer with TLS — is the URL ws:// ? ` +
        `(a wss:// URL needs a TLS server on that port; ${code}). ${FINAL}`,
      error,
      'tls-not-tls',
    );
  }
  let advice: string;
  if (UNTRUSTED.has(code)) {
    advice =
      `it is not signed by a certificate authority this process trusts (${error.message}). If the server uses a ` +
      'private or self-signed CA, pass that CA certificate (PEM) as the `tls.ca` option; if it uses a public CA, ' +
      'configure the server to send its intermediate certificates.';
  } else if (DATES.has(code)) {
    advice =
      `it is outside its validity period (${error.message}). Renew the certificate on the server, or check this ` +
      "machine's clock.";
  } else if (HOST.has(code)) {
    advice =
      `it was not issued for the host in the URL (${(error.reason ?? error.message).replace(/[\s:]+$/, '')}). ` +
      'Connect with a host name the certificate lists, or set `tls.servername` to the name it was issued for.';
  } else if (BROKEN.has(code)) {
    advice = `it is invalid (${error.message}). Replace the certificate on the server.`;
  } else {
    return undefined;
  }
  return new NetworkError(
    `Could not connect to ${target}: its TLS certificate was refused (${code}) because ${advice} ${FINAL}`,
    error,
    'tls-certificate',
  );
}
