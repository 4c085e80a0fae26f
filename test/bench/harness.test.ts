// The benchmark harness runs end to end on a micro scale: every scenario, one round, ws and the raw-TCP
// ceiling, each in its own processes against the bench peer. Counts only: no timing is asserted.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'sockline-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Round {
  ok: boolean;
  error?: string;
  values?: Record<string, number>;
}

describe('bench harness', () => {
  it('runs every scenario for ws and the ceiling and reports every message counted', async () => {
    const json = join(dir, 'results.json');
    const scale = 0.001;
    const { stdout } = await run(
      process.execPath,
      ['bench/run.mjs', '--quick', '--rounds=1', `--scale=${scale}`, '--clients=ws,ceiling', '--no-write', `--json=${json}`],
      { timeout: 60_000 },
    );
    expect(stdout).toContain('| scenario | client | median |');
    const { results } = JSON.parse(readFileSync(json, 'utf8')) as { results: Record<string, Record<string, Round[]>> };
    const { SCENARIOS, countFor } = await import('../../bench/scenarios.mjs');
    expect(Object.keys(results)).toEqual(SCENARIOS.map((s: { id: string }) => s.id));
    for (const scenario of SCENARIOS) {
      const count = countFor(scenario, { quick: true, scale });
      for (const client of ['ws', 'ceiling']) {
        const [round] = results[scenario.id][client];
        expect(round.error, `${scenario.id} / ${client}`).toBeUndefined();
        expect(round.ok).toBe(true);
        expect(round.values?.messages, `${scenario.id} / ${client}`).toBe(count);
      }
    }
  }, 60_000);
});
