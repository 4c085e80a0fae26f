// The runtime matrix installs older and newer Nodes as devDependencies (`"node18": "npm:node@18"`, …). Each of those
// packages declares a `node` bin, so npm links node_modules/.bin/node to one of them, and every npm script
// (`#!/usr/bin/env node` tools: tsc, rollup, vitest) would then run on Node 18. Remove that link so npm scripts use
// the Node that runs npm; the matrix finds each runtime by its package path (test/helpers/peers.ts).
// Run from `prepare` (after npm install / npm ci) and first in `npm test` (a later `npm install x` relinks it).
import { readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const link = join(process.cwd(), 'node_modules', '.bin', 'node');
let target;
try {
  target = readlinkSync(link);
} catch {
  process.exit(0); // no link: nothing to do
}
if (/(^|[\\/])node\d+[\\/]/.test(target)) rmSync(link, { force: true });
