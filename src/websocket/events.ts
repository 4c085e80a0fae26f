/**
 * The DOM classes the standard `WebSocket` class needs: `EventTarget`, `Event`, `MessageEvent`, `CloseEvent` and
 * `DOMException`. The runtime's own classes wherever it has them (browsers, Deno, workers; Node has all but
 * `CloseEvent` before Node 23), small compatible classes where it does not (React Native, Node 20's `CloseEvent`).
 *
 * Every lookup is lazy or marked pure, so a bundle that imports only `Socket` drops this file.
 */

type Listener = EventListenerOrEventListenerObject;

interface Registered {
  callback: Listener;
  capture: boolean;
  once: boolean;
  removed?: boolean;
}

/**
 * A minimal DOM `Event` for runtimes without one: `type`, `target`/`currentTarget` (set while dispatching),
 * `defaultPrevented`, `stopImmediatePropagation()`, `timeStamp`. WebSocket events do not bubble and are not cancelable.
 */
class FallbackEvent {
  readonly type: string;
  readonly bubbles = false;
  readonly cancelable = false;
  readonly timeStamp = Date.now();
  target: unknown = null;
  currentTarget: unknown = null;
  defaultPrevented = false;
  /** @internal */
  stopped = false;

  constructor(type: string) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'Event': 1 argument required");
    this.type = String(type);
  }

  preventDefault(): void {
    // Not cancelable (DOM: preventDefault() on a non-cancelable event does nothing).
  }

  stopPropagation(): void {}

  stopImmediatePropagation(): void {
    this.stopped = true;
  }
}

/**
 * A minimal DOM `EventTarget` (DOM §2.7): listeners are unique per (callback, capture), run in the order they were
 * added, a listener removed during dispatch does not run, `once` removes before calling, an exception in a listener
 * is reported (rethrown on a later task, as browsers report it) and never stops the other listeners.
 */
class FallbackEventTarget {
  #listeners = new Map<string, Registered[]>();

  addEventListener(type: string, callback: Listener | null, options?: boolean | AddEventListenerOptions): void {
    if (!callback) return;
    const capture = typeof options === 'boolean' ? options : !!options?.capture;
    const once = typeof options === 'object' && !!options?.once;
    const list = this.#listeners.get(type) ?? [];
    if (list.some((l) => l.callback === callback && l.capture === capture)) return;
    list.push({ callback, capture, once });
    this.#listeners.set(type, list);
  }

  removeEventListener(type: string, callback: Listener | null, options?: boolean | EventListenerOptions): void {
    const capture = typeof options === 'boolean' ? options : !!options?.capture;
    const list = this.#listeners.get(type);
    const index = list?.findIndex((l) => l.callback === callback && l.capture === capture) ?? -1;
    if (index < 0) return;
    list![index].removed = true;
    list!.splice(index, 1);
  }

  dispatchEvent(event: Event): boolean {
    const e = event as unknown as FallbackEvent;
    e.target = e.currentTarget = this;
    for (const listener of [...(this.#listeners.get(e.type) ?? [])]) {
      if (listener.removed) continue;
      if (listener.once) this.removeEventListener(e.type, listener.callback, listener.capture);
      try {
        const { callback } = listener;
        if (typeof callback === 'function') callback.call(this, event);
        else callback.handleEvent(event);
      } catch (error) {
        setTimeout(() => {
          throw error;
        });
      }
      if (e.stopped) break;
    }
    e.currentTarget = null;
    return !e.defaultPrevented;
  }
}

const g = globalThis as unknown as {
  EventTarget?: typeof EventTarget;
  Event?: typeof Event;
  MessageEvent?: typeof MessageEvent;
  CloseEvent?: typeof CloseEvent;
  DOMException?: typeof DOMException;
};

/** The runtime's `EventTarget` when it has one (events then use its `Event`), else the fallback pair. */
const hasEventTarget = (): boolean => typeof g.EventTarget === 'function' && typeof g.Event === 'function';

/** The base class of `WebSocket`. */
export const EventTargetBase: typeof EventTarget = /* @__PURE__ */ (() =>
  (hasEventTarget() ? g.EventTarget : FallbackEventTarget) as typeof EventTarget)();

/** `Event` matching {@link EventTargetBase} (a native `EventTarget` only dispatches native events). */
const EventBase: typeof Event = /* @__PURE__ */ (() => (hasEventTarget() ? g.Event : FallbackEvent) as typeof Event)();

/** HTML's `MessageEvent`, reduced to what a WebSocket sets: `data`, `origin`, `lastEventId`, `source`, `ports`. */
// Class expressions named like the DOM classes (their `name` shows in logs), bound to other names here.
const FallbackMessageEvent = class MessageEvent extends EventBase {
  readonly data: unknown;
  readonly origin: string;
  readonly lastEventId: string;
  readonly source = null;
  readonly ports: readonly unknown[] = Object.freeze([]);

  constructor(type: string, init: MessageEventInit = {}) {
    super(type);
    this.data = init.data ?? null;
    this.origin = String(init.origin ?? '');
    this.lastEventId = String(init.lastEventId ?? '');
  }
};

/** The WebSockets standard's `CloseEvent` (§ "The CloseEvent interface"): `wasClean`, `code`, `reason`. */
const FallbackCloseEvent = class CloseEvent extends EventBase {
  readonly #wasClean: boolean;
  readonly #code: number;
  readonly #reason: string;

  constructor(type: string, init: CloseEventInit = {}) {
    super(type);
    this.#wasClean = !!init.wasClean;
    // `unsigned short code = 0`
    this.#code = (Number(init.code) || 0) & 0xffff;
    this.#reason = String(init.reason ?? '');
  }

  /** True if the connection closed cleanly (both Close frames exchanged, then TCP closed). */
  get wasClean(): boolean {
    return this.#wasClean;
  }

  /** The WebSocket connection close code (RFC 6455 §7.1.5): the server's, 1005 when it sent none, 1006 when lost. */
  get code(): number {
    return this.#code;
  }

  /** The WebSocket connection close reason (RFC 6455 §7.1.6), UTF-8 decoded. */
  get reason(): string {
    return this.#reason;
  }
};

/** The runtime's `MessageEvent` if it has one that fits the `EventTarget` in use, else a compatible class. */
export const MessageEventClass: typeof MessageEvent = /* @__PURE__ */ (() =>
  (hasEventTarget() && typeof g.MessageEvent === 'function' ? g.MessageEvent : FallbackMessageEvent) as typeof MessageEvent)();

/** The runtime's `CloseEvent` if it has one (not Node before 23), else a compatible class. */
export const CloseEventClass: typeof CloseEvent = /* @__PURE__ */ (() =>
  (hasEventTarget() && typeof g.CloseEvent === 'function' ? g.CloseEvent : FallbackCloseEvent) as typeof CloseEvent)();

/** A plain event of `type` (`open`, `error`), of the class the `EventTarget` in use dispatches. */
export const createEvent = (type: string): Event => new EventBase(type);

/** A `DOMException` named `name` ("SyntaxError", "InvalidStateError", "InvalidAccessError"), as the standard throws. */
export function domException(message: string, name: string): Error {
  if (typeof g.DOMException === 'function') return new g.DOMException(message, name);
  return Object.defineProperty(new Error(message), 'name', { value: name, configurable: true, writable: true });
}
