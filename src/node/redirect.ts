/**
 * Redirects of the opening handshake, and `ws+unix:` URLs, around the Node transport.
 *
 * A 3xx answer fails the handshake (`HandshakeError`, `reason: 'status'`). Without `followRedirects` that is the
 * end of the attempt and the message names the `Location`. With it, `RedirectingTransport` opens a fresh
 * transport (fresh TCP, fresh `ClientConnection`, so a fresh Sec-WebSocket-Key: RFC 6455 §4.1 "The nonce MUST be
 * selected randomly for each connection") for the next URL, up to `maxRedirects` times.
 */
import { HandshakeError, type SocklineError } from '../errors.js';
import type { CloseInfo, OpenInfo, OutgoingData, Transport, TransportHandler } from '../transport.js';
import type { NodeTransportOptions as TransportOptions } from './node-options.js';
import { isUnixUrl, unixTarget } from './unix-url.js';

/** RFC 9110 §15.4: the statuses that carry a Location to follow. (300 and 304 do not name one target.) */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Dropped when a redirect changes the host, as browsers and curl do. */
const ALWAYS_SENSITIVE = ['authorization', 'cookie', 'proxy-authorization'];

/** `ws://host:port/path`: no credentials, no query (they often hold tokens). */
const shown = (url: URL): string => `${url.protocol}//${url.host}${url.pathname}`;

/** The key a request has in the visited set: where it connects and what it asks for. */
export const visitKey = (url: URL, socketPath: string | undefined): string => `${socketPath ?? ''}|${url.href}`;

type Open = (url: URL, options: TransportOptions, handler: TransportHandler) => Transport;

/** The URL and options a transport gets for `url`: a `ws+unix:` URL becomes its socket path and an HTTP URL. */
function target(url: URL, options: TransportOptions): [URL, TransportOptions] {
  if (!isUnixUrl(url)) return [url, options];
  const { socketPath, url: requestUrl } = unixTarget(url);
  return [requestUrl, { ...options, socketPath }];
}

/** The 3xx error the handshake produced, if that is how `info` ended. */
function redirectOf(info: CloseInfo): (HandshakeError & { status: number }) | undefined {
  const error = info.error as Partial<HandshakeError> | undefined;
  return error?.code === 'ERR_SOCKLINE_HANDSHAKE' && error.reason === 'status' && REDIRECTS.has(error.status ?? 0)
    ? (error as HandshakeError & { status: number })
    : undefined;
}

/**
 * Without `followRedirects`: a 3xx handshake error gets a message that names where the server pointed and how to
 * follow it. Anything else is returned as it is.
 */
export function explainRedirect(info: CloseInfo, from: URL): CloseInfo {
  const error = redirectOf(info);
  if (!error) return info;
  const location = error.headers?.location;
  let where = 'no Location header';
  if (location !== undefined) {
    try {
      where = `Location ${shown(new URL(location, from))}`;
    } catch {
      where = 'an invalid Location header';
    }
  }
  const message = `Server answered the opening handshake with a ${error.status} redirect (${where}); redirects are not followed unless followRedirects: true`;
  return {
    ...info,
    error: new HandshakeError(message, 'status', { status: error.status, headers: error.headers, cause: error }),
  };
}

/** What to do with a 3xx: the next URL and headers, or the error that ends the attempt. */
export type RedirectDecision =
  | { url: URL; headers: Record<string, string>; socketPath: string | undefined }
  | { error: SocklineError };

/**
 * Pure rule for one redirect. `from` is the URL that answered (as the user wrote it, `ws+unix:` included),
 * `visited` the URLs already requested in this attempt (`from` included), `hops` the redirects followed so far.
 */
