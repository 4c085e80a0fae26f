/**
 * Opens the byte stream a WebSocket runs on: TCP, TLS, or a tunnel through an HTTP CONNECT proxy.
 * Nothing WebSocket-specific happens here.
 */
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsOptions } from 'node:tls';
import { HandshakeError, NetworkError, type SocklineError } from '../errors.js';
import { HttpResponseParser, quoteValue } from '../protocol/http-response-parser.js';
import { tlsNetworkError } from './tls-errors.js';

export interface DialOptions {
  tls: Record<string, unknown>;
  proxy: string | undefined;
  noDelay: boolean;
}

export type DialCallback = (error: SocklineError | undefined, socket?: Socket) => void;

/** Host and port to connect to for a ws:/wss: URL; IPv6 literals lose their brackets. */
export function endpointOf(url: URL): { host: string; port: number; secure: boolean } {
  const secure = url.protocol === 'wss:';
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { host, port: url.port ? Number(url.port) : secure ? 443 : 80, secure };
}

/**
 * Connect to the URL's host (directly or through `options.proxy`) and call back once the
 * stream is ready for the HTTP Upgrade request. Returns a function that cancels the attempt.
 */
export function dial(url: URL, options: DialOptions, callback: DialCallback): () => void {
  const { host, port, secure } = endpointOf(url);
  let current: Socket | undefined;
  let finished = false;
  const finish = (error: SocklineError | undefined, socket?: Socket): void => {
    if (finished) return;
    finished = true;
    if (error) current?.destroy();
    callback(error, socket);
  };
  const onError = (error: NodeJS.ErrnoException): void => {
    const target = options.proxy && !secureStarted ? `proxy ${options.proxy}` : `${host}:${port}`;
    // issue 11: TLS failures (not TLS at all, a refused certificate) get a message that says what to do.
    finish(tlsNetworkError(error, target) ?? new NetworkError(`Could not connect to ${target}: ${error.message}`, error));
  };
  let secureStarted = false;

  const startTls = (socket?: Socket): void => {
    secureStarted = true;
    const tlsOptions: TlsOptions = {
      ...(options.tls as TlsOptions),
      host,
      port,
      socket,
      // RFC 6066: SNI carries host names only, never IP literals.
      servername: (options.tls.servername as string | undefined) ?? (isIP(host) ? undefined : host),
    };
    const tlsSocket = tlsConnect(tlsOptions);
    current = tlsSocket;
    tlsSocket.once('error', onError);
    tlsSocket.once('secureConnect', () => ready(tlsSocket));
  };

  const ready = (socket: Socket): void => {
    socket.removeListener('error', onError);
    socket.setNoDelay(options.noDelay);
    finish(undefined, socket);
  };

  if (options.proxy) {
    const proxy = new URL(options.proxy);
    const proxySocket = netConnect({ host: endpointOf(proxy).host, port: Number(proxy.port) || 80 });
    current = proxySocket;
    proxySocket.once('error', onError);
    proxySocket.once('connect', () => {
      proxySocket.write(connectRequest(host, port, proxy));
      const parser = new HttpResponseParser();
      const onData = (chunk: Buffer): void => {
        let result;
        try {
          result = parser.push(chunk);
        } catch (error) {
          finish(error as SocklineError);
          return;
        }
        if (!result) return;
        proxySocket.removeListener('data', onData);
        proxySocket.pause();
        const { head, rest } = result;
        if (head.status !== 200) {
          finish(
            new HandshakeError(
              'proxy',
              `Proxy ${proxy.host} refused to open a tunnel to ${host}:${port}: ${head.status} ${quoteValue(head.statusText)}`,
              { status: head.status, headers: head.headers },
            ),
          );
          return;
        }
        if (rest.length > 0) proxySocket.unshift(rest);
        if (secure) {
          proxySocket.removeListener('error', onError);
          startTls(proxySocket);
        } else {
          ready(proxySocket);
        }
      };
      proxySocket.on('data', onData);
    });
  } else if (secure) {
    startTls();
  } else {
    const socket = netConnect({ host, port });
    current = socket;
    socket.once('error', onError);
    socket.once('connect', () => ready(socket));
  }

  return () => {
    if (finished) return;
    finished = true;
    current?.destroy();
  };
}

function connectRequest(host: string, port: number, proxy: URL): string {
  const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  let request = `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n`;
  if (proxy.username || proxy.password) {
    const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    request += `Proxy-Authorization: Basic ${Buffer.from(credentials).toString('base64')}\r\n`;
  }
  return `${request}\r\n`;
}
