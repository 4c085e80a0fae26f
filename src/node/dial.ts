/**
 * Opens the byte stream a WebSocket runs on: TCP or a unix socket, optionally through a proxy (HTTP CONNECT,
 * HTTPS CONNECT, SOCKS4/4a/5/5h), then TLS to the server for `wss:`. Nothing WebSocket-specific happens here.
 *
 * Every step that runs from a socket listener is guarded: whatever goes wrong (a refused connection, a proxy that
 * says no or hangs up, a TLS option Node rejects, a user `lookup` or `checkServerIdentity` that throws) ends the
 * attempt with one typed error through the callback, never with an exception out of a listener.
 */
import { Buffer } from 'node:buffer';
import { lookup as dnsLookup } from 'node:dns';
import { connect as netConnect, isIP, type NetConnectOpts, type Socket, type TcpNetConnectOpts } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsOptions } from 'node:tls';
import { InvalidArgumentError, isSocklineError, NetworkError, type SocklineError } from '../errors.js';
import { proxyError } from '../protocol/proxy-error.js';
import { SocksClient } from '../protocol/socks.js';
import { HttpConnectClient, type TunnelHandshake } from './http-proxy.js';
import type { NetworkTransportOptions, ProxySetting } from './network-options.js';
import { proxyFromEnvironment } from './proxy-env.js';
import { tlsNetworkError } from './tls-errors.js';
import { parseProxyUrl, type ProxyEndpoint } from './proxy-url.js';

export interface DialOptions extends NetworkTransportOptions {
  tls: Record<string, unknown>;
  noDelay: boolean;
}

/** `via` is the proxy used (credentials hidden), for the handshake info. */
export type DialCallback = (error: SocklineError | undefined, socket?: Socket, via?: string) => void;

export interface DialHandle {
  /** Abandon the attempt and destroy its sockets (no callback follows). */
  cancel(): void;
  /** What the attempt is waiting for when it is in a proxy's hands (for timeout messages), else undefined. */
  readonly stage: string | undefined;
}

/** Host and port to connect to for a ws:/wss: URL; IPv6 literals lose their brackets. */
export function endpointOf(url: URL): { host: string; port: number; secure: boolean } {
  const secure = url.protocol === 'wss:';
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { host, port: url.port ? Number(url.port) : secure ? 443 : 80, secure };
}

/** The proxy for this URL, if any. @throws InvalidArgumentError for an invalid proxy URL string. */
export function proxyFor(setting: ProxySetting, host: string, port: number, secure: boolean): ProxyEndpoint | undefined {
  if (setting === undefined || setting === false) return undefined;
  if (typeof setting === 'string') return parseProxyUrl(setting, 'option proxy');
  if ('fixed' in setting) return setting.fixed;
  return proxyFromEnvironment(host, port, secure, setting.env);
}

/**
 * Connect to the URL's host (directly, through a unix socket or through a proxy) and call back once the stream is
 * ready for the HTTP Upgrade request. The callback never runs synchronously.
 */
export function dial(url: URL, options: DialOptions, callback: DialCallback): DialHandle {
  return new Dialer(url, options, callback);
}

const hostPort = (host: string, port: number): string => `${host.includes(':') ? `[${host}]` : host}:${port}`;

/** A listener for sockets we no longer watch but that stay under a TLS socket: their errors reach the TLS socket. */
function ignoreError(): void {}

/**
 * A synchronous throw from `net.connect`/`tls.connect` is a bad option (nothing went on the network yet): an
 * `InvalidArgumentError` naming the option, without the "Received …" part Node adds (it may quote a key).
 */
