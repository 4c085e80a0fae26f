/** Interop: the sockline Socket against an nginx reverse proxy in front of a ws server. See scenarios.ts and peers.ts. */
import { describe } from 'vitest';
import { requirePeer } from '../helpers/peers.js';
import { startNginxPeer } from './peers.js';
import { defineInteropSuite } from './scenarios.js';

const nginx = requirePeer('nginx');
describe.skipIf(nginx.skip)('nginx', () => {
  defineInteropSuite('interop with an nginx reverse proxy in front of a ws server', startNginxPeer);
});
