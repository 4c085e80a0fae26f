#!/usr/bin/env node
// What a web app pays for sockline: bundles `import { Socket } from 'sockline'` the way an app's
// bundler would (rollup, browser platform, the package resolved through its own exports map with
// the "browser" condition, eventemitter3 included), minifies with terser and gzips it.
// The same is done for reconnecting-websocket and partysocket when they are installed.
//
//   node scripts/size.mjs          table; exit code 1 when sockline grew past its regression ceiling
//   node scripts/size.mjs --json   the same numbers as JSON (used by the benchmark report)
//   node scripts/size.mjs --why    also which source file costs how much of sockline's bundle
//
// Needs dist/ (npm run build).
import { mkdtempSync, rmSync, symlinkSync, mkdirSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { minify } from 'terser';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The goal of issue #3: the browser bundle, reconnection included, at most 3 KB min+gzip. NOT MET today:
 * eventemitter3 alone is ~1.1 KB and the facade's required behaviour (reconnection policy, bounded queue with
 * drop reporting, sendAsync, heartbeat with the wall-clock check, AbortSignal, online/offline, option
 * validation, typed errors) is ~6 KB. Printed so the gap stays visible.
 */
export const TARGET_BYTES = 3072;

/**
 * Regression ceiling enforced by the tests (min+gzip): the bundle may shrink, never grow past this. Raised from 7400
 * by issue 9 (+~980 B: listener isolation, the write buffer's drain and cap, guarded callbacks, copy-on-queue,
 * typed errors for hostile input, CallbackError), issue 13 (+~160 B: the Node network options' names refused
 * with a clear message, the proxy rule of defaultShouldReconnect, socket.url after redirects), issue 11 (+~40 B:
 * final TLS failures, NetworkError.reason, the JSON.stringify hint) and issue 15 (+~160 B: a refused upgrade whose
 * status the runtime names, Deno/workerd, is a typed HandshakeError) and issue 14 streams (+~1.65 KB: `messages()` with
 * its bounded buffer and `sendStream()`'s buffered writer; the fragment writer is Node-only, out of this bundle).
 */
export const BUDGET_BYTES = 10200;

/** What is measured: an app's entry module, re-exporting what it imports so nothing is tree-shaken away. */
export const TARGETS = [
  { name: 'sockline', package: 'sockline', entry: "export { Socket } from 'sockline';" },
  {
    name: 'reconnecting-websocket',
    package: 'reconnecting-websocket',
    entry: "export { default } from 'reconnecting-websocket';",
  },
  {
    name: 'partysocket/ws (ReconnectingWebSocket)',
    package: 'partysocket',
    entry: "export { default } from 'partysocket/ws';",
  },
  { name: 'partysocket (PartySocket)', package: 'partysocket', entry: "export { PartySocket } from 'partysocket';" },
];

/**
 * Bundles one entry for the browser. The entry lives in a scratch app whose node_modules links to
 * this package (so 'sockline' resolves exactly as for an app that installed it) and to ours.
 * @returns {{ code: string, imports: string[], modules: string[], warnings: string[] }}
 */
