/**
 * The runtime matrix beyond Node: Bun (the `bun` condition: the Node build), Deno (the `deno` condition: the Node
 * build, which runs fully on Deno's node: compatibility — headers, ping, handshake details) and workerd (the
 * `workerd` condition: the browser build over the runtime's WebSocket, an outbound connection from a fetch handler).
 * All from the packed package. See suite.ts and scenario.ts.
 */
import { TARGETS } from './runtimes.js';
import { defineMatrixSuite, NODE_OPTIONS_WORK, type Expectation } from './suite.js';

const EXPECT: Record<string, Expectation> = {
  'bun-esm': { condition: 'bun', build: 'dist/node.js', nodeOnly: NODE_OPTIONS_WORK },
  'bun-cjs': { condition: 'bun', build: 'dist/node.cjs', nodeOnly: NODE_OPTIONS_WORK },
  'deno-npm': { condition: 'deno', build: 'dist/node.js', nodeOnly: NODE_OPTIONS_WORK },
  'deno-bare': { condition: 'deno', build: 'dist/node.js', nodeOnly: NODE_OPTIONS_WORK },
  // Not what `import 'sockline'` gives Deno: the browser build, where a 403 comes from Deno's ErrorEvent message.
  'deno-browser-build': { condition: '(path)', build: 'dist/browser.js', nodeOnly: 'refused' },
  // wrangler/esbuild take the first key of the map in its order that is among workerd, worker, browser, import,
  // default: that is `browser` (listed before `workerd`); both name dist/browser.js.
  workerd: { condition: /^browser \(as wrangler resolves/, build: 'dist/browser.js', nodeOnly: 'refused' },
};

defineMatrixSuite(
  'runtime matrix: Bun, Deno, workerd',
  TARGETS.filter((t) => t.id in EXPECT).map((t) => ({ ...t, expect: EXPECT[t.id]! })),
);
