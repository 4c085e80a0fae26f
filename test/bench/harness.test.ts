// The benchmark harness runs end to end on a micro scale: every scenario for ws and four for the raw-TCP
// ceiling, one round, each in its own processes against the bench peer. Counts only: no timing is asserted.
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

/** One bench run at micro scale; resolves with stdout and the per-round results. */
async function bench(args: string[]): Promise<{ stdout: string; results: Record<string, Record<string, Round[]>> }> {
  const json = join(dir, `results-${args.join('_').replace(/[^a-z0-9_]/gi, '')}.json`);
  const { stdout } = await run(
    process.execPath,
    ['bench/run.mjs', '--quick', '--rounds=1', `--scale=${SCALE}`, '--no-write', `--json=${json}`, ...args],
    { timeout: 60_000 },
  );
  return { stdout, ...(JSON.parse(readFileSync(json, 'utf8')) as { results: Record<string, Record<string, Round[]>> }) };
}

const SCALE = 0.001;

describe('bench harness', () => {
  it('runs every scenario (ws) and the raw-TCP ceiling, and reports every message counted', async () => {
    const { SCENARIOS, countFor } = await import('../../bench/scenarios.mjs');
    const ceilingScenarios = ['recv-frag', 'send-16', 'echo-64', 'connect'];
    // Two runs side by side keep this test short; each measurement still has its own peer and client processes.
    const [ws, ceiling] = await Promise.all([
      bench(['--clients=ws']),
      bench(['--clients=ceiling', `--scenarios=${ceilingScenarios.join(',')}`]),
    ]);
    expect(ws.stdout).toContain('| scenario | client | median |');
    expect(Object.keys(ws.results)).toEqual(SCENARIOS.map((s: { id: string }) => s.id));
    const check = (results: Record<string, Record<string, Round[]>>, id: string, client: string): void => {
      const scenario = SCENARIOS.find((s: { id: string }) => s.id === id)!;
      const [round] = results[id][client];
      expect(round.error, `${id} / ${client}`).toBeUndefined();
      expect(round.ok).toBe(true);
      expect(round.values?.messages, `${id} / ${client}`).toBe(countFor(scenario, { quick: true, scale: SCALE }));
    };
    for (const scenario of SCENARIOS) check(ws.results, scenario.id, 'ws');
    for (const id of ceilingScenarios) check(ceiling.results, id, 'ceiling');
  }, 60_000);
});