export function nextHop(
  error: HandshakeError & { status: number },
  from: URL,
  options: Pick<TransportOptions, 'headers' | 'maxRedirects' | 'sensitiveHeaders' | 'socketPath'>,
  visited: ReadonlySet<string>,
  hops: number,
): RedirectDecision {
  const status = error.status;
  const fail = (message: string): RedirectDecision => ({
    error: new HandshakeError(message, 'status', { status, headers: error.headers, cause: error }),
  });
  const location = error.headers?.location;
  if (location === undefined || location.trim() === '')
    return fail(`Server answered with a ${status} redirect without a Location header (from ${shown(from)})`);
  const max = options.maxRedirects ?? 10;
  // A relative Location stays on the same server; for a unix socket, on the same socket.
  const relative = !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(location) && !location.startsWith('//');
  let base = from;
  let socketPath = options.socketPath;
  if (isUnixUrl(from)) {
    const unix = unixTarget(from);
    base = unix.url;
    socketPath = relative ? unix.socketPath : undefined;
  }
  let next: URL;
  try {
    next = new URL(location.trim(), base);
  } catch {
    return fail(`Server answered with a ${status} redirect to an invalid Location (from ${shown(from)})`);
  }
  // RFC 6455 §3 / WHATWG: http(s) URLs name the same resources as ws(s).
  if (next.protocol === 'http:') next.protocol = 'ws:';
  else if (next.protocol === 'https:') next.protocol = 'wss:';
  next.hash = '';
  if (next.protocol !== 'ws:' && next.protocol !== 'wss:') {
    return fail(
      `Server redirected to ${JSON.stringify(next.protocol)} (${status} from ${shown(from)}): only ws:, wss:, http: and https: can be followed`,
    );
  }
  const wasSecure = from.protocol === 'wss:' || from.protocol === 'wss+unix:';
  if (wasSecure && next.protocol === 'ws:') {
    return fail(
      `Refused a ${status} redirect from ${shown(from)} to ${shown(next)}: it would downgrade wss: to ws: and send the request in clear text`,
    );
  }
  if (hops >= max) {
    return fail(
      `Too many redirects: more than maxRedirects (${max}); the last was a ${status} from ${shown(from)} to ${shown(next)}`,
    );
  }
  // A user socketPath serves the URL's host only; a redirect elsewhere connects over TCP.
  if (next.host !== base.host) socketPath = undefined;
  if (visited.has(visitKey(next, socketPath))) {
    return fail(
      `Redirect loop: ${shown(from)} redirected (${status}) back to ${shown(next)}, which was already requested in this attempt`,
    );
  }
  const headers = { ...options.headers };
  // Another host (name or port, or leaving a unix socket): credentials meant for the first server must not
  // reach the next one.
  const previousSocket = isUnixUrl(from) ? unixTarget(from).socketPath : options.socketPath;
  if (next.host !== base.host || socketPath !== previousSocket) {
    const drop = new Set([...ALWAYS_SENSITIVE, ...(options.sensitiveHeaders ?? [])]);
    for (const name of Object.keys(headers)) if (drop.has(name.toLowerCase())) delete headers[name];
  }
  return { url: next, headers, socketPath };
}

/**
 * A transport that follows redirects: it forwards to the current hop's transport, and when one fails with a
 * 3xx it opens the next. The handler sees one transport: one `onOpen` (with the final URL) or one `onClose`.
 */
class RedirectingTransport implements Transport, TransportHandler {
  readonly canPing = true;
  readonly #open: Open;
  readonly #handler: TransportHandler;
  #options: TransportOptions;
  #url: URL;
  #inner!: Transport;
  #hops = 0;
  readonly #visited = new Set<string>();

  constructor(url: URL, options: TransportOptions, handler: TransportHandler, open: Open) {
    this.#open = open;
    this.#handler = handler;
    this.#options = options;
    this.#url = url;
    this.#start();
  }

  #start(): void {
    const [url, options] = target(this.#url, this.#options);
    this.#visited.add(visitKey(url, options.socketPath));
    this.#inner = this.#open(url, options, this);
  }

  get bufferedAmount(): number {
    return this.#inner.bufferedAmount;
  }

  get lastReceivedAt(): number {
    return this.#inner.lastReceivedAt;
  }

  send(data: OutgoingData | Blob, fragmentSize: number, done?: (error?: Error) => void): boolean {
    return this.#inner.send(data, fragmentSize, done);
  }

  ping(data?: Uint8Array): boolean {
    return this.#inner.ping(data);
  }

  sendFragment(data: Uint8Array, binary: boolean, first: boolean, fin: boolean, done?: (error?: Error) => void): boolean {
    return this.#inner.sendFragment!(data, binary, first, fin, done);
  }

  setReading(reading: boolean): void {
    this.#inner.setReading!(reading);
  }

  close(code?: number, reason?: string): void {
    this.#inner.close(code, reason);
  }

  terminate(error?: SocklineError): void {
    this.#inner.terminate(error);
  }

  onOpen(info: OpenInfo): void {
    this.#handler.onOpen({ ...info, url: this.#url.href });
  }

  onMessage(data: string | Uint8Array, binary: boolean): void {
    this.#handler.onMessage(data, binary);
  }

  onPing(data: Uint8Array): void {
    this.#handler.onPing(data);
  }

  onPong(data: Uint8Array): void {
    this.#handler.onPong(data);
  }

  onClose(info: CloseInfo): void {
    const error = redirectOf(info);
    if (!error) return this.#handler.onClose(info);
    const decision = nextHop(error, this.#url, this.#options, this.#visited, this.#hops);
    if ('error' in decision) return this.#handler.onClose({ ...info, error: decision.error });
    this.#hops++;
    this.#url = decision.url;
    this.#options = { ...this.#options, headers: decision.headers, socketPath: decision.socketPath };
    try {
      this.#start();
    } catch (cause) {
      this.#handler.onClose({ ...info, error: cause as SocklineError });
    }
  }
}

/**
 * The Node transport factory's wrapper: `ws+unix:` URLs become a socket path, and with `followRedirects` the
 * transport follows redirects. `open` makes one plain transport.
 */
export function connectWithRedirects(url: URL, options: TransportOptions, handler: TransportHandler, open: Open): Transport {
  if (options.followRedirects) return new RedirectingTransport(url, options, handler, open);
  const [requestUrl, requestOptions] = target(url, options);
  return open(requestUrl, requestOptions, handler);
}
