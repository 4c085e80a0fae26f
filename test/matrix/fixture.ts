/**
 * The runtime matrix's fixture: an app directory that installs sockline the way a user does, from the PACKED
 * package (`npm pack` of this repository, extracted into node_modules/sockline, with its one dependency), and
 * the runtime entries that import it by name — so each runtime's own resolution of the `exports` map is what
 * is tested, not our source tree.
 *
 * Built once per content (package.json, dist/, the scenario files) in the OS temp directory and reused by every
 * matrix test file of the run and by later runs: the directory name is a hash of what went into it, built
 * aside and renamed into place (two test files racing both succeed; one copy wins).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { assertBuilt, root } from '../package/helpers.js';

/** The TypeScript sources every runtime imports, transpiled to plain ES modules next to the entries. */
const SCENARIO_SOURCES: Record<string, string> = {
  'scenario.mjs': 'test/matrix/scenario.ts',
  'readme-example.mjs': 'test/shared/readme-example.ts',
  'reconnect-scenario.mjs': 'test/shared/reconnect-scenario.ts',
};

/** Prints one `MATRIX_RESULT {json}` line: the runtime, what `sockline` resolved to, and the scenario's result. */
const REPORT = `
function runtimeName() {
  if (globalThis.Bun) return 'Bun ' + globalThis.Bun.version;
  if (globalThis.Deno) return 'Deno ' + globalThis.Deno.version.deno;
  return 'Node ' + process.versions.node;
}
function report(resolved, condition, result) {
  console.log('MATRIX_RESULT ' + JSON.stringify({ runtime: runtimeName(), resolved: String(resolved), condition, result }));
}
function args() {
  return globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
}
function exit(code) {
  if (globalThis.Deno) globalThis.Deno.exit(code);
  else process.exit(code);
}
`;

const ENTRIES: Record<string, string> = {
  // ESM: Node, Bun and Deno (bare specifier through package.json + node_modules).
  'esm.mjs': `import * as sockline from 'sockline';
import { condition } from 'condition-probe';
import { runMatrix } from './scenario.mjs';
${REPORT}
let resolved;
try { resolved = import.meta.resolve('sockline'); } catch (error) { resolved = 'import.meta.resolve failed: ' + error.message; }
runMatrix(sockline, JSON.parse(args()[0])).then((result) => { report(resolved, condition, result); exit(0); }, (error) => { console.error(error); exit(1); });
`,
  // Deno with an npm: specifier, resolved through the local node_modules (deno.json: nodeModulesDir manual).
  'deno-npm.mjs': `import * as sockline from 'npm:sockline';
import { condition } from 'npm:condition-probe';
import { runMatrix } from './scenario.mjs';
${REPORT}
let resolved;
try { resolved = import.meta.resolve('npm:sockline'); } catch (error) { resolved = 'import.meta.resolve failed: ' + error.message; }
runMatrix(sockline, JSON.parse(args()[0])).then((result) => { report(resolved, condition, result); exit(0); }, (error) => { console.error(error); exit(1); });
`,
  // Deno on the browser build, imported by its path (as a bundler with browser conditions would give it): proves
  // that a 403 is a HandshakeError there too, from the status Deno names in its ErrorEvent.
  'deno-browser.mjs': `import * as sockline from './node_modules/sockline/dist/browser.js';
import { runMatrix } from './scenario.mjs';
${REPORT}
runMatrix(sockline, JSON.parse(args()[0])).then((result) => { report('node_modules/sockline/dist/browser.js', '(path)', result); exit(0); }, (error) => { console.error(error); exit(1); });
`,
  // CJS: require() resolves the "require" branch of the exports map.
  'cjs.cjs': `const sockline = require('sockline');
const { condition } = require('condition-probe');
${REPORT}
const resolved = require.resolve('sockline');
import('./scenario.mjs')
  .then(({ runMatrix }) => runMatrix(sockline, JSON.parse(args()[0])))
  .then((result) => { report(resolved, condition, result); exit(0); }, (error) => { console.error(error); exit(1); });
`,
  // workerd: a module worker whose fetch handler runs the scenario (outbound WebSockets) and answers with the result.
  'worker.mjs': `import * as sockline from 'sockline';
import { condition } from 'condition-probe';
import { runMatrix } from './scenario.mjs';
export default {
  async fetch(request) {
    const { config, resolved } = await request.json();
    try {
      const result = await runMatrix(sockline, config);
      return Response.json({ runtime: 'workerd', resolved, condition, result });
    } catch (error) {
      return new Response(String(error && error.stack || error), { status: 500 });
    }
  },
};
`,
};

/**
 * A package whose exports map has sockline's conditions, in sockline's order, each pointing at a module that
 * exports its own name: importing it tells which condition of sockline's map a runtime takes.
 */
function writeConditionProbe(dir: string, map: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  const exports: Record<string, unknown> = {};
  for (const [condition, target] of Object.entries(map)) {
    if (condition === 'types') continue;
    const safe = condition.replace(/\W/g, '_');
    writeFileSync(join(dir, `${safe}.mjs`), `export const condition = ${JSON.stringify(condition)};\n`);
    writeFileSync(join(dir, `${safe}.cjs`), `exports.condition = ${JSON.stringify(condition)};\n`);
    exports[condition] =
      typeof target === 'object'
        ? { import: `./${safe}.mjs`, require: `./${safe}.cjs` }
        : condition === 'require'
          ? `./${safe}.cjs`
          : `./${safe}.mjs`;
  }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'condition-probe', version: '1.0.0', exports: { '.': exports } }, null, 2),
  );
}

