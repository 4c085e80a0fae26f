/*
 * UTF-8 validation for text messages and close reasons.
 *
 * RFC 6455 §8.1: "When an endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream is
 * not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket Connection_."
 *
 * Well-formed sequences (RFC 3629 §4, the Unicode Standard's table 3-7). The second byte of a sequence has a
 * narrower range after four lead bytes; that is what rules out overlong forms, the surrogates U+D800-U+DFFF
 * and code points above U+10FFFF:
 *
 *   lead       second     third    fourth
 *   00..7F
 *   C2..DF     80..BF
 *   E0         A0..BF     80..BF
 *   E1..EC     80..BF     80..BF
 *   ED         80..9F     80..BF                  (no surrogates)
 *   EE..EF     80..BF     80..BF
 *   F0         90..BF     80..BF   80..BF
 *   F1..F3     80..BF     80..BF   80..BF
 *   F4         80..8F     80..BF   80..BF         (nothing above U+10FFFF)
 *
 * C0, C1 and F5..FF can never appear.
 */

const ASCII_END = 0x80;
const LEAD_2 = 0xc2;
const LEAD_3 = 0xe0;
const LEAD_4 = 0xf0;
const LEAD_END = 0xf5;
const CONT_MIN = 0x80;
const CONT_MAX = 0xbf;
/** E0 must be followed by A0..BF (else overlong). */
const E0_SECOND_MIN = 0xa0;
/** ED must be followed by 80..9F (else a surrogate). */
const LEAD_ED = 0xed;
const ED_SECOND_MAX = 0x9f;
/** F0 must be followed by 90..BF (else overlong). */
const F0_SECOND_MIN = 0x90;
/** F4 must be followed by 80..8F (else above U+10FFFF). */
const LEAD_F4 = 0xf4;
const F4_SECOND_MAX = 0x8f;

/**
 * Incremental UTF-8 validator: a finite automaton whose state is the number of continuation bytes still
 * expected and the range the next one must fall in. Feed it a message in any number of chunks.
 *
 * `push()` returns false as soon as the bytes seen so far can never start valid UTF-8, so a receiver can
 * fail mid-frame (Autobahn 6.4.x) instead of buffering the rest of a doomed message. Once it has returned
 * false it keeps returning false until `reset()`.
 */
export class Utf8Validator {
  #need = 0;
  #min = CONT_MIN;
  #max = CONT_MAX;
  #failed = false;

  /** Validate the next bytes of the stream. False if the stream is already invalid. */
  push(chunk: Uint8Array): boolean {
    if (this.#failed) return false;
    let need = this.#need;
    let min = this.#min;
    let max = this.#max;
    const length = chunk.length;
    for (let i = 0; i < length; i++) {
      const byte = chunk[i];
      if (need === 0) {
        if (byte < ASCII_END) continue;
        if (byte < LEAD_2) return this.#fail();
        if (byte < LEAD_3) {
          need = 1;
        } else if (byte < LEAD_4) {
          need = 2;
          if (byte === LEAD_3) min = E0_SECOND_MIN;
          else if (byte === LEAD_ED) max = ED_SECOND_MAX;
        } else if (byte < LEAD_END) {
          need = 3;
          if (byte === LEAD_4) min = F0_SECOND_MIN;
          else if (byte === LEAD_F4) max = F4_SECOND_MAX;
        } else {
          return this.#fail();
        }
      } else {
        if (byte < min || byte > max) return this.#fail();
        need--;
        min = CONT_MIN;
        max = CONT_MAX;
      }
    }
    this.#need = need;
    this.#min = min;
    this.#max = max;
    return true;
  }

  /** True if everything pushed so far is valid and no sequence is left unfinished. Does not reset. */
  end(): boolean {
    return !this.#failed && this.#need === 0;
  }

  /** Forget everything, ready for a new stream. */
  reset(): void {
    this.#need = 0;
    this.#min = CONT_MIN;
    this.#max = CONT_MAX;
    this.#failed = false;
  }

  #fail(): false {
    this.#failed = true;
    return false;
  }
}

/** True if `bytes` is a complete, well-formed UTF-8 string. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  const validator = new Utf8Validator();
  return validator.push(bytes) && validator.end();
}

let strictDecoder: TextDecoder | undefined;

/**
 * Decode UTF-8 exactly: throws a `TypeError` on malformed input, and keeps a leading U+FEFF as data
 * (a WebSocket message is not a document, so its first character is never a byte order mark).
 */
export function decodeUtf8(bytes: Uint8Array): string {
  strictDecoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  return strictDecoder.decode(bytes);
}
