import { InvalidArgumentError } from '../errors.js';
import { MAX_CONTROL_PAYLOAD, Opcode } from './constants.js';
import { maskInto } from './mask.js';

/*
 * RFC 6455 §5.2, base framing protocol:
 *
 *   byte 0: FIN | RSV1 | RSV2 | RSV3 | opcode (4 bits)
 *   byte 1: MASK | payload length (7 bits): 0-125, or 126 + 16-bit length, or 127 + 64-bit length
 *   then the extended length, then the 4-byte masking key, then the masked payload.
 */
const FIN_BIT = 0x80;
const RSV1_BIT = 0x40;
const MASK_BIT = 0x80;
/** RFC 6455 §5.2: "If 126, the following 2 bytes interpreted as a 16-bit unsigned integer are the payload length." */
const LENGTH_16 = 126;
/** RFC 6455 §5.2: "If 127, the following 8 bytes interpreted as a 64-bit unsigned integer [...] are the payload length." */
const LENGTH_64 = 127;
const MAX_LENGTH_16 = 0xffff;
const MASK_BYTES = 4;
const BYTE = 256;
const WORD = 2 ** 32;
/** Masking runs on 4-byte words. */
const ALIGN = 4;

let encoder: TextEncoder | undefined;

/**
 * Where a frame's bytes come from: a fresh `ArrayBuffer` of exactly `size` bytes, or one whose old bytes are
 * all overwritten (the serializer writes every byte of the frame). Injected so that a transport can reuse the
 * buffers of written frames (the Node transport's frame pool) while the core keeps no state across connections.
 */
export type FrameAllocator = (size: number) => ArrayBuffer;

const freshBuffer: FrameAllocator = (size) => new ArrayBuffer(size);

function isKnownOpcode(opcode: number): boolean {
  return (
    opcode === Opcode.Continuation ||
    opcode === Opcode.Text ||
    opcode === Opcode.Binary ||
    opcode === Opcode.Close ||
    opcode === Opcode.Ping ||
    opcode === Opcode.Pong
  );
}

/**
 * One complete client frame, header and masked payload, in a single `Uint8Array`.
 *
 * RFC 6455 §5.3: "The masking key is a 32-bit value chosen at random by the client" and §5.1: "a client MUST
 * mask all frames that it sends to the server", so every frame carries `mask`. The length uses the shortest
 * form (RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length"). `payload` is not
 * modified. The returned view starts 0-3 bytes into its own buffer, so that the payload is 4-byte aligned
 * there when `payload` is (and at the same offset modulo 4 when it is not).
 *
 * @throws InvalidArgumentError for an unknown opcode, a mask that is not 4 bytes, or a control frame that is
 *   fragmented or longer than 125 bytes (RFC 6455 §5.5).
 */
export function serializeFrame(
  opcode: number,
  payload: Uint8Array,
  fin: boolean,
  mask: Uint8Array,
  rsv1 = false,
  allocate: FrameAllocator = freshBuffer,
): Uint8Array {
  const length = payload.length;
  if (!isKnownOpcode(opcode)) {
    throw new InvalidArgumentError(`Invalid opcode ${opcode}: expected 0x0-0x2 or 0x8-0xA`);
  }
  if (mask.length !== MASK_BYTES) {
    throw new InvalidArgumentError(`Invalid mask of ${mask.length} bytes: a masking key has 4 bytes`);
  }
  if (opcode >= Opcode.Close && (!fin || length > MAX_CONTROL_PAYLOAD)) {
    // RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be fragmented."
    throw new InvalidArgumentError(
      `Invalid control frame of ${length} bytes with fin=${fin}: control frames carry at most 125 bytes and are never fragmented`,
    );
  }

  const lengthBytes = length < LENGTH_16 ? 0 : length <= MAX_LENGTH_16 ? 2 : 8;
  const headerSize = 2 + lengthBytes + MASK_BYTES;
  // The payload lands at the same offset modulo 4 as `payload` itself (0 for a fresh array), so masking
  // reads and writes whole words in one pass.
  const pad = (payload.byteOffset - headerSize) & (ALIGN - 1);
  const frame = new Uint8Array(allocate(pad + headerSize + length), pad, headerSize + length);

  frame[0] = (fin ? FIN_BIT : 0) | (rsv1 ? RSV1_BIT : 0) | opcode;
  if (lengthBytes === 0) {
    frame[1] = MASK_BIT | length;
  } else if (lengthBytes === 2) {
    frame[1] = MASK_BIT | LENGTH_16;
    frame[2] = length >>> 8;
    frame[3] = length % BYTE;
  } else {
    frame[1] = MASK_BIT | LENGTH_64;
    // RFC 6455 §5.2: "the most significant bit MUST be 0": lengths stay below 2^53 in JavaScript anyway.
    const high = Math.floor(length / WORD);
    const low = length >>> 0;
    frame[2] = high >>> 24;
    frame[3] = (high >>> 16) % BYTE;
    frame[4] = (high >>> 8) % BYTE;
    frame[5] = high % BYTE;
    frame[6] = low >>> 24;
    frame[7] = (low >>> 16) % BYTE;
    frame[8] = (low >>> 8) % BYTE;
    frame[9] = low % BYTE;
  }
  const maskAt = 2 + lengthBytes;
  frame[maskAt] = mask[0];
  frame[maskAt + 1] = mask[1];
  frame[maskAt + 2] = mask[2];
  frame[maskAt + 3] = mask[3];
  maskInto(payload, mask, frame, headerSize);
  return frame;
}

/**
 * A text or binary message as client frames. One frame when `fragmentSize <= 0` or the payload fits in it;
 * otherwise `ceil(length / fragmentSize)` frames: the first has `opcode`, the others are continuations, and
 * only the last has FIN (RFC 6455 §5.4: "a text message sent as three fragments, the first fragment would have
 * an opcode of 0x1 and a FIN bit clear, the second fragment would have an opcode of 0x0 and a FIN bit clear,
 * and the third fragment would have an opcode of 0x0 and a FIN bit that is set").
 *
 * `rsv1` (a permessage-deflate message, RFC 7692 §6.1) is set on the first frame only.
 * Every frame gets its own key from `nextMask()` and its buffer from `allocate`. Text is split on byte boundaries, possibly inside a
 * character: RFC 6455 §5.6: "a particular text frame might include a partial UTF-8 sequence; however, the
 * whole message MUST contain valid UTF-8".
 */
export function serializeMessage(
  opcode: number,
  payload: Uint8Array,
  fragmentSize: number,
  nextMask: () => Uint8Array,
  allocate: FrameAllocator = freshBuffer,
  rsv1 = false,
): Uint8Array[] {
  const length = payload.length;
  if (!(fragmentSize > 0) || length <= fragmentSize) {
    return [serializeFrame(opcode, payload, true, nextMask(), rsv1, allocate)];
  }
  const size = Math.max(1, Math.floor(fragmentSize));
  const frames: Uint8Array[] = [];
  for (let start = 0; start < length; start += size) {
    const end = Math.min(start + size, length);
    frames.push(
      // RFC 7692 §6.1: the "Per-Message Compressed" bit is set on the first frame of the message only.
      serializeFrame(
        start === 0 ? opcode : Opcode.Continuation,
        payload.subarray(start, end),
        end === length,
        nextMask(),
        rsv1 && start === 0,
        allocate,
      ),
    );
  }
  return frames;
}

/** UTF-8 bytes of `text` for a Text frame (a lone surrogate becomes U+FFFD, so the bytes are always valid). */
export function encodeText(text: string): Uint8Array {
  encoder ??= new TextEncoder();
  return encoder.encode(text);
}