/** workerd's config: the worker, its modules, and outbound network to loopback ("local") for the test servers. */
const COMPATIBILITY_DATE = '2026-11-01';

/** What wrangler (Cloudflare's bundler) resolves for a worker: the first of these conditions in the map's order. */
export const WORKERD_CONDITIONS = ['workerd', 'worker', 'browser', 'import', 'default'];

/** The first entry of an exports map (`.`) whose condition is in `conditions`, taking `import` branches. */
export function resolveConditions(
  map: Record<string, unknown>,
  conditions: readonly string[],
): { condition: string; file: string } {
  for (const [condition, target] of Object.entries(map)) {
    if (!conditions.includes(condition)) continue;
    const file =
      typeof target === 'string'
        ? target
        : ((target as { import?: string; default?: string }).import ?? (target as { default?: string }).default);
    if (file) return { condition, file: file.replace(/^\.\//, '') };
  }
  throw new Error(`no condition of ${conditions.join(', ')} in the exports map`);
}

function workerdConfig(map: Record<string, unknown>, probeMap: Record<string, unknown>): string {
  const sockline = resolveConditions(map, WORKERD_CONDITIONS).file;
  const probe = resolveConditions(probeMap, WORKERD_CONDITIONS).file;
  const modules: [string, string][] = [
    ['worker.mjs', 'worker.mjs'],
    ['scenario.mjs', 'scenario.mjs'],
    ['readme-example.mjs', 'readme-example.mjs'],
    ['reconnect-scenario.mjs', 'reconnect-scenario.mjs'],
    ['sockline', `node_modules/sockline/${sockline}`],
    ['eventemitter3', 'node_modules/eventemitter3/dist/eventemitter3.esm.js'],
    ['condition-probe', `node_modules/condition-probe/${probe}`],
  ];
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
${modules.map(([name, file]) => `    (name = ${JSON.stringify(name)}, esModule = embed ${JSON.stringify(file)}),`).join('\n')}
  ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  globalOutbound = "loopback",
);
`;
}

function transpile(source: string): string {
  const { outputText } = ts.transpileModule(readFileSync(join(root, source), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2020, verbatimModuleSyntax: false },
  });
  // Relative imports of the shared files, as laid out in the fixture.
  return outputText.replace(/from '(?:\.\.\/shared\/|\.\/)([\w-]+)\.js'/g, "from './$1.mjs'");
}

function contentKey(): string {
  const hash = createHash('sha256');
  const files = [
    'package.json',
    ...readdirSync(join(root, 'dist'))
      .sort()
      .map((f) => `dist/${f}`),
    ...Object.values(SCENARIO_SOURCES),
    'test/matrix/fixture.ts',
  ];
  for (const file of files) hash.update(file).update(readFileSync(join(root, file)));
  return hash.digest('hex').slice(0, 16);
}

export interface Fixture {
  dir: string;
  /** The packed package.json's exports map. */
  exports: Record<string, unknown>;
}

/** The fixture directory for the current build (built now if this content was never built). */
export function matrixFixture(): Fixture {
  assertBuilt();
  const dir = join(tmpdir(), `sockline-matrix-${contentKey()}`);
  if (!existsSync(join(dir, 'ready'))) build(dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'node_modules/sockline/package.json'), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  return { dir, exports: pkg.exports };
}

function build(dir: string): void {
  const work = `${dir}.building-${process.pid}-${Date.now()}`;
  const pkgDir = join(work, 'node_modules/sockline');
  mkdirSync(pkgDir, { recursive: true });
  try {
    // --ignore-scripts: `prepare` would rebuild dist/; npm test built it already.
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as { filename: string }[];
    const tarball = join(work, packed[0]!.filename);
    execFileSync('tar', ['-xzf', tarball, '-C', pkgDir, '--strip-components=1']);
    rmSync(tarball);
    cpSync(join(root, 'node_modules/eventemitter3'), join(work, 'node_modules/eventemitter3'), { recursive: true });
    const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
    writeFileSync(
      join(work, 'package.json'),
      JSON.stringify(
        {
          name: 'sockline-matrix-app',
          private: true,
          type: 'module',
          dependencies: { sockline: version, 'condition-probe': '1.0.0' },
        },
        null,
        2,
      ),
    );
    // Deno: use this node_modules as it is, never download.
    writeFileSync(join(work, 'deno.json'), JSON.stringify({ nodeModulesDir: 'manual', lock: false }, null, 2));
    writeConditionProbe(
      join(work, 'node_modules/condition-probe'),
      JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).exports['.'],
    );
    for (const [file, source] of Object.entries(SCENARIO_SOURCES)) writeFileSync(join(work, file), transpile(source));
    for (const [file, text] of Object.entries(ENTRIES)) writeFileSync(join(work, file), text);
    const probeMap = (
      JSON.parse(readFileSync(join(work, 'node_modules/condition-probe/package.json'), 'utf8')) as {
        exports: { '.': Record<string, unknown> };
      }
    ).exports['.'];
    const map = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { exports: { '.': Record<string, unknown> } })
      .exports['.'];
    writeFileSync(join(work, 'workerd.capnp'), workerdConfig(map, probeMap));
    writeFileSync(join(work, 'ready'), new Date().toISOString());
    try {
      renameSync(work, dir);
    } catch {
      // Another test file built the same content first: use its copy.
      rmSync(work, { recursive: true, force: true });
    }
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}
