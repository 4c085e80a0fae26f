/**
 * The heartbeat (dead-link detection) as a module of its own (issue 16), so that a browser bundle carries it only when
 * the app asks for it:
 *
 * - Node: `nodeRuntime.heartbeat` is this module, so protocol pings stay on by default and a plain
 *   `heartbeat: { interval, message, … }` object works as before.
 * - Browsers (no ping API, heartbeat off by default): `import { heartbeat } from 'sockline/heartbeat'` and pass
 *   `heartbeat: heartbeat({ message: 'ping', interval })`. The options are the same object in both runtimes;
 *   `heartbeat()` only attaches this module to them (a non-enumerable symbol), so the same call works on Node too.
 *
 * Probe every `interval`; no inbound data within `timeout` of a probe, or a gap since the last inbound data longer
 * than `interval + timeout` at a tick (timers were frozen: sleep, background tab), terminates the link with a
 * `TimeoutError` (1006), which leads to a reconnect.
 */
import { brief, DEV } from './dev.js';
import { InvalidArgumentError, TimeoutError } from './errors.js';
import { DEFAULTS, invalid, merge, type HeartbeatOptions, type NormalizedHeartbeat } from './options.js';
import { HEARTBEAT, type HeartbeatModule } from './heartbeat-module.js';

export type { HeartbeatOptions } from './options.js';

export const heartbeatModule: HeartbeatModule = {
  options(value, canPing) {
    const settings = merge('heartbeat', value, DEFAULTS.heartbeat) as NormalizedHeartbeat | false;
    if (settings) {
      const { message, isPong } = settings as { message: unknown; isPong: unknown };
      // Static type checks (programming mistakes TypeScript catches): development build only.
      if (DEV && message !== undefined && typeof message !== 'string' && !(message instanceof Uint8Array)) {
        invalid('heartbeat.message', message, 'a string or a Uint8Array');
      }
      if (DEV && isPong !== undefined && typeof isPong !== 'function') invalid('heartbeat.isPong', isPong, 'a function');
      // Kept in production: without a message a browser heartbeat would never probe, silently.
      if (message === undefined && (isPong || !canPing)) {
        throw new InvalidArgumentError(
          DEV
            ? `Invalid option heartbeat: ${isPong ? 'isPong needs' : 'browsers have no ping API, so it needs'} heartbeat.message`
            : brief('Invalid option heartbeat: needs message', 'heartbeat'),
        );
      }
    }
    return settings;
  },

  start(transport, { interval, timeout, message }) {
    if (message === undefined && !transport.canPing) return () => {};
    let reply: ReturnType<typeof setTimeout> | undefined;
    const fail = (ms: number, detail: string): void =>
      transport.terminate(new TimeoutError(`Heartbeat failed: ${detail}`, 'heartbeat', ms));
    // Re-armed with a new timer at every tick: browsers' timer ids are numbers, without Node's `refresh()`.
    const tick = (): void => {
      const now = Date.now();
      const idle = now - transport.lastReceivedAt;
      if (idle > interval + timeout) {
        return fail(
          idle,
          `nothing received for ${idle} ms, more than interval + timeout (${interval + timeout} ms); timers were suspended or the link is dead`,
        );
      }
      // A link that is closing takes no probe (false): its close is on the way.
      if (message === undefined) transport.ping();
      else transport.send(message, 0);
      reply ??= setTimeout(() => {
        reply = undefined;
        if (transport.lastReceivedAt < now) fail(timeout, `no reply within ${timeout} ms`);
      }, timeout);
      beat = setTimeout(tick, interval);
    };
    let beat = setTimeout(tick, interval);
    return () => {
      clearTimeout(beat);
      clearTimeout(reply);
    };
  },
};

/**
 * The heartbeat option, with its code: `new Socket(url, { heartbeat: heartbeat({ message: 'ping', interval: 20000 }) })`.
 * Needed in browser builds (which leave the heartbeat out unless imported); accepted by the Node build as well.
 */
export function heartbeat(options: HeartbeatOptions = {}): HeartbeatOptions {
  return Object.defineProperty({ ...options }, HEARTBEAT, { value: heartbeatModule });
}
