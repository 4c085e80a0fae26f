/**
 * Type-level tests of the PUBLISHED types: `sockline` resolves (package self-reference, `types` condition)
 * to dist/index.d.ts. Not run by vitest and excluded from the root tsconfig (it needs a build);
 * test/package/types.test.ts compiles it with the TypeScript API and fails on any diagnostic.
 * Every assertion is a compile-time one: `expectTypeOf` and `@ts-expect-error` lines fail to compile when wrong.
 */
import type * as tls from 'node:tls';
import { expectTypeOf } from 'vitest';
import {
  AbortError,
  CallbackError,
  CloseCode,
  ConnectionClosedError,
  defaultShouldReconnect,
  HandshakeError,
  InvalidArgumentError,
  InvalidStateError,
  isSocklineError,
  NetworkError,
  ProtocolError,
  QueueOverflowError,
  Socket,
  SocklineError,
  TimeoutError,
  type CloseInfo,
  type DropEvent,
  type ErrorCode,
  type HandshakeFailure,
  type HandshakeInfo,
  type HeartbeatOptions,
  type MessageData,
  type MessageInfo,
  type NetworkFailure,
  type OpenInfo,
  type Provider,
  type QueueOptions,
  type ReconnectContext,
  type ReconnectingEvent,
  type ReconnectOptions,
  type SendData,
  type SendOptions,
  type SocketCloseEvent,
  type SocketEvents,
  type SocketOpenEvent,
  type SocketOptions,
  type SocketState,
  type SocketStats,
  type SocklineErrors,
  type TimeoutPhase,
  type TlsData,
  type TlsOptions,
  type TlsPeerCertificate,
  type TlsVersion,
  type UrlInput,
} from 'sockline';

declare const socket: Socket;

// --- every public signature is spelled with exported types -------------------------------------------------
expectTypeOf<ConstructorParameters<typeof Socket>>().toEqualTypeOf<[url: UrlInput, options?: SocketOptions]>();
expectTypeOf<UrlInput>().toEqualTypeOf<Provider<string | URL>>();
expectTypeOf(socket.state).toEqualTypeOf<SocketState>();
expectTypeOf<SocketState>().toEqualTypeOf<'connecting' | 'open' | 'closing' | 'reconnecting' | 'closed'>();
expectTypeOf(socket.stats).toEqualTypeOf<SocketStats>();
expectTypeOf(socket.handshake).toEqualTypeOf<HandshakeInfo | undefined>();
expectTypeOf(socket.send).parameters.toEqualTypeOf<[data: SendData, options?: SendOptions]>();
expectTypeOf(socket.sendAsync).parameters.toEqualTypeOf<[data: SendData, options?: SendOptions]>();
expectTypeOf(socket.sendAsync).returns.toEqualTypeOf<Promise<void>>();
expectTypeOf(defaultShouldReconnect).toEqualTypeOf<(context: ReconnectContext) => boolean>();
expectTypeOf<NonNullable<ReconnectOptions['shouldReconnect']>>().toEqualTypeOf<(context: ReconnectContext) => boolean>();
expectTypeOf<ReconnectContext['lastClose']>().toEqualTypeOf<CloseInfo>();
expectTypeOf<SocketOptions['reconnect']>().toEqualTypeOf<boolean | ReconnectOptions | undefined>();
expectTypeOf<SocketOptions['queue']>().toEqualTypeOf<boolean | QueueOptions | undefined>();
expectTypeOf<SocketOptions['heartbeat']>().toEqualTypeOf<boolean | HeartbeatOptions | undefined>();
expectTypeOf<SocketOptions['tls']>().toEqualTypeOf<TlsOptions | undefined>();
expectTypeOf<SocketOptions['protocols']>().toEqualTypeOf<Provider<string | string[]> | undefined>();

// --- the event map --------------------------------------------------------------------------------------------
expectTypeOf<SocketEvents['open']>().toEqualTypeOf<[event: SocketOpenEvent]>();
expectTypeOf<SocketOpenEvent>().toExtend<OpenInfo>();
expectTypeOf<SocketEvents['message']>().toEqualTypeOf<[data: string | Uint8Array, info: MessageInfo]>();
expectTypeOf<SocketEvents['disconnect']>().toEqualTypeOf<[info: CloseInfo]>();
expectTypeOf<SocketEvents['reconnecting']>().toEqualTypeOf<[event: ReconnectingEvent]>();
expectTypeOf<SocketEvents['close']>().toEqualTypeOf<[event: SocketCloseEvent]>();
expectTypeOf<SocketCloseEvent['unsent']>().toEqualTypeOf<MessageData[]>();
expectTypeOf<SocketEvents['error']>().toEqualTypeOf<[error: SocklineErrors]>();
expectTypeOf<SocketEvents['drop']>().toEqualTypeOf<[event: DropEvent]>();
expectTypeOf<SocketEvents['state']>().toEqualTypeOf<[state: SocketState, previous: SocketState]>();

socket.on('open', (event) => expectTypeOf(event).toEqualTypeOf<SocketOpenEvent>());
socket.on('reconnecting', ({ attempt, delay, lastClose }) => {
  expectTypeOf(attempt).toBeNumber();
  expectTypeOf(delay).toBeNumber();
  expectTypeOf(lastClose).toEqualTypeOf<CloseInfo>();
});
socket.on('close', (event) => expectTypeOf(event).toEqualTypeOf<SocketCloseEvent>());
socket.on('drop', (event) => expectTypeOf(event).toEqualTypeOf<DropEvent>());
socket.on('state', (state, previous) => {
  expectTypeOf(state).toEqualTypeOf<SocketState>();
  expectTypeOf(previous).toEqualTypeOf<SocketState>();
});
// @ts-expect-error not an event of the map
socket.on('opened', () => {});

