/** Interop: the sockline Socket against the ws WebSocketServer. See scenarios.ts and peers.ts. */
import { startWsPeer } from './peers.js';
import { defineInteropSuite } from './scenarios.js';

defineInteropSuite('interop with the ws WebSocketServer', startWsPeer);
