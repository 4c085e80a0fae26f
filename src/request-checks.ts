/**
 * Checks of what goes into the opening handshake request that can be made before any connection exists, so that
 * a bad value is an `InvalidArgumentError` from the constructor (or a failed attempt, for a provider's value),
 * never an exception thrown later from inside a socket listener (issue 9 items 1, 2, 7, 17). Error messages name
 * the option or header but never print its value: values are often credentials (issue 9 item 13).
 */
import { brief, DEV } from './dev.js';
import { InvalidArgumentError } from './errors.js';

/** RFC 7230 §3.2 field-value as we send it: HTAB and visible ASCII (0x20-0x7E) only. */
const UNSAFE_CHAR = /[^\t\x20-\x7e]/;

/** What is wrong with a header value, without quoting it: '' when it is fine. */
export function unsafeValueProblem(value: string): string {
  const bad = UNSAFE_CHAR.exec(value);
  if (!bad) return '';
  const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return `character U+${code} is not allowed (at index ${bad.index}; only HTAB and printable ASCII: CR, LF and NUL would break the request)`;
}

/** The `origin` option: a string that can be sent as a header value. */
export function checkOrigin(origin: unknown): void {
  if (origin === undefined) return;
  if (typeof origin !== 'string') throw new InvalidArgumentError('Invalid option origin: expected a string');
  const problem = unsafeValueProblem(origin);
  if (problem) throw new InvalidArgumentError(`Invalid option origin: ${problem}`);
}

/** RFC 6454 §7: one Origin header. Both the option and a header would send two (or make us pick one). */
export function checkSingleOrigin(headers: Record<string, string>, origin: string | undefined): Record<string, string> {
  if (origin !== undefined && Object.keys(headers).some((name) => name.toLowerCase() === 'origin')) {
    throw new InvalidArgumentError('Origin given twice: as the origin option and as an Origin header: pass only one of them');
  }
  return headers;
}

/** WHATWG URL keeps userinfo percent-encoded; the request decodes it (RFC 7617 Basic credentials). */
export function checkUserinfo(url: URL, shown: string): void {
  try {
    // One call for both parts: ':' cannot complete a broken escape, so this fails iff one of them is broken.
    decodeURIComponent(url.username + ':' + url.password);
  } catch {
    throw new InvalidArgumentError(
      DEV
        ? `Invalid URL ${shown}: broken percent-encoding in its userinfo (write "%" as %25)`
        : brief(`Invalid URL ${shown}: userinfo`, 'api'),
    );
  }
}

const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const isBytes = (value: unknown): boolean => typeof value === 'string' || ArrayBuffer.isView(value);
/** `ca`, `cert`, `crl`: PEM text or bytes, or a list of them; `key`/`pfx` also take `{ pem | buf, passphrase }`. */
const isMaterial =
  (withObjects: boolean) =>
  (value: unknown): boolean =>
    isBytes(value) ||
    (Array.isArray(value) && value.every((item) => isBytes(item) || (withObjects && typeof item === 'object' && item !== null)));

/** The `tls.connect` options whose type we check up front; the others are left to Node (a final error too). */
const TLS_RULES: Record<string, [check: (value: unknown) => boolean, expected: string]> = {
  ca: [isMaterial(false), 'PEM text, bytes, or an array of them'],
  cert: [isMaterial(false), 'PEM text, bytes, or an array of them'],
  crl: [isMaterial(false), 'PEM text, bytes, or an array of them'],
  key: [isMaterial(true), 'PEM text, bytes, or an array of them or of { pem, passphrase }'],
  pfx: [isMaterial(true), 'bytes, or an array of them or of { buf, passphrase }'],
  passphrase: [(value) => typeof value === 'string', 'a string'],
  servername: [(value) => typeof value === 'string', 'a string'],
  ciphers: [(value) => typeof value === 'string', 'a string'],
  minVersion: [(value) => TLS_VERSIONS.includes(value as string), TLS_VERSIONS.join(', ')],
  maxVersion: [(value) => TLS_VERSIONS.includes(value as string), TLS_VERSIONS.join(', ')],
  rejectUnauthorized: [(value) => typeof value === 'boolean', 'true or false'],
  checkServerIdentity: [(value) => typeof value === 'function', 'a function'],
};

/**
 * The `tls` option, copied and checked. A `checkServerIdentity` is wrapped so that a throw becomes the
 * verification error Node expects it to return (else it is thrown from a TLS socket listener: uncaught).
 */
export function checkTlsOptions(tls: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...tls };
  for (const key of Object.keys(copy)) {
    const value = copy[key];
    if (value === undefined || !Object.prototype.hasOwnProperty.call(TLS_RULES, key)) continue;
    const [check, expected] = TLS_RULES[key];
    if (!check(value))
      throw new InvalidArgumentError(`Invalid option tls.${key}: expected ${expected}, got ${describeType(value)}`);
  }
  const identity = copy.checkServerIdentity as ((host: string, cert: unknown) => Error | undefined) | undefined;
  if (identity) {
    copy.checkServerIdentity = (host: string, cert: unknown): Error | undefined => {
      try {
        return identity(host, cert);
      } catch (error) {
        return error instanceof Error ? error : new Error(`tls.checkServerIdentity threw ${typeof error}`);
      }
    };
  }
  return copy;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array with other items';
  return typeof value === 'string' ? 'another string' : typeof value;
}
