/** Interop: the sockline Socket against an nginx reverse proxy in front of a ws server. See scenarios.ts and peers.ts. */
import { startNginxPeer } from './peers.js';
import { defineInteropSuite } from './scenarios.js';

defineInteropSuite('interop with an nginx reverse proxy in front of a ws server', startNginxPeer);
