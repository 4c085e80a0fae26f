/**
 * One vitest suite per group of matrix targets: a test per target that runs the shared scenario in that runtime,
 * checks it against MATRIX_EXPECTED and the build it should have resolved, and records the outcome in
 * test/matrix/results/<id>.json, from which scripts/support-table.mjs writes the README's support table.
 * A runtime that is not installed is skipped with its install hint (test/helpers/peers.ts); CI=true requires it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePeer, type PeerCheck, type PeerName } from '../helpers/peers.js';
import { root } from '../package/helpers.js';
import { matrixFixture, type Fixture } from './fixture.js';
import type { MatrixRun, MatrixTarget } from './runtimes.js';
import { MATRIX_EXPECTED, type NodeOnlyOptions } from './scenario.js';
import { startMatrixServers, type MatrixServers } from './servers.js';

export interface Expectation {
  /** The exports condition the runtime must take in sockline's map. */
  condition: string | RegExp;
  /** The file of the package it must load. */
  build: string;
  nodeOnly: NodeOnlyOptions | 'refused';
}

export interface MatrixResultFile {
  id: string;
  runtime: string;
  module: string;
  how: string;
  condition: string;
  build: string;
  nodeOnly: NodeOnlyOptions;
  /** The scenario parts that differed from MATRIX_EXPECTED (empty: all passed). */
  failed: string[];
}

export const RESULTS_DIR = join(root, 'test/matrix/results');

/** Writes one row's result and regenerates the README table from every result on disk. */
export function recordResult(file: MatrixResultFile): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${file.id}.json`);
  writeFileSync(`${path}.tmp-${process.pid}`, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(`${path}.tmp-${process.pid}`, path);
  // The other matrix files may be writing theirs: each regeneration reads them all.
  execFileSync(process.execPath, [join(root, 'scripts/support-table.mjs')], { cwd: root, stdio: 'ignore' });
}

/** What the browser suites record: a page of the e2e suite, all its tests passed or not. */
export function recordBrowserPage(id: string, runtime: string, how: string, build: string, failedTests: string[]): void {
  recordResult({
    id,
    runtime,
    module: how.startsWith('CDN') ? 'IIFE' : 'ESM',
    how,
    condition: '(page)',
    build,
    nodeOnly: {
      headers: false,
      ping: false,
      handshake: false,
      refused: 'Node-only options throw InvalidArgumentError in browsers',
    },
    failed: failedTests,
  });
}

function writeResult(target: MatrixTarget, run: MatrixRun): MatrixResultFile {
  const { nodeOnly, ...rest } = run.result;
  const failed = Object.keys(MATRIX_EXPECTED).filter(
    (key) => !isDeepStrictEqual(rest[key as keyof typeof rest], MATRIX_EXPECTED[key as keyof typeof MATRIX_EXPECTED]),
  );
  const file: MatrixResultFile = {
    id: target.id,
    runtime: run.runtime,
    module: target.module,
    how: target.how,
    condition: run.condition,
    build: run.resolved.replace(/^.*node_modules\/sockline\//, ''),
    nodeOnly,
    failed,
  };
  recordResult(file);
  return file;
}

const NODE_OPTIONS_WORK: NodeOnlyOptions = { headers: true, ping: true, handshake: true, refused: null };

export function defineMatrixSuite(title: string, targets: readonly (MatrixTarget & { expect: Expectation })[]): void {
  const peers = new Map<PeerName, PeerCheck>();
  for (const target of targets) {
    if (peers.has(target.runtime)) continue;
    const ids = targets.filter((t) => t.runtime === target.runtime).map((t) => t.id);
    peers.set(target.runtime, requirePeer(target.runtime, `the runtime matrix's ${ids.join(', ')}`));
  }

  describe(title, () => {
    let servers: MatrixServers | undefined;
    let fixture: Fixture | undefined;
    beforeAll(async () => {
      if ([...peers.values()].every((p) => p.skip)) return;
      servers = await startMatrixServers();
      fixture = matrixFixture();
    }, 60_000);
    afterAll(async () => {
      await servers?.close();
    });

    for (const target of targets) {
      const peer = peers.get(target.runtime)!;
      it.skipIf(peer.skip)(
        `${target.id} (${target.how}): the shared scenario, from the packed package`,
        { timeout: 90_000 },
        async () => {
          const run = await target.run(peer.path!, fixture!, {
            wsUrl: servers!.ws.url,
            rejectUrl: servers!.rejectUrl,
            id: `${target.id}-${process.pid}-${Date.now()}`,
            timeoutMs: 10_000,
          });
          const recorded = writeResult(target, run);
          const { nodeOnly, ...rest } = run.result;
          expect(rest).toEqual(MATRIX_EXPECTED);
          expect(run.condition).toMatch(target.expect.condition);
          expect(recorded.build).toBe(target.expect.build);
          if (target.expect.nodeOnly === 'refused') {
            expect(nodeOnly).toMatchObject({ headers: false, ping: false, handshake: false });
            expect(nodeOnly.refused).toMatch(/^InvalidArgumentError: Option headers is not supported in browsers/);
          } else {
            expect(nodeOnly).toEqual(target.expect.nodeOnly);
          }
        },
      );
    }
  });
}

export { NODE_OPTIONS_WORK };
