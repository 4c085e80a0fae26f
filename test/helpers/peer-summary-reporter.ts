/**
 * A vitest reporter (after 'default' in vitest.config.ts) that ends the run with one line per missing peer:
 * what was skipped and the exact command that installs it, then one command that installs them all.
 *
 * Workers record each miss as a small JSON file (helpers/peers.ts, requirePeer) in a directory this reporter
 * creates before any worker starts and names in SOCKLINE_PEER_SKIPS_DIR (workers inherit the environment).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reporter } from 'vitest/reporters';
import { installCommand, SKIPS_DIR_ENV, type PeerName, type SkipRecord } from './peers.js';

/** Reads the records of a run and turns them into the summary lines (exported for the test of the mechanism). */
export function summaryLines(records: readonly SkipRecord[]): string[] {
  if (records.length === 0) return [];
  const byPeer = new Map<PeerName, SkipRecord[]>();
  for (const record of records) byPeer.set(record.peer, [...(byPeer.get(record.peer) ?? []), record]);
  const lines = [`[peers] ${byPeer.size} missing peer${byPeer.size === 1 ? '' : 's'}: their suites were SKIPPED, not run`];
  for (const [peer, list] of [...byPeer].sort(([a], [b]) => a.localeCompare(b))) {
    const first = list[0]!;
    const skipped = [...new Set(list.map((r) => r.suite || r.file))].sort().join(', ');
    lines.push(`[peers] SKIPPED ${skipped}: ${first.what} (${peer}) is missing (${first.detail}); install: ${first.install}`);
  }
  lines.push(
    `[peers] install every missing peer: ${installCommand([...byPeer.keys()].sort())} (CI=true makes a missing peer a failure)`,
  );
  return lines;
}

export function readRecords(dir: string): SkipRecord[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SkipRecord);
}

export default class PeerSummaryReporter implements Reporter {
  #dir = '';

  onInit(): void {
    this.#dir = mkdtempSync(join(tmpdir(), 'sockline-peer-skips-'));
    process.env[SKIPS_DIR_ENV] = this.#dir;
  }

  onTestRunEnd(): void {
    if (!this.#dir) return;
    const lines = summaryLines(readRecords(this.#dir));
    rmSync(this.#dir, { recursive: true, force: true });
    if (lines.length) process.stdout.write(`\n${lines.join('\n')}\n`);
  }
}
