/** Frame opcodes (RFC 6455 §5.2). */
export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** Close status codes (RFC 6455 §7.4.1 and the IANA registry). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  /** Never sent on the wire: "no status code was present". */
  NoStatus: 1005,
  /** Never sent on the wire: "the connection was closed abnormally". */
  Abnormal: 1006,
  InvalidPayload: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  MandatoryExtension: 1010,
  InternalError: 1011,
  ServiceRestart: 1012,
  TryAgainLater: 1013,
  BadGateway: 1014,
  /** Never sent on the wire: TLS handshake failure. */
  TlsHandshake: 1015,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** RFC 6455 §1.3: the GUID appended to Sec-WebSocket-Key before hashing. */
export const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less". */
export const MAX_CONTROL_PAYLOAD = 125;

/** A close frame carries a 2-byte code, so at most 123 bytes of reason fit in a control frame. */
export const MAX_CLOSE_REASON_BYTES = 123;

/** Default limit for one incoming message (all of its fragments together): 100 MiB. */
export const DEFAULT_MAX_PAYLOAD = 100 * 1024 * 1024;

/** Default limit for the HTTP response head of the opening handshake. */
export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
