/** Interop: the sockline Socket against Python websockets (Debian python3-websockets). See scenarios.ts and peers.ts. */
import { startPythonPeer } from './peers.js';
import { defineInteropSuite } from './scenarios.js';

defineInteropSuite('interop with Python websockets (Debian python3-websockets)', startPythonPeer);
