/**
 * The seam between the Socket and the heartbeat (src/heartbeat.ts): what a heartbeat implementation provides, and the
 * symbol by which `heartbeat()` attaches one to the options. Kept apart so that the facade and the options know the
 * shape without importing (and bundling) the implementation.
 */
import type { NormalizedHeartbeat } from './options.js';
import type { Transport } from './transport.js';

/** What the Socket needs of the heartbeat: validate its options once, start it on every open link. */
export interface HeartbeatModule {
  /** The options, validated and with the defaults filled in (`false`: off). `canPing`: the runtime has protocol pings. */
  options(value: unknown, canPing: boolean): NormalizedHeartbeat | false;
  /** Start on an open link; returns the function that stops it (called whenever the link is detached). */
  start(transport: Transport, settings: NormalizedHeartbeat): () => void;
}

/** Where `heartbeat()` puts the module on the options it returns (non-enumerable). */
export const HEARTBEAT = Symbol.for('sockline.heartbeat');
