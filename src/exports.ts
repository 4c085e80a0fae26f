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
  isSocklineError,
} from './errors.js';
export type { ErrorCode, HandshakeFailure, TimeoutPhase } from './errors.js';
export { CloseCode } from './protocol/constants.js';
export type { CloseInfo, HandshakeInfo, OpenInfo } from './transport.js';
export type { WebSocketBinaryType, WebSocketDropEvent, WebSocketEventHandler, WebSocketOptions } from './websocket/websocket.js';
