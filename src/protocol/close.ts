import { InvalidArgumentError, ProtocolError } from '../errors.js';
import { CloseCode, MAX_CLOSE_REASON_BYTES } from './constants.js';
import { decodeUtf8 } from './utf8.js';

/** RFC 6455 §7.4.2: "Status codes in the range 3000-3999 are reserved for use by libraries, frameworks, and applications." */
const APPLICATION_CODE_MIN = 3000;
/** RFC 6455 §7.4.2: "Status codes in the range 4000-4999 are reserved for private use". */
const APPLICATION_CODE_MAX = 4999;
/** A close body starts with a 2-byte code (RFC 6455 §5.5.1). */
const CODE_BYTES = 2;
const BYTE = 256;

const EMPTY = new Uint8Array(0);
let encoder: TextEncoder | undefined;

/**
 * True for a code a peer may put in a Close frame: 1000-1003, 1007-1014 and 3000-4999.
 *
 * RFC 6455 §7.4.1: 1005, 1006 and 1015 are "a reserved value and MUST NOT be set as a status code in a
 * Close control frame by an endpoint"; 1004 is reserved; 1012-1014 were registered later with IANA
 * (RFC 6455 §11.7). Everything below 1000 and from 1015 to 2999 is unassigned or reserved for this protocol.
 */
export function isValidWireCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= CloseCode.Normal && code <= CloseCode.UnsupportedData) ||
      (code >= CloseCode.InvalidPayload && code <= CloseCode.BadGateway) ||
      (code >= APPLICATION_CODE_MIN && code <= APPLICATION_CODE_MAX))
  );
}

/**
 * The body of a Close frame: the 2-byte code in network byte order followed by the UTF-8 reason
 * (RFC 6455 §5.5.1). Empty when there is no code, and for 1005 (which means "no code" and MUST NOT be sent),
 * so a received 1005 can be echoed as is; a reason without a code is dropped.
 *
 * @throws InvalidArgumentError for a code that may not be sent or a reason over 123 bytes.
 */
export function encodeClosePayload(code?: number, reason?: string): Uint8Array {
  if (code === undefined || code === CloseCode.NoStatus) return EMPTY.slice();
  if (!isValidWireCloseCode(code)) {
    throw new InvalidArgumentError(`Invalid close code ${code}: a Close frame carries 1000-1003, 1007-1014 or 3000-4999`);
  }
  encoder ??= new TextEncoder();
  const text = reason === undefined || reason === '' ? EMPTY : encoder.encode(reason);
  if (text.length > MAX_CLOSE_REASON_BYTES) {
    throw new InvalidArgumentError(
      `Invalid close reason of ${text.length} bytes in UTF-8: a Close frame fits at most ${MAX_CLOSE_REASON_BYTES}`,
    );
  }
  const payload = new Uint8Array(CODE_BYTES + text.length);
  payload[0] = code >>> 8;
  payload[1] = code % BYTE;
  payload.set(text, CODE_BYTES);
  return payload;
}

/**
 * Read the body of a received Close frame. An empty body gives 1005 and an empty reason.
 *
 * @throws ProtocolError 1002 for a 1-byte body or a code that may not be on the wire,
 *   1007 for a reason that is not UTF-8.
 */
export function parseClosePayload(payload: Uint8Array): { code: number; reason: string } {
  // RFC 6455 §7.1.5: "If this Close control frame contains no status code, _The WebSocket Connection Close Code_ is considered to be 1005."
  if (payload.length === 0) return { code: CloseCode.NoStatus, reason: '' };
  // RFC 6455 §5.5.1: "If there is a body, the first two bytes of the body MUST be a 2-byte unsigned integer".
  if (payload.length < CODE_BYTES) throw new ProtocolError('close frame too short', CloseCode.ProtocolError, 'bad-close-payload');
  const code = payload[0] * BYTE + payload[1];
  // RFC 6455 §7.4.1: 1005, 1006, 1015 "MUST NOT be set as a status code in a Close control frame".
  if (!isValidWireCloseCode(code))
    throw new ProtocolError(`invalid close code ${code}`, CloseCode.ProtocolError, 'bad-close-code');
  if (payload.length === CODE_BYTES) return { code, reason: '' };
  let reason: string;
  try {
    reason = decodeUtf8(payload.subarray(CODE_BYTES));
  } catch {
    // RFC 6455 §5.5.1: "the body MAY contain UTF-8-encoded data"; §8.1: invalid UTF-8 MUST _Fail the WebSocket Connection_.
    throw new ProtocolError('invalid utf-8 in close reason', CloseCode.InvalidPayload, 'invalid-utf8');
  }
  return { code, reason };
}
