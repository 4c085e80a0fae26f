/**
 * The runtime matrix, Node: the engines floor (18.17+; the node18 devDependency is 18.20.x), 20, 22 and the newest
 * LTS (24), each ESM (`import`) and CJS (`require`), all from the packed package. See suite.ts and scenario.ts.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probePeer } from '../helpers/peers.js';
import { root } from '../package/helpers.js';
import { TARGETS } from './runtimes.js';
import { defineMatrixSuite, NODE_OPTIONS_WORK } from './suite.js';

defineMatrixSuite(
  'runtime matrix: Node',
  TARGETS.filter((t) => t.runtime.startsWith('node')).map((t) => ({
    ...t,
    expect: { condition: 'node', build: t.module === 'ESM' ? 'dist/node.js' : 'dist/node.cjs', nodeOnly: NODE_OPTIONS_WORK },
  })),
);

describe('the Node versions of the matrix', () => {
  const node18 = probePeer('node18');
  const node24 = probePeer('node24');
  const run = (bin: string, code: string): string => execFileSync(bin, ['-p', code], { encoding: 'utf8' }).trim();

  it.skipIf(!node18.ok)('include the engines floor: node18 is an 18.x at or above package.json engines (>=18.17)', () => {
    const { engines } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(engines.node).toBe('>=18.17');
    const [major, minor] = run((node18 as { path: string }).path, 'process.versions.node')
      .split('.')
      .map(Number);
    expect(major).toBe(18);
    expect(minor).toBeGreaterThanOrEqual(17);
  });

  it.skipIf(!node24.ok)('include an LTS line as the newest (node24 reports an LTS codename)', () => {
    expect(run((node24 as { path: string }).path, 'process.release.lts')).toMatch(/^[A-Z][a-z]+$/);
  });
});
