/**
 * The WebIDL conversions and argument checks of the standard `WebSocket` interface
 * (WHATWG WebSockets, "The WebSocket interface"), kept apart from the class so each rule sits next to its quote.
 */
import { InvalidArgumentError, isSocklineError } from '../errors.js';
import { toProtocols, toWebSocketUrl } from '../options.js';
import { byteLength } from '../byte-length.js';
import { domException } from './events.js';

/** A SocklineError thrown by a shared rule, rethrown as the DOMException the standard names. */
function rethrowAs(name: string, run: () => URL | string[]): URL | string[] {
  try {
    return run();
  } catch (error) {
    if (isSocklineError(error)) throw domException(error.message, name);
    throw error;
  }
}

/**
 * Constructor steps 1-4: "Let urlRecord be the result of applying the URL parser to url … If urlRecord is failure,
 * throw a SyntaxError DOMException. If urlRecord's scheme is "http", set it to "ws"; "https" to "wss". If the scheme
 * is not "ws" or "wss", throw a SyntaxError DOMException. If urlRecord's fragment is non-null, throw a SyntaxError
 * DOMException." (`url` is a USVString: anything is converted with String() first, a URL gives its href.)
 */
export const parseUrl = (url: unknown): URL => rethrowAs('SyntaxError', () => toWebSocketUrl(String(url))) as URL;

/**
 * Constructor steps 5-6: `protocols` is `(DOMString or sequence<DOMString>)`, default `[]`. "If protocols is a string,
 * set protocols to a sequence consisting of just that string. If any of the values in protocols occur more than once
 * or otherwise fail to match the requirements for elements that comprise the value of Sec-WebSocket-Protocol fields
 * as defined by The WebSocket protocol, then throw a SyntaxError DOMException."
 */
export function parseProtocols(protocols: unknown): string[] {
  if (protocols === undefined) return [];
  const iterable = typeof protocols === 'object' && protocols !== null && Symbol.iterator in protocols;
  const list = iterable ? Array.from(protocols as Iterable<unknown>, String) : [String(protocols)];
  return rethrowAs('SyntaxError', () => toProtocols(list)) as string[];
}

/** WebIDL `[Clamp] unsigned short`: ToNumber, NaN → 0, clamped to 0-65535, rounded half to even. */
function clampUnsignedShort(value: unknown): number {
  const x = Number(value);
  if (Number.isNaN(x)) return 0;
  const clamped = Math.min(Math.max(x, 0), 65535);
  const floor = Math.floor(clamped);
  const fraction = clamped - floor;
  return fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
}

/**
 * close(code, reason), steps 1-2: "If code is present, but is neither an integer equal to 1000 nor an integer in the
 * range 3000 to 4999, inclusive, throw an InvalidAccessError DOMException. If reason is present … let reasonBytes be
 * the result of UTF-8 encoding reason. If reasonBytes is longer than 123 bytes, throw a SyntaxError DOMException."
 * And, from the closing handshake's steps: "If code is null and reason is not the empty string, set code to 1000."
 */
export function closeArgs(code: unknown, reason: unknown): [code: number | undefined, reason: string | undefined] {
  const c = code === undefined ? undefined : clampUnsignedShort(code);
  const r = reason === undefined ? undefined : String(reason);
  if (c !== undefined && c !== 1000 && !(c >= 3000 && c <= 4999)) {
    throw domException(`Failed to execute 'close': the code must be 1000 or in 3000-4999; ${c} is neither`, 'InvalidAccessError');
  }
  if (r !== undefined && byteLength(r) > 123) {
    throw domException(`Failed to execute 'close': the reason is ${byteLength(r)} UTF-8 bytes; the limit is 123`, 'SyntaxError');
  }
  return [c === undefined && r ? 1000 : c, r || undefined];
}

/**
 * send(data): `data` is `(BufferSource or Blob or USVString)`: an ArrayBuffer or a view becomes bytes over the same
 * memory, a Blob stays a Blob, anything else is converted to a string.
 */
export function sendData(data: unknown): string | Uint8Array | Blob {
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return data;
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return new Uint8Array(data as ArrayBuffer);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (typeof Blob === 'function' && data instanceof Blob) return data;
  return String(data);
}

/** A binary message as a fresh, exactly sized ArrayBuffer (Node hands out views into larger receive buffers). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
}

/** Options that make no sense for the standard class, refused rather than ignored. */
export function refuse(name: string, detail: string): never {
  throw new InvalidArgumentError(`Invalid option ${name} for WebSocket: ${detail}`);
}