export async function bundleForBrowser(entry) {
  const app = mkdtempSync(join(tmpdir(), 'sockline-size-'));
  try {
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(root, join(app, 'node_modules', 'sockline'), 'dir');
    writeFileSync(join(app, 'entry.js'), entry + '\n');
    const warnings = [];
    const bundle = await rollup({
      input: join(app, 'entry.js'),
      plugins: [
        nodeResolve({
          browser: true,
          exportConditions: ['browser', 'module', 'import', 'default'],
          // Packages other than sockline come from this repository's node_modules.
          modulePaths: [join(root, 'node_modules')],
        }),
        commonjs(),
      ],
      onwarn: (warning) => warnings.push(`${warning.code}: ${warning.message}`),
    });
    const { output } = await bundle.generate({ format: 'es' });
    await bundle.close();
    const chunk = output[0];
    return {
      code: chunk.code,
      imports: [...chunk.imports, ...chunk.dynamicImports],
      modules: Object.keys(chunk.modules),
      warnings,
    };
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

/** Minified and min+gzip sizes (terser, module mode, two compress passes; gzip level 9), and the minified code. */
export async function measure(code) {
  const minified = (await minify(code, { module: true, compress: { passes: 2 }, format: { comments: false } })).code ?? '';
  return {
    min: Buffer.byteLength(minified),
    gzip: gzipSync(minified, { level: 9 }).byteLength,
    minified,
  };
}

/**
 * Where sockline's browser bytes come from: bundles src/index.browser.ts (types stripped), minifies it
 * with a source map and attributes every minified byte to its source file. The gzip column splits the
 * whole bundle's gzip size in proportion (gzip does not split exactly; good enough to choose what to cut).
 * @returns {Promise<{ total: { min: number, gzip: number }, files: { file: string, min: number, gzip: number }[] }>}
 */
export async function attribute() {
  const [{ default: typescript }, { SourceMapConsumer }] = await Promise.all([
    import('@rollup/plugin-typescript'),
    import('source-map-js'),
  ]);
  const bundle = await rollup({
    input: join(root, 'src', 'index.browser.ts'),
    plugins: [
      nodeResolve({ browser: true }),
      commonjs(),
      typescript({
        tsconfig: join(root, 'tsconfig.json'),
        include: ['src/**/*.ts'],
        compilerOptions: { noEmit: false, noCheck: true, declaration: false, sourceMap: true },
      }),
    ],
    onwarn: () => {},
  });
  const { output } = await bundle.generate({ format: 'es', sourcemap: true });
  await bundle.close();
  const minified = await minify(
    { 'bundle.js': output[0].code },
    { module: true, compress: { passes: 2 }, format: { comments: false }, sourceMap: { content: output[0].map } },
  );
  const code = minified.code ?? '';
  const lines = code.split('\n');
  const mappings = [];
  new SourceMapConsumer(JSON.parse(String(minified.map))).eachMapping((m) => mappings.push(m));
  mappings.sort((a, b) => a.generatedLine - b.generatedLine || a.generatedColumn - b.generatedColumn);
  const bytes = new Map();
  mappings.forEach((m, i) => {
    const next = mappings[i + 1];
    const end = next && next.generatedLine === m.generatedLine ? next.generatedColumn : lines[m.generatedLine - 1].length;
    const file = (m.source ?? '(generated)').replace(/^.*?\/(src|node_modules)\//, '$1/');
    bytes.set(file, (bytes.get(file) ?? 0) + end - m.generatedColumn);
  });
  const total = { min: code.length, gzip: gzipSync(code, { level: 9 }).byteLength };
  const files = [...bytes]
    .map(([file, min]) => ({ file, min, gzip: Math.round((min / total.min) * total.gzip) }))
    .sort((a, b) => b.min - a.min);
  return { total, files };
}

function isInstalled(name) {
  return existsSync(join(root, 'node_modules', name, 'package.json'));
}

/** Measures every target; peers that are not installed are reported as such. */
export async function measureAll() {
  const results = [];
  for (const target of TARGETS) {
    if (target.package !== 'sockline' && !isInstalled(target.package)) {
      results.push({ name: target.name, installed: false });
      continue;
    }
    const bundle = await bundleForBrowser(target.entry);
    const { min, gzip } = await measure(bundle.code);
    results.push({ name: target.name, installed: true, min, gzip });
  }
  return results;
}

async function main() {
  if (!existsSync(join(root, 'dist', 'browser.js'))) {
    console.error('dist/browser.js is missing: run `npm run build` first');
    process.exit(2);
  }
  const results = await measureAll();
  const ours = results[0];
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ budget: BUDGET_BYTES, target: TARGET_BYTES, results }, null, 2));
  } else {
    const width = Math.max(...results.map((r) => r.name.length));
    console.log(
      `Browser bundle, rollup + terser, gzip -9 (sockline: regression ceiling ${BUDGET_BYTES} B, target ${TARGET_BYTES} B min+gzip)`,
    );
    for (const r of results) {
      const label = r.name.padEnd(width);
      if (!r.installed) console.log(`  ${label}  not installed (npm i -D ${r.name.split(' ')[0].split('/')[0]})`);
      else console.log(`  ${label}  min ${String(r.min).padStart(6)} B   min+gzip ${String(r.gzip).padStart(5)} B`);
    }
  }
  if (process.argv.includes('--why')) {
    const { total, files } = await attribute();
    console.log(`\nsockline from src/ (min ${total.min} B, min+gzip ${total.gzip} B), by source file:`);
    for (const f of files) console.log(`  ${f.file.padEnd(40)} min ${String(f.min).padStart(6)} B   ~gzip ${String(f.gzip).padStart(5)} B`);
  }
  if (ours.gzip > TARGET_BYTES) {
    console.log(`\nsockline is ${ours.gzip - TARGET_BYTES} B over the ${TARGET_BYTES} B target (see --why)`);
  }
  if (ours.gzip > BUDGET_BYTES) {
    console.log(`sockline grew past its ${BUDGET_BYTES} B min+gzip regression ceiling`);
    process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
