// One source, every distribution:
//   dist/node.js, dist/node.cjs         Node (our RFC 6455 client on node:net/node:tls), eventemitter3 external
//   dist/browser.js, dist/browser.cjs   native WebSocket (browsers, workers), eventemitter3 external
//   dist/react-native.js, .cjs          the same plus `headers` (React Native's WebSocket takes them), eventemitter3 external
//   dist/heartbeat[.production|.node].js/.cjs (+ .d.ts/.d.cts)  `sockline/heartbeat`: re-exports from the build beside it
//   dist/browser.production.js, .cjs   the same with DEV false (src/dev.ts): short argument/state messages, no static
//                                       option checks; package.json's "production" condition serves it
//   dist/sockline.min.js (+ .map)       CDN <script src>: IIFE exposing the global `Sockline`, eventemitter3 bundled, ES2017
//   dist/index.d.ts, dist/index.d.cts   bundled types (the same public API for both entries)
//   dist/cli.js                         the `sockline` command (ESM, executable), importing ./node.js
import { builtinModules } from 'node:module';
import { chmodSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const banner = `/*! sockline v${pkg.version} | MIT License */`;

// Type errors are `tsc --noEmit`'s job (npm test runs it first); here TypeScript only strips types,
// which keeps the build quiet and fast. `inlineSources` puts the TypeScript source in every map
// (`sourcesContent`): src/ is not published, and `node --enable-source-maps` or a browser's devtools
// then show the real code. `target` is ES2022 for the npm builds (bundlers transpile further for their
// own targets) and ES2017 for the CDN file, which runs as is in pages without a build step.
const ts = (target = 'ES2022') =>
  typescript({
    tsconfig: './tsconfig.json',
    include: ['src/**/*.ts'],
    compilerOptions: {
      noEmit: false,
      noCheck: true,
      declaration: false,
      sourceMap: true,
      inlineSources: true,
      outDir: undefined,
      target,
      // The class-field semantics of the source (ES2022 [[Define]]), also when fields are downlevelled.
      useDefineForClassFields: true,
    },
    outputToFilesystem: false,
  });

const nodeExternal = [...builtinModules, /^node:/, 'eventemitter3'];

// The CLI uses the library only through its public entry: `../index.node.js` stays an import, of ./node.js.
const publicEntry = fileURLToPath(new URL('./src/index.node.js', import.meta.url));
const cliExternal = (id) => nodeExternal.some((e) => (typeof e === 'string' ? e === id : e.test(id))) || id === publicEntry;
/** Makes the CLI executable once written (npm also sets the bit on install; this is for running it from a clone). */
const executable = () => ({
  name: 'executable',
  writeBundle(options) {
    chmodSync(options.file, 0o755);
  },
});

/**
 * The production build (issue 16): src/dev.ts is replaced by a module whose `DEV` is `false`, and rollup drops
 * every `if (DEV)` branch and `DEV ? long : short` prose. One source; nothing is kept by hand.
 */
const devFile = fileURLToPath(new URL('./src/dev.ts', import.meta.url));
/**
 * `sockline/heartbeat` (issue 16): a one-line re-export of `heartbeat` from the build beside it, so that an app that
 * imports both gets one copy of the shared code (the main entry exports `heartbeat` too; unused, it is tree-shaken).
 */
const heartbeatEntry = (build) => ({
  name: 'sockline-heartbeat-entry',
  generateBundle(options) {
    const esm = options.format === 'es';
    const suffix = build.slice(build.indexOf('.') === -1 ? build.length : build.indexOf('.'));
    const source = esm
      ? `${banner}\nexport { heartbeat } from './${build}.js';\n`
      : `${banner}\n'use strict';\nexports.heartbeat = require('./${build}.cjs').heartbeat;\n`;
    const fileName = `heartbeat${build.startsWith('node') ? '.node' : suffix}.${esm ? 'js' : 'cjs'}`;
    // A (trivial) source map like every other file in dist/: the code is this one generated line.
    this.emitFile({ type: 'asset', fileName, source: `${source}//# sourceMappingURL=${fileName}.map\n` });
    // Its source is the `export { heartbeat }` line of src/exports.ts (the map has no mappings: nothing to step into).
    const map = {
      version: 3,
      file: fileName,
      sources: ['../src/exports.ts'],
      sourcesContent: [readFileSync('src/exports.ts', 'utf8')],
      names: [],
      mappings: '',
    };
    this.emitFile({ type: 'asset', fileName: `${fileName}.map`, source: JSON.stringify(map) });
    if (build === 'node' && esm) {
      this.emitFile({
        type: 'asset',
        fileName: 'heartbeat.d.ts',
        source: "export { heartbeat, type HeartbeatOptions } from './index.js';\n",
      });
      this.emitFile({
        type: 'asset',
        fileName: 'heartbeat.d.cts',
        source: "export { heartbeat, type HeartbeatOptions } from './index.cjs';\n",
      });
    }
  },
});

// A transform after TypeScript's (which emits `export const DEV = true;`).
const production = () => ({
  name: 'sockline-production',
  transform(code, id) {
    if (id !== devFile) return null;
    const replaced = code.replace(/\bexport const DEV = true;/, 'export const DEV = false;');
    if (replaced === code) this.error('src/dev.ts no longer compiles to `export const DEV = true;`');
    return { code: replaced, map: null };
  },
});

/** @type {import('rollup').RollupOptions[]} */
export default [
  {
    input: 'src/index.node.ts',
    external: nodeExternal,
    plugins: [ts(), heartbeatEntry('node')],
    output: [
      { file: 'dist/node.js', format: 'es', sourcemap: true, banner },
      { file: 'dist/node.cjs', format: 'cjs', sourcemap: true, banner, exports: 'named' },
    ],
  },
  // The browser build, twice: development (DEV true) and production. Each also writes its `sockline/heartbeat` file.
  ...['', '.production'].map((suffix) => ({
    input: 'src/index.browser.ts',
    external: ['eventemitter3'],
    plugins: suffix ? [ts(), production(), heartbeatEntry('browser' + suffix)] : [ts(), heartbeatEntry('browser')],
    output: [
      { file: `dist/browser${suffix}.js`, format: 'es', sourcemap: true, banner },
      { file: `dist/browser${suffix}.cjs`, format: 'cjs', sourcemap: true, banner, exports: 'named' },
    ],
  })),
  {
    // React Native (issue 15): the browser build plus `headers`, a file of its own so no browser bundle carries it.
    input: 'src/index.react-native.ts',
    external: ['eventemitter3'],
    plugins: [ts()],
    output: [
      { file: 'dist/react-native.js', format: 'es', sourcemap: true, banner },
      { file: 'dist/react-native.cjs', format: 'cjs', sourcemap: true, banner, exports: 'named' },
    ],
  },
  {
    input: 'src/index.browser.ts',
    // ES2017 (no static blocks, #private fields, ??, ?., object spread): Safari 11+, Chrome/Edge 79+, Firefox 69+.
    // test/package/cdn-syntax.test.ts parses the output at ecmaVersion 2017.
    plugins: [nodeResolve({ browser: true }), commonjs(), ts('ES2017')],
    output: {
      file: 'dist/sockline.min.js',
      format: 'iife',
      name: 'Sockline',
      exports: 'named',
      sourcemap: true,
      banner,
      plugins: [terser({ ecma: 2017, compress: { passes: 2 }, format: { comments: /^!/ } })],
    },
  },
  {
    input: 'src/cli/main.ts',
    external: (id, importer) =>
      cliExternal(id) ||
      (importer !== undefined && /^\.\.?\//.test(id) && cliExternal(fileURLToPath(new URL(id, `file://${importer}`)))),
    plugins: [ts(), executable()],
    output: {
      file: 'dist/cli.js',
      format: 'es',
      sourcemap: true,
      banner: `#!/usr/bin/env node\n${banner}`,
      paths: (id) => (id === publicEntry ? './node.js' : id),
    },
  },
  {
    input: 'src/index.node.ts',
    external: ['eventemitter3'],
    plugins: [dts({ tsconfig: './tsconfig.json', compilerOptions: { noEmit: false } })],
    output: [
      { file: 'dist/index.d.ts', format: 'es' },
      { file: 'dist/index.d.cts', format: 'es' },
    ],
  },
];
