/**
 * Emit an event to every listener even when some throw, as browsers' EventTarget does (issue 9: one throwing
 * `message` listener hid every message from the listeners after it). eventemitter3's `emit` stops at the first
 * exception, so this walks its listener table itself: `_events[name]` is one `{ fn, context, once }` record or an
 * array of them (eventemitter3 5.x, `EventEmitter.prefixed` false or '~'). The array is copied first, so listeners
 * added or removed during the emit take effect next time, as with `emit`.
 */
import { EventEmitter } from 'eventemitter3';

interface Listener {
  fn: (...args: unknown[]) => unknown;
  context: unknown;
  once: boolean;
}

/** Call every listener of `event` with `args`; each exception goes to `failed`. Returns whether there were any. */
export function emitEach(
  emitter: EventEmitter,
  event: string | symbol,
  args: unknown[],
  failed: (error: unknown) => void,
): boolean {
  const key = EventEmitter.prefixed && typeof event === 'string' ? EventEmitter.prefixed + event : event;
  const stored = (emitter as unknown as { _events: Record<string | symbol, Listener | Listener[] | undefined> })._events[key];
  if (stored === undefined) return false;
  const listeners = Array.isArray(stored) ? stored.slice() : [stored];
  for (const listener of listeners) {
    if (listener.once) emitter.removeListener(event, listener.fn, undefined, true);
    try {
      listener.fn.apply(listener.context, args);
    } catch (error) {
      failed(error);
    }
  }
  return true;
}
