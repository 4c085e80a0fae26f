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
export type { ErrorCode, HandshakeFailure, ProtocolViolation, TimeoutPhase } from './errors.js';
export { CloseCode } from './protocol/constants.js';
export type { CloseInfo, HandshakeInfo, OpenInfo } from './transport.js';