function optionError(name: string, error: unknown): SocklineError {
  if (isSocklineError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new InvalidArgumentError(`Invalid option ${name}: ${message.replace(/\.? ?Received[\s\S]*$/, '')}`);
}

/**
 * The user's `checkServerIdentity` runs inside Node's TLS handshake, from socket I/O: if it throws, the exception is
 * uncaught. It becomes the error it should have returned, and the attempt fails with a `NetworkError`.
 * (A throwing `pskCallback` is already turned into a TLS error by Node; the test keeps it that way.)
 */
function guardTlsCallbacks(options: Record<string, unknown>): Record<string, unknown> {
  const check = options.checkServerIdentity;
  if (typeof check !== 'function') return options;
  return {
    ...options,
    checkServerIdentity(host: string, cert: unknown): Error | undefined {
      try {
        return check(host, cert);
      } catch (error) {
        return error instanceof Error ? error : new Error(`checkServerIdentity threw ${String(error)}`);
      }
    },
  };
}

class Dialer implements DialHandle {
  readonly #options: DialOptions;
  readonly #callback: DialCallback;
  readonly #target: { host: string; port: number; secure: boolean };
  #proxy: ProxyEndpoint | undefined;
  #handshake: TunnelHandshake | undefined;
  /** Every socket this attempt created, outermost last; destroyed if it fails. */
  readonly #sockets: Socket[] = [];
  /** Our 'error' listener on each of `#sockets` (same index). */
  readonly #onErrors: ((error: Error) => void)[] = [];
  #finished = false;
  /** Still inside `dial()`: a failure now must be reported on a later tick. */
  #sync = true;
  #stage: string | undefined;
  /** `#ready` handed the socket to the callback. */
  #handedOver = false;

  constructor(url: URL, options: DialOptions, callback: DialCallback) {
    this.#options = options;
    this.#callback = callback;
    this.#target = endpointOf(url);
    try {
      this.#begin();
    } catch (error) {
      this.#fail(isSocklineError(error) ? error : new NetworkError(`Could not start the connection: ${String(error)}`, error));
    }
    this.#sync = false;
  }

  get stage(): string | undefined {
    return this.#stage;
  }

  cancel(): void {
    if (this.#finished) return;
    this.#finished = true;
    for (const socket of this.#sockets) socket.destroy();
  }

  #begin(): void {
    const { host, port, secure } = this.#target;
    const { socketPath } = this.#options;
    const proxy = socketPath === undefined ? proxyFor(this.#options.proxy, host, port, secure) : undefined;
    this.#proxy = proxy;
    if (!proxy) {
      if (secure) this.#startTls(undefined);
      else
        this.#connectTcp(
          host,
          port,
          socketPath,
          (socket) => this.#ready(socket),
          (error) => this.#directError(error),
        );
      return;
    }
    // socks5:// and socks4:// resolve the name here ("local DNS"); socks5h:// and socks4a:// let the proxy do it.
    if ((proxy.kind === 'socks5' || proxy.kind === 'socks4') && isIP(host) === 0) {
      this.#resolve(host, proxy.kind === 'socks4' ? 4 : (this.#options.family ?? 0), (address) =>
        this.#connectProxy(proxy, address),
      );
    } else {
      this.#connectProxy(proxy, host);
    }
  }

  /** net.connect options for `host`:`port` (or a unix socket) with the connection options. */
  #netOptions(host: string, port: number, path?: string): NetConnectOpts {
    if (path !== undefined) return { path };
    const { family, localAddress, lookup, autoSelectFamily } = this.#options;
    const options: TcpNetConnectOpts & { autoSelectFamily?: boolean } = { host, port };
    if (family) options.family = family;
    if (localAddress !== undefined) options.localAddress = localAddress;
    if (autoSelectFamily !== undefined) options.autoSelectFamily = autoSelectFamily;
    if (lookup !== undefined) options.lookup = this.#guardLookup(lookup) as TcpNetConnectOpts['lookup'];
    return options;
  }

  /** A user lookup that throws (or calls back twice) fails the attempt instead of the process. */
  #guardLookup(lookup: NonNullable<DialOptions['lookup']>): NonNullable<DialOptions['lookup']> {
    return (hostname, options, callback) => {
      let called = false;
      const once: typeof callback = (...args) => {
        if (called) return;
        called = true;
        callback(...args);
      };
      try {
        lookup(hostname, options, once);
      } catch (error) {
        once(error instanceof Error ? error : new Error(`lookup threw ${String(error)}`), '');
      }
    };
  }

  #connectTcp(
    host: string,
    port: number,
    path: string | undefined,
    onConnect: (socket: Socket) => void,
    onError: (error: Error) => void,
  ): void {
    let socket: Socket;
    try {
      socket = netConnect(this.#netOptions(host, port, path));
    } catch (error) {
      this.#fail(optionError('family/localAddress/lookup', error));
      return;
    }
    this.#track(socket, onError);
    socket.once('connect', () => this.#guard(() => onConnect(socket)));
  }

  #track(socket: Socket, onError: (error: Error) => void): void {
    const listener = (error: Error): void => this.#guard(() => onError(error));
    this.#sockets.push(socket);
    this.#onErrors.push(listener);
    socket.on('error', listener);
  }

  /** Run a step from a listener: anything it throws fails the attempt. */
  #guard(step: () => void): void {
    if (this.#finished) return;
    try {
      step();
    } catch (error) {
      // Thrown by our caller's callback after the stream was handed over: not ours to swallow.
      if (this.#handedOver) throw error;
      this.#fail(isSocklineError(error) ? error : new NetworkError(`Connection setup failed: ${String(error)}`, error));
    }
  }

  #directError(error: NodeJS.ErrnoException): void {
    const { host, port } = this.#target;
    const where = this.#options.socketPath !== undefined ? `unix socket ${this.#options.socketPath}` : hostPort(host, port);
    // TLS failures (not TLS at all, a refused certificate) get a message that says what to do (issue 11).
    this.#fail(tlsNetworkError(error, where) ?? new NetworkError(`Could not connect to ${where}: ${error.message}`, error));
  }

  #resolve(host: string, family: number, then: (address: string) => void): void {
    const lookup = this.#guardLookup((this.#options.lookup ?? dnsLookup) as NonNullable<DialOptions['lookup']>);
    this.#stage = `the address of ${host}`;
    lookup(host, { family }, (error, address) => {
      this.#guard(() => {
        const first = Array.isArray(address) ? address[0]?.address : address;
        if (error || typeof first !== 'string' || isIP(first) === 0) {
          const proxy = this.#proxy!;
          throw new NetworkError(
            `Could not resolve ${host} for ${proxy.kind}:// proxy ${proxy.shown} (use ${proxy.kind}${proxy.kind === 'socks4' ? 'a' : 'h'}:// to let the proxy resolve it): ${error?.message ?? `lookup gave ${String(first)}`}`,
            error ?? undefined,
          );
        }
        then(first);
      });
    });
  }

  #connectProxy(proxy: ProxyEndpoint, targetHost: string): void {
    const { port } = this.#target;
    this.#handshake =
      proxy.kind === 'http' || proxy.kind === 'https'
        ? new HttpConnectClient({
            host: targetHost,
            port,
            username: proxy.username,
            password: proxy.password,
            shown: proxy.shown,
          })
        : new SocksClient({
            version: proxy.kind === 'socks4' || proxy.kind === 'socks4a' ? 4 : 5,
            host: targetHost,
            port,
            username: proxy.username,
            password: proxy.password,
            shown: proxy.shown,
          });
    this.#stage = `a connection to proxy ${proxy.shown}`;
    let connected = false;
    const onError = (error: NodeJS.ErrnoException): void => {
      if (!connected) {
        throw new NetworkError(`Could not connect to proxy ${proxy.shown} (${proxy.source}): ${error.message}`, error);
      }
      // Reset or broken while it was answering: the same as an early end, with the system error as the cause.
      const ended = this.#handshake!.receiveEof();
      throw proxyError('closed', `${ended.message}: ${error.message}`, { cause: error });
    };
    const onConnect = (socket: Socket): void => {
      connected = true;
      this.#runHandshake(socket, proxy);
    };
    if (proxy.kind === 'https') {
      const tlsOptions = guardTlsCallbacks(this.#options.proxyTls ?? {});
      let socket: Socket;
      try {
        socket = tlsConnect({
          ...(this.#netOptions(proxy.host, proxy.port) as TlsOptions),
          ...(tlsOptions as TlsOptions),
          host: proxy.host,
          port: proxy.port,
          servername: (tlsOptions.servername as string | undefined) ?? (isIP(proxy.host) ? undefined : proxy.host),
        });
      } catch (error) {
        this.#fail(optionError('proxyTls', error));
        return;
      }
      this.#track(socket, onError);
      socket.once('secureConnect', () => this.#guard(() => onConnect(socket)));
    } else {
      this.#connectTcp(proxy.host, proxy.port, undefined, onConnect, onError);
    }
  }

  #runHandshake(socket: Socket, proxy: ProxyEndpoint): void {
    const handshake = this.#handshake!;
    const { host, port } = this.#target;
    this.#stage = `proxy ${proxy.shown} to send ${handshake.waitingFor} (tunnel to ${hostPort(host, port)})`;
    const onEnd = (): void => this.#guard(() => this.#fail(handshake.receiveEof()));
    const onData = (chunk: Buffer): void =>
      this.#guard(() => {
        const step = handshake.receive(chunk);
        if (step.send.length > 0) socket.write(step.send);
        if (!step.open) return;
        socket.removeListener('data', onData);
        socket.removeListener('end', onEnd);
        socket.removeListener('close', onEnd);
        socket.pause();
        if (step.open.rest.length > 0) socket.unshift(Buffer.from(step.open.rest));
        this.#stage = undefined;
        this.#tunnelOpen(socket);
      });
    socket.on('data', onData);
    // The proxy hung up before its answer was complete: fail now rather than wait for a timeout.
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.write(handshake.start());
  }

  #tunnelOpen(socket: Socket): void {
    if (this.#target.secure) this.#startTls(socket);
    else this.#ready(socket);
  }

  /** TLS to the server, over `socket` (a tunnel) or over a new connection. */
  #startTls(socket: Socket | undefined): void {
    const { host, port } = this.#target;
    const { socketPath } = this.#options;
    const user = guardTlsCallbacks(this.#options.tls);
    const tlsOptions: TlsOptions = {
      ...(socket ? {} : (this.#netOptions(host, port, socketPath) as TlsOptions)),
      ...(user as TlsOptions),
      host,
      port,
      socket,
      // RFC 6066: SNI carries host names only, never IP literals.
      servername: (user.servername as string | undefined) ?? (isIP(host) ? undefined : host),
    };
    let tlsSocket: Socket;
    try {
      tlsSocket = tlsConnect(tlsOptions);
    } catch (error) {
      this.#fail(optionError('tls', error));
      return;
    }
    const proxy = this.#proxy;
    this.#track(tlsSocket, (error) => {
      if (!proxy) return this.#directError(error);
      const where = `${hostPort(host, port)} through proxy ${proxy.shown}`;
      this.#fail(tlsNetworkError(error, where) ?? new NetworkError(`Could not connect to ${where}: ${error.message}`, error));
    });
    tlsSocket.once('secureConnect', () => this.#guard(() => this.#ready(tlsSocket)));
  }

  #ready(socket: Socket): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#sockets.forEach((each, i) => {
      each.removeListener('error', this.#onErrors[i]);
      if (each !== socket) each.on('error', ignoreError);
    });
    socket.setNoDelay(this.#options.noDelay);
    this.#handedOver = true;
    this.#callback(undefined, socket, this.#proxy?.shown);
  }

  #fail(error: SocklineError): void {
    if (this.#finished) return;
    this.#finished = true;
    for (const socket of this.#sockets) {
      // A destroyed socket may still emit an error it already had queued: keep it from being unhandled.
      socket.on('error', ignoreError);
      socket.destroy();
    }
    if (this.#sync) process.nextTick(this.#callback, error);
    else this.#callback(error);
  }
}
