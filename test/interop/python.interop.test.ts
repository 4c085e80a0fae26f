/** Interop: the sockline Socket against Python websockets (Debian python3-websockets). See scenarios.ts and peers.ts. */
import { describe } from 'vitest';
import { requirePeer } from '../helpers/peers.js';
import { startPythonPeer } from './peers.js';
import { defineInteropSuite } from './scenarios.js';

const python = requirePeer('python3-websockets');
describe.skipIf(python.skip)('Python websockets', () => {
  defineInteropSuite('interop with Python websockets (Debian python3-websockets)', startPythonPeer);
});
