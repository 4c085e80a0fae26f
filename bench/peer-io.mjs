// What the benchmark peers (bench/peer.mjs, bench/deflate-peer.mjs) share: writing a prepared stream with
// backpressure, and walking the client's frames by their headers only.

/** Write `buffer` `repeat` times (then `last` once, if any), waiting for 'drain' whenever the socket says so. */
export function pump(socket, { buffer, repeat, last }) {
  let written = 0;
  const step = () => {
    while (written < repeat) {
      written++;
      if (!socket.write(buffer)) {
        socket.once('drain', step);
        return;
      }
    }
    if (last && written === repeat) {
      written++;
      socket.write(last);
    }
  };
  step();
}

/**
 * Walks client frames by their headers only: the payload is skipped, never unmasked or copied.
 * Calls onMessage for each final data frame and onClose for a Close frame.
 */
export class FrameSkipper {
  constructor(onMessage, onClose) {
    this.onMessage = onMessage;
    this.onClose = onClose;
    this.skip = 0; // payload bytes still to skip
    this.b0 = 0; // first header byte of the frame being skipped
    this.header = Buffer.alloc(14);
    this.have = 0; // header bytes collected while a header straddles chunks
  }

  push(chunk) {
    let i = 0;
    const length = chunk.length;
    while (i < length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, length - i);
        this.skip -= n;
        i += n;
        if (this.skip === 0) this.frameDone();
        continue;
      }
      let src = chunk;
      let at = i;
      let available = length - i;
      if (this.have > 0) {
        // Finish a header split across chunks, one byte at a time (rare).
        this.header[this.have++] = chunk[i++];
        src = this.header;
        at = 0;
        available = this.have;
      }
      if (available < 2) {
        if (this.have === 0) this.header[this.have++] = chunk[i++];
        continue;
      }
      const code = src[at + 1] & 0x7f;
      const masked = (src[at + 1] & 0x80) !== 0;
      const size = 2 + (code === 126 ? 2 : code === 127 ? 8 : 0) + (masked ? 4 : 0);
      if (available < size) {
        if (this.have === 0) {
          chunk.copy(this.header, 0, i, length);
          this.have = length - i;
          i = length;
        }
        continue;
      }
      let payload = code;
      if (code === 126) payload = src.readUInt16BE(at + 2);
      else if (code === 127) payload = src.readUInt32BE(at + 2) * 2 ** 32 + src.readUInt32BE(at + 6);
      this.b0 = src[at];
      if (this.have > 0) this.have = 0;
      else i += size;
      this.skip = payload;
      if (payload === 0) this.frameDone();
    }
  }

  frameDone() {
    const opcode = this.b0 & 0x0f;
    if (opcode === 0x8) this.onClose();
    else if (opcode < 0x8 && (this.b0 & 0x80) !== 0) this.onMessage();
  }
}
