/**
 * 1 Framing (Autobahn 1.x): text and binary messages across the 7-, 16- and 64-bit length encodings, delivered in
 * one TCP write and one byte per TCP write. After each message the server closes, so every case also proves the
 * connection is still healthy.
 */
import { bytesOf, describeBytes, f, OP, textOfBytes, type ConformanceCase } from '../harness.js';

const MiB = 1024 * 1024;
const SIZES = [0, 125, 126, 127, 128, 65_535, 65_536, 16 * MiB];
/**
 * Writing 16 MiB one byte at a time would take minutes; that case writes the header and the first and last
 * 16 KiB of the payload byte by byte (every state change of the reader is at the edges) and the middle in 64 KiB writes.
 */
const EDGE = 16 * 1024;
const MIDDLE_CHUNK = 64 * 1024;

function lengthForm(size: number): string {
  return size < 126 ? '7-bit length' : size < 65_536 ? '16-bit length' : '64-bit length';
}

function framingCase(kind: 'text' | 'binary', size: number, bytewise: boolean, id: string): ConformanceCase {
  const partial = bytewise && size > 65_536;
  const how = !bytewise
    ? 'in one write'
    : partial
      ? `header and first/last ${EDGE / 1024} KiB 1 byte per write, middle in 64 KiB writes`
      : '1 byte per TCP write';
  return {
    id,
    category: 'framing',
    title: `${kind} message of ${describeBytes(size)} (${lengthForm(size)}), ${how}`,
    rfc: kind === 'text' ? '§5.2, §5.6' : '§5.2, §5.6',
    expected: 'delivered intact as one message; clean close after',
    async run(ctx) {
      const s = await ctx.session();
      const payload = kind === 'text' ? textOfBytes(size) : bytesOf(size);
      const bytes = f({ opcode: kind === 'text' ? OP.text : OP.binary, payload });
      if (!bytewise) {
        await s.send(bytes);
      } else if (!partial) {
        await s.sendBytewise(bytes);
      } else {
        const headerAndEdge = bytes.length - size + EDGE;
        await s.sendBytewise(bytes.subarray(0, headerAndEdge));
        for (let at = headerAndEdge; at < bytes.length - EDGE; at += MIDDLE_CHUNK) {
          await s.send(bytes.subarray(at, Math.min(at + MIDDLE_CHUNK, bytes.length - EDGE)));
        }
        await s.sendBytewise(bytes.subarray(bytes.length - EDGE));
      }
      const writes = s.writes;
      await s.expectMessage(payload, 20_000);
      await s.closeCleanly();
      return `delivered ${describeBytes(size)} ${kind} from ${writes.toLocaleString('en-US')} TCP write(s); clean close`;
    },
  };
}

export const framingCases: ConformanceCase[] = [];
(['text', 'binary'] as const).forEach((kind, k) => {
  SIZES.forEach((size, i) => {
    framingCases.push(framingCase(kind, size, false, `1.${k + 1}.${2 * i + 1}`));
    framingCases.push(framingCase(kind, size, true, `1.${k + 1}.${2 * i + 2}`));
  });
});
