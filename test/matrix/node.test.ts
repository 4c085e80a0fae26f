/**
 * The runtime matrix, Node: the engines floor (18.17+; the node18 devDependency is 18.20.x), 20, 22 and the newest
 * LTS (24), each ESM (`import`) and CJS (`require`), all from the packed package. See suite.ts and scenario.ts.
 */
import { TARGETS } from './runtimes.js';
import { defineMatrixSuite, NODE_OPTIONS_WORK } from './suite.js';

defineMatrixSuite(
  'runtime matrix: Node',
  TARGETS.filter((t) => t.runtime.startsWith('node')).map((t) => ({
    ...t,
    expect: { condition: 'node', build: t.module === 'ESM' ? 'dist/node.js' : 'dist/node.cjs', nodeOnly: NODE_OPTIONS_WORK },
  })),
);