// --- message: `data` narrows with typeof (a one-parameter listener stays valid) ------------------------------
// `binary` cannot narrow `data` in TypeScript 5.9: dependent-parameter narrowing (TS 4.6) needs the discriminant
// to be a parameter itself, not a property of one, and a union of tuples would reject `(data) => …` listeners.
socket.on('message', (data) => expectTypeOf(data).toEqualTypeOf<string | Uint8Array>());
socket.on('message', (data, { binary }) => {
  expectTypeOf(binary).toBeBoolean();
  if (typeof data === 'string') expectTypeOf(data).toEqualTypeOf<string>();
  else expectTypeOf(data).toEqualTypeOf<Uint8Array>();
});

// --- errors: `code` is a literal per class, so checking it narrows the union ---------------------------------
socket.on('error', (error) => {
  expectTypeOf(error).toEqualTypeOf<SocklineErrors>();
  expectTypeOf(error.code).toEqualTypeOf<ErrorCode>();
  switch (error.code) {
    case 'ERR_SOCKLINE_HANDSHAKE':
      expectTypeOf(error).toEqualTypeOf<HandshakeError>();
      expectTypeOf(error.reason).toEqualTypeOf<HandshakeFailure>();
      expectTypeOf(error.status).toEqualTypeOf<number | undefined>();
      break;
    case 'ERR_SOCKLINE_NETWORK':
      expectTypeOf(error).toEqualTypeOf<NetworkError>();
      expectTypeOf(error.reason).toEqualTypeOf<NetworkFailure | undefined>();
      break;
    case 'ERR_SOCKLINE_TIMEOUT':
      expectTypeOf(error).toEqualTypeOf<TimeoutError>();
      expectTypeOf(error.phase).toEqualTypeOf<TimeoutPhase>();
      break;
    case 'ERR_SOCKLINE_PROTOCOL':
      expectTypeOf(error).toEqualTypeOf<ProtocolError>();
      break;
    case 'ERR_SOCKLINE_QUEUE_OVERFLOW':
      expectTypeOf(error).toEqualTypeOf<QueueOverflowError>();
      break;
    case 'ERR_SOCKLINE_CONNECTION_CLOSED':
      expectTypeOf(error).toEqualTypeOf<ConnectionClosedError>();
      break;
    case 'ERR_SOCKLINE_INVALID_ARGUMENT':
      expectTypeOf(error).toEqualTypeOf<InvalidArgumentError>();
      break;
    case 'ERR_SOCKLINE_INVALID_STATE':
      expectTypeOf(error).toEqualTypeOf<InvalidStateError>();
      break;
    case 'ERR_SOCKLINE_ABORTED':
      expectTypeOf(error).toEqualTypeOf<AbortError>();
      break;
    case 'ERR_SOCKLINE_CALLBACK':
      expectTypeOf(error).toEqualTypeOf<CallbackError>();
      break;
    default:
      expectTypeOf(error).toBeNever();
  }
});
expectTypeOf<HandshakeError['code']>().toEqualTypeOf<'ERR_SOCKLINE_HANDSHAKE'>();
expectTypeOf<NetworkFailure>().toEqualTypeOf<'tls-not-tls' | 'tls-certificate'>();
expectTypeOf<SocklineErrors>().toExtend<SocklineError>();
declare const caught: unknown;
if (isSocklineError(caught) && caught.code === 'ERR_SOCKLINE_TIMEOUT') expectTypeOf(caught).toEqualTypeOf<TimeoutError>();
expectTypeOf(CloseCode.Normal).toEqualTypeOf<1000>();

// --- tls: a structural subset of Node's tls.ConnectionOptions ------------------------------------------------
// Every field exists in Node's type, and Node's values for those fields (Buffers, its checkServerIdentity, …) fit.
expectTypeOf<Exclude<keyof TlsOptions, keyof tls.ConnectionOptions>>().toBeNever();
expectTypeOf<Pick<tls.ConnectionOptions, keyof TlsOptions>>().toExtend<TlsOptions>();
expectTypeOf<TlsOptions['ca']>().toEqualTypeOf<TlsData | TlsData[] | undefined>();
expectTypeOf<TlsOptions['minVersion']>().toEqualTypeOf<TlsVersion | undefined>();
expectTypeOf<tls.PeerCertificate>().toExtend<TlsPeerCertificate>();
declare const pem: Buffer;
new Socket('wss://127.0.0.1/', {
  tls: { ca: [pem, 'PEM'], cert: pem, key: [{ pem, passphrase: 'x' }], servername: 'localhost', minVersion: 'TLSv1.3' },
});
new Socket('wss://127.0.0.1/', { tls: { checkServerIdentity: (host, cert: tls.PeerCertificate) => undefined } });
// @ts-expect-error ca must be PEM text or bytes
new Socket('wss://127.0.0.1/', { tls: { ca: 123 } });
// @ts-expect-error the URL decides host and port
new Socket('wss://127.0.0.1/', { tls: { host: 'example.com' } });
// @ts-expect-error not a TLS version
new Socket('wss://127.0.0.1/', { tls: { minVersion: 'TLSv1.4' } });
// @ts-expect-error an unknown option
new Socket('wss://127.0.0.1/', { reconect: false });
