/**
 * A reference model of what a strict RFC 6455 client must do with the bytes a server sent after the handshake:
 * which events it reports, whether and with which code it fails, and at which byte the failure becomes
 * certain. It shares no code with src/: it reads the whole buffer in one naive pass, and it uses the platform's
 * WHATWG UTF-8 decoder (`TextDecoder` with `fatal` and `stream`) as the UTF-8 oracle, which rejects a byte
 * stream at the first byte that cannot continue valid UTF-8 (the Unicode "maximal subpart" rule).
 */

import { toHex } from '../helpers/hex.js';

export type ModelEvent =
  | { type: 'text'; data: string }
  | { type: 'binary'; hex: string }
  | { type: 'ping'; hex: string }
  | { type: 'pong'; hex: string }
  | { type: 'close'; code: number; reason: string };

export interface ModelOutcome {
  events: ModelEvent[];
  /** The close code the client must fail with, or null when the bytes are valid (possibly incomplete). */
  failure: 1002 | 1007 | 1009 | null;
  /** Index of the byte whose arrival makes the failure certain (with one byte per push the reader must throw then). */
  failAt: number;
  /** A Close frame ended the stream (everything after it is ignored). */
  closed: boolean;
  /** The bytes ended inside a frame or a fragmented message. */
  incomplete: boolean;
}

// Re-exported: the fuzz tests take it from here.
export { toHex };

/** Close codes a Close frame may carry (RFC 6455 §7.4.1, §7.4.2, IANA 1012-1014). */
export function isWireCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/** Incremental UTF-8 checking through the platform decoder. */
class Utf8Oracle {
  #decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** False once `bytes` (appended to what came before) can no longer be valid UTF-8. */
  push(bytes: Uint8Array): boolean {
    try {
      this.#decoder.decode(bytes, { stream: true });
      return true;
    } catch {
      return false;
    }
  }
  /** False if a sequence is left unfinished. Resets the decoder. */
  end(): boolean {
    try {
      this.#decoder.decode();
      return true;
    } catch {
      return false;
    }
  }
}

const decodeStrict = (bytes: Uint8Array): string | null => {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
};

export function model(bytes: Uint8Array, maxPayload: number): ModelOutcome {
  const events: ModelEvent[] = [];
  const n = bytes.length;
  // The fragmented message in progress.
  let messageOpcode = -1;
  let messageParts: Uint8Array[] = [];
  let messageLength = 0;
  /** All text bytes of the current text message so far, to find the first bad byte exactly. */
  let messageText: number[] = [];

  const fail = (failure: 1002 | 1007 | 1009, at: number): ModelOutcome => ({
    events,
    failure,
    failAt: at,
    closed: false,
    incomplete: false,
  });
  const incomplete = (): ModelOutcome => ({ events, failure: null, failAt: -1, closed: false, incomplete: true });

  let pos = 0;
  while (pos < n) {
    const start = pos;
    const b0 = bytes[pos];
    const fin = (b0 & 0x80) !== 0;
    const rsv = (b0 & 0x70) >> 4;
    const opcode = b0 & 0x0f;
    const control = opcode >= 8;
    // Byte 0: reserved bits, reserved opcodes, fragmented control frames, continuation rules (§5.2, §5.4, §5.5).
    if (rsv !== 0) return fail(1002, start);
    if ((opcode >= 3 && opcode <= 7) || opcode >= 0xb) return fail(1002, start);
    if (control && !fin) return fail(1002, start);
    if (opcode === 0 && messageOpcode === -1) return fail(1002, start);
    if ((opcode === 1 || opcode === 2) && messageOpcode !== -1) return fail(1002, start);
    if (start + 1 >= n) return incomplete();
    // Byte 1: MASK from a server (§5.1) and control frame length (§5.5).
    const b1 = bytes[start + 1];
    if (b1 & 0x80) return fail(1002, start + 1);
    const length7 = b1 & 0x7f;
    if (control && length7 > 125) return fail(1002, start + 1);
    let length: bigint;
    let payloadStart: number;
    if (length7 < 126) {
      length = BigInt(length7);
      payloadStart = start + 2;
    } else {
      const size = length7 === 126 ? 2 : 8;
      // §5.2: the most significant bit of a 64-bit length MUST be 0; known as soon as its byte arrives.
      if (size === 8 && start + 2 < n && bytes[start + 2] & 0x80) return fail(1002, start + 2);
      if (start + 1 + size >= n) return incomplete();
      length = 0n;
      for (let i = 0; i < size; i++) length = (length << 8n) | BigInt(bytes[start + 2 + i]);
      payloadStart = start + 2 + size;
    }
    const headerEnd = payloadStart - 1;
    // maxPayload (§10.4): decided from the header, before any payload.
    if (!control) {
      const total = BigInt(opcode === 0 ? messageLength : 0) + length;
      if (total > BigInt(Math.min(maxPayload, Number.MAX_SAFE_INTEGER))) return fail(1009, headerEnd);
    }
    const len = Number(length);
    const available = Math.min(len, n - payloadStart);
    const payload = bytes.subarray(payloadStart, payloadStart + available);
    const isText = opcode === 1 || (opcode === 0 && messageOpcode === 1);
    if (isText) {
      // §8.1: fail at the first byte that cannot be valid UTF-8, even before the frame or message ends.
      const before = opcode === 1 ? [] : messageText;
      const oracle = new Utf8Oracle();
      oracle.push(Uint8Array.from(before));
      for (let i = 0; i < payload.length; i++) {
        if (!oracle.push(payload.subarray(i, i + 1))) return fail(1007, payloadStart + i);
      }
    }
    if (available < len) return incomplete();
    pos = payloadStart + len;
    const frameEnd = pos - 1;
    if (control) {
      if (opcode === 0x8) {
        // §5.5.1: no body, or a 2-byte code then UTF-8; §7.4: the code must be one allowed on the wire.
        if (len === 0) {
          events.push({ type: 'close', code: 1005, reason: '' });
        } else {
          if (len === 1) return fail(1002, frameEnd);
          const code = payload[0] * 256 + payload[1];
          if (!isWireCloseCode(code)) return fail(1002, frameEnd);
          const reason = decodeStrict(payload.subarray(2));
          if (reason === null) return fail(1007, frameEnd);
          events.push({ type: 'close', code, reason });
        }
        return { events, failure: null, failAt: -1, closed: true, incomplete: false };
      }
      events.push({ type: opcode === 0x9 ? 'ping' : 'pong', hex: toHex(payload) });
      continue;
    }
    if (opcode !== 0) {
      messageOpcode = opcode;
      messageParts = [];
      messageLength = 0;
      messageText = [];
    }
    messageParts.push(payload);
    messageLength += len;
    if (isText) for (const byte of payload) messageText.push(byte);
    if (!fin) continue;
    const data = Buffer.concat(messageParts);
    if (messageOpcode === 1) {
      const text = decodeStrict(data);
      // A sequence cut off at the end of the message (§5.6: the whole message MUST be valid UTF-8).
      if (text === null) return fail(1007, frameEnd);
      events.push({ type: 'text', data: text });
    } else {
      events.push({ type: 'binary', hex: toHex(data) });
    }
    messageOpcode = -1;
    messageParts = [];
    messageLength = 0;
    messageText = [];
  }
  return { events, failure: null, failAt: -1, closed: false, incomplete: messageOpcode !== -1 };
}
