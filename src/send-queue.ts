/**
 * The bounded FIFO that holds messages sent while the link is down. Pure bookkeeping: the Socket
 * decides what to do with a refused or drained message (it is always reported, never dropped silently).
 */

let encoder: TextEncoder | undefined;

/** Size of a message on the wire, before framing: UTF-8 bytes for text (not `string.length`), bytes otherwise. */
export function byteLength(data: string | Uint8Array | Blob): number {
  if (typeof data === 'string') return (encoder ??= new TextEncoder()).encode(data).byteLength;
  return data instanceof Uint8Array ? data.byteLength : data.size;
}

/** Which limit refused a message. */
export type QueueLimit = 'maxMessages' | 'maxBytes';

/** A FIFO bounded by a message count and a byte total; items carry their own `size`. */
export class SendQueue<T extends { size: number }> {
  readonly maxMessages: number;
  readonly maxBytes: number;
  #items: T[] = [];
  #bytes = 0;

  constructor(maxMessages: number, maxBytes: number) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
  }

  /** Number of queued messages. */
  get length(): number {
    return this.#items.length;
  }

  /** Sum of the queued messages' sizes. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Append `item`, or leave the queue unchanged and return the limit it would exceed. */
  push(item: T): QueueLimit | undefined {
    if (this.#items.length >= this.maxMessages) return 'maxMessages';
    if (this.#bytes + item.size > this.maxBytes) return 'maxBytes';
    this.#items.push(item);
    this.#bytes += item.size;
    return undefined;
  }

  /** Remove and return the oldest item. */
  shift(): T | undefined {
    const item = this.#items.shift();
    if (item) this.#bytes -= item.size;
    return item;
  }

  /** Put an item just taken with `shift()` back at the head (limits are not checked: it was counted before). */
  unshift(item: T): void {
    this.#items.unshift(item);
    this.#bytes += item.size;
  }

  /** Remove and return every item, oldest first. */
  drain(): T[] {
    const items = this.#items;
    this.#items = [];
    this.#bytes = 0;
    return items;
  }
}
