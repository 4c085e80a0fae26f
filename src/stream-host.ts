/**
 * What `messages()` (message-iterator.ts) and `sendStream()` (send-stream.ts) need from the Socket's private state:
 * one small object the Socket builds on first use (socket.ts, "streams hook"), so that the machinery lives in its
 * own files and the Socket only gains a few marked lines. Also the two argument checks both files share.
 */
import type { EventEmitter } from 'eventemitter3';
import { brief, DEV } from './dev.js';
import type { InvalidArgumentError, InvalidStateError, SocklineError } from './errors.js';
import type { MessageData, SocketEvents } from './events.js';
import type { Transport } from './transport.js';

export interface StreamHost {
  /** `readyState` > 1: `close()` was called, or the Socket is closed. */
  readonly socket: EventEmitter<SocketEvents> & { readonly readyState: number; sendAsync(data: MessageData): Promise<void> };
  /** The write buffer's marks: the Socket's normalized `writeBuffer` option (fixed for its lifetime). */
  readonly writeBuffer: { readonly highWaterMark: number; readonly maxBufferedAmount: number };
  /** A `messages()` iterator is active (one at a time); absent until the first one. */
  iterating?: boolean;
  /** A `sendStream()` writer is active (one at a time); absent until the first one. */
  streaming?: boolean;
  /** The open link's transport, undefined while the link is down. */
  transport(): Transport | undefined;
  /**
   * Stop or resume reading, on this link and the next ones (a new link starts paused while the consumer still lags).
   * Returns whether the open link can pause (false in browsers: nothing to pause; true while no link is open).
   */
  setReading(reading: boolean): boolean;
  /** While held, `send()` queues instead of writing (a streamed message is open); releasing flushes the queue. */
  hold(held: boolean): void;
  /** Report a message that will not be delivered (`drop`). */
  drop(data: MessageData, error: SocklineError): void;
}

/**
 * Throw an argument/state error of `messages()`/`sendStream()`. Call sites pass `DEV ? long : short` (src/dev.ts):
 * the production build keeps only the short message, and this adds the README's Streams section to it.
 */
export function refuse(type: typeof InvalidArgumentError | typeof InvalidStateError, message: string): never {
  throw new type(DEV ? message : brief(message, 'streams-messages-sendstream-and-drain'));
}

/** An options argument that is given but not an object (`null` included); arrays pass, as they always did. */
export const notObject = (value: unknown): boolean => value !== undefined && (typeof value !== 'object' || !value);
