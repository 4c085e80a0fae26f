/** The size of a message as the send queue, the write buffer and the close-reason limit count it. */

let encoder: TextEncoder | undefined;

/** Size of a message on the wire, before framing: UTF-8 bytes for text (not `string.length`), bytes otherwise. */
export function byteLength(data: string | Uint8Array | Blob): number {
  if (typeof data === 'string') return (encoder ??= new TextEncoder()).encode(data).byteLength;
  return data instanceof Uint8Array ? data.byteLength : data.size;
}
