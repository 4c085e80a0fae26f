/** Everything both entry points export besides `Socket`. */
export {
  SocklineError,
  InvalidArgumentError,
  InvalidStateError,
  HandshakeError,
  ProtocolError,
  TimeoutError,
  QueueOverflowError,
  ConnectionClosedError,
  NetworkError,
  AbortError,
  CallbackError,
  isSocklineError,
} from './errors.js';
export type {
  ErrorCode,
  HandshakeFailure,
  NetworkFailure,
  ProtocolViolation,
  ProxyFailure,
  SocklineErrors,
  TimeoutPhase,
} from './errors.js';
export { CloseCode } from './protocol/constants.js';
export type { CloseInfo, HandshakeInfo, OpenInfo } from './transport.js';
// The README tells users to compose the default policy (`(c) => ... || defaultShouldReconnect(c)`).
export { defaultShouldReconnect } from './backoff.js';
export type { ReconnectContext } from './backoff.js';
// Every type that appears in a public signature, so that apps can name them (test/package/types/ checks it).
export type {
  DropEvent,
  MessageData,
  MessageInfo,
  ReconnectingEvent,
  SendData,
  SocketCloseEvent,
  SocketEvents,
  SocketOpenEvent,
  SocketState,
  SocketStats,
} from './events.js';
export type { HeartbeatOptions, Provider, QueueOptions, ReconnectOptions, SocketOptions, UrlInput } from './options.js';
export type { SendOptions } from './socket.js';
export type { MessagesOptions } from './message-iterator.js';
export type { SendStreamOptions, SendStreamWriter } from './send-stream.js';
export type { TlsData, TlsOptions, TlsPeerCertificate, TlsVersion } from './tls-options.js';
export type { WebSocketBinaryType, WebSocketDropEvent, WebSocketEventHandler, WebSocketOptions } from './websocket/websocket.js';
// bundle (issue 16): the heartbeat as an option value; a browser bundle carries its code only when this is imported
// (also `import { heartbeat } from 'sockline/heartbeat'`).
export { heartbeat } from './heartbeat.js';
