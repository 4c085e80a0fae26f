/**
 * The zlib work of permessage-deflate (RFC 7692 §7.2), as interfaces the sans-I/O core receives by injection,
 * like `sha1` and `fillRandom`: the core never imports `node:zlib`. The Node implementation is
 * src/node/zlib-codec.ts.
 *
 * Both directions are synchronous on purpose: the core stays synchronous, a message is compressed in the call
 * that sends it (so it can never overtake a message sent after it), and a received message is inflated in the
 * call that read it (so messages and control frames keep their order).
 */

/** What a codec needs to know about one direction, from the negotiated parameters. */
export interface InflaterParams {
  /** LZ77 window of the peer's compressor, 8–15 (`server_max_window_bits`, 15 when not negotiated). */
  windowBits: number;
  /** Reset the context after every message (`server_no_context_takeover`). */
  noContextTakeover: boolean;
}

export interface DeflaterParams {
  /** LZ77 window we may use, 8–15 (`client_max_window_bits`, 15 when not negotiated). */
  windowBits: number;
  /** Reset the context after every message (`client_no_context_takeover`). */
  noContextTakeover: boolean;
  /** zlib compression level, -1 (zlib's default, 6) to 9. */
  level: number;
  /** zlib memLevel, 1–9. */
  memLevel: number;
}

/**
 * Inflates the messages received on one connection, in order. Creating one allocates nothing in zlib: the
 * context is made on the first compressed message and freed by `close()`.
 */
export interface MessageInflater {
  /**
   * Inflates the next piece of a compressed message: a frame's payload, or the whole message's payload. With
   * `fin` the message ends here: the implementation appends `00 00 ff ff` first (RFC 7692 §7.2.2) and, without
   * context takeover, resets the context afterwards.
   *
   * @param limit - Largest inflated size of the whole message (all its pieces together), e.g. `maxPayload`.
   *   Inflation stops as soon as one byte more than `limit` was produced: a small payload that would inflate to
   *   gigabytes is never inflated first.
   * @returns The inflated bytes of this piece (possibly empty), owned by the caller.
   * @throws ProtocolError 1009 ("message too big") past `limit`, ProtocolError 1007 for data that is not valid
   *   DEFLATE (or reaches further back than the negotiated window). The inflater is unusable afterwards.
   */
  inflate(piece: Uint8Array, fin: boolean, limit: number): Uint8Array;
  /** Frees the zlib context (idempotent). A later `inflate()` would start a new one. */
  close(): void;
}

/** Compresses the messages sent on one connection, in order. Lazily allocated and freed like `MessageInflater`. */
export interface MessageDeflater {
  /**
   * Compresses one whole message (RFC 7692 §7.2.1: DEFLATE, flushed to a byte boundary, `00 00 ff ff` removed
   * from the tail). An empty message gives the single byte `00`.
   *
   * @returns The compressed payload. It may be a view of a buffer the deflater reuses: it is valid until the next
   *   `deflate()` on any deflater of the same codec, so frame it (mask it into the frame buffer) before then.
   */
  deflate(message: Uint8Array): Uint8Array;
  close(): void;
}

/** Makes the two halves for one connection. */
export interface DeflateCodec {
  createInflater(params: InflaterParams): MessageInflater;
  createDeflater(params: DeflaterParams): MessageDeflater;
}

/** RFC 7692 §7.2.1/§7.2.2: the 4 octets a sender removes and a receiver appends. */
export const DEFLATE_TAIL: Uint8Array = new Uint8Array([0x00, 0x00, 0xff, 0xff]);
