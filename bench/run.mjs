#!/usr/bin/env node
// sockline's side-by-side benchmark (issue #6). `npm run bench` (full, writes bench/RESULTS.md),
// `npm run bench -- --quick` (about a minute, prints only).
//
// Every measurement is a pair of fresh processes: the peer (bench/peer.mjs, raw node:net) and one client
// (bench/client.mjs). Clients alternate round by round (the order rotates), each scenario reports the median
// of its rounds, and ratios are taken against ws and against a raw node:net stream of the same bytes.
//
// Options:
//   --quick              scaled-down counts and 3 rounds
//   --rounds=N           rounds per scenario (default 5, quick 3)
//   --scenarios=a,b      only these scenario ids (recv-16, recv-1m, recv-frag, send-16, send-1m, echo-64, connect, memory)
//   --clients=a,b        only these clients (sockline, ws, ws+bufferutil, undici, ceiling)
//   --write              update bench/RESULTS.md (a full unfiltered run does so by default)
//   --no-write           never touch bench/RESULTS.md
//   --profile[=a,b]      run sockline's (or these clients') children with --cpu-prof into .tmp/profiles/ (bench/top.mjs)
//   --json=FILE          also write the raw results as JSON
//   --scale=X            multiply counts by X (the harness self-test uses a tiny scale)
import { execFileSync, fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { CLIENTS, SOCKLINE_DIST } from './clients.mjs';
import { CLIENT_ORDER, SCENARIOS, clientsFor, countFor, deadlineFor, titleFor } from './scenarios.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const ROOT = here('..');
const args = parseArgs(process.argv.slice(2));
const quick = args.quick === true;
const rounds = Number(args.rounds ?? (quick ? 3 : 5));
const scale = Number(args.scale ?? 1);
const filtered = args.scenarios !== undefined || args.clients !== undefined || args.rounds !== undefined || scale !== 1;
const write = args['no-write'] ? false : args.write === true || (!quick && !filtered);
const log = (line) => process.stderr.write(`${line}\n`);

const scenarios = args.scenarios ? SCENARIOS.filter((s) => args.scenarios.split(',').includes(s.id)) : SCENARIOS;
const wanted = args.clients ? args.clients.split(',') : CLIENT_ORDER;
const available = [];
const skipped = [];
for (const name of wanted) {
  if (!CLIENTS[name]) throw new Error(`Unknown client ${name}: expected one of ${Object.keys(CLIENTS).join(', ')}`);
  const why = unavailable(name);
  if (why) skipped.push(`${name}: ${why}`);
  else available.push(name);
}
for (const line of skipped) log(`skipping ${line}`);

const startedAt = new Date();
const loadBefore = os.loadavg();
/** results[scenarioId][client] = array of per-round { ok, values | error } */
const results = {};
for (const scenario of scenarios) {
  const clients = clientsFor(scenario, available);
  results[scenario.id] = Object.fromEntries(clients.map((c) => [c, []]));
  const count = countFor(scenario, { quick, scale });
  for (let round = 0; round < rounds; round++) {
    const order = clients.map((_, i) => clients[(i + round) % clients.length]);
    for (const client of order) {
      const t0 = Date.now();
      const result = await measure(scenario, client, count, round);
      results[scenario.id][client].push(result);
      const shown = result.ok ? formatValues(scenario, result.values) : `FAILED: ${result.error}`;
      log(`[${scenario.id} ${round + 1}/${rounds}] ${client.padEnd(13)} ${shown} (${Date.now() - t0} ms)`);
    }
  }
}
const loadAfter = os.loadavg();

const machine =
  `${os.cpus()[0]?.model.trim()} · ${os.cpus().length} cores · Node ${process.version} · ${os.platform()} ${os.arch()} · ` +
  `${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · load average ${loadBefore[0].toFixed(2)} before, ` +
  `${loadAfter[0].toFixed(2)} after · ${quick ? 'quick' : 'full'} run, ${rounds} rounds` +
  (scale !== 1 ? `, counts × ${scale}` : '');
const report = renderReport();
process.stdout.write(`${report}\n`);
if (args.json) writeFileSync(args.json, JSON.stringify({ machine, quick, rounds, scale, results }, null, 2));
if (write) {
  updateResultsFile(report);
  log('bench/RESULTS.md updated');
}

// ------------------------------------------------------------------------------------------------ running

function unavailable(name) {
  if (name === 'sockline' && !existsSync(SOCKLINE_DIST)) return 'dist/node.js not built (npm run build)';
  if (name === 'ws+bufferutil') {
    try {
      createRequire(import.meta.url)('bufferutil');
    } catch (error) {
      return `bufferutil does not load (${error.message.split('\n')[0]})`;
    }
  }
  return undefined;
}

function peerConfig(scenario, count) {
  const mode = { receive: 'stream', send: 'sink', echo: 'echo', connect: 'idle', memory: 'idle' }[scenario.kind];
  const total = scenario.kind === 'echo' ? count + Math.min(1000, Math.floor(count / 10)) : count;
  return { mode, size: scenario.size, fragment: scenario.fragment ?? 0, count: total };
}

async function measure(scenario, client, count, round) {
  const deadline = deadlineFor(scenario, { quick });
  // Peer and client start side by side (the client loads its library meanwhile); the client gets the URL over IPC.
  const peer = fork(
    here(scenario.peer === 'deflate' ? './deflate-peer.mjs' : './peer.mjs'),
    [JSON.stringify(peerConfig(scenario, count))],
    {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const env = { ...process.env, ...CLIENTS[client].env };
  if (!CLIENTS[client].env?.WS_NO_BUFFER_UTIL) delete env.WS_NO_BUFFER_UTIL;
  const execArgv = ['--expose-gc'];
  if (args.profile && (args.profile === true ? client.startsWith('sockline') : args.profile.split(',').includes(client))) {
    const dir = `${ROOT}/.tmp/profiles`;
    mkdirSync(dir, { recursive: true });
    execArgv.push(
      '--cpu-prof',
      '--cpu-prof-interval=100',
      `--cpu-prof-dir=${dir}`,
      `--cpu-prof-name=${scenario.id}-${client}-r${round + 1}.cpuprofile`,
    );
  }
  const job = { scenario: scenario.id, client, count, deadline };
  const child = fork(here('./client.mjs'), [JSON.stringify(job)], {
    execArgv,
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = new Promise((resolve) => {
    let reported;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reported = { ok: false, error: `hung: killed after ${deadline + 5000} ms` };
    }, deadline + 5000);
    child.on('message', (m) => (reported ??= m));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(reported ?? { ok: false, error: `client exited with ${signal ?? code} before reporting` });
    });
  });
  try {
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('peer did not listen within 10 s')), 10_000);
      peer.once('message', (m) => {
        clearTimeout(timer);
        resolve(m.port);
      });
      peer.once('exit', (code) => reject(new Error(`peer exited with ${code}`)));
    });
    child.send({ url: `ws://127.0.0.1:${port}/` });
    return await result;
  } catch (error) {
    child.kill('SIGKILL');
    await result;
    return { ok: false, error: error.message };
  } finally {
    peer.kill('SIGKILL');
  }
}

// ------------------------------------------------------------------------------------------------ statistics

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median of each metric over the successful rounds, plus the spread (max − min) / median of each. */
function summarize(scenario, rows) {
  const ok = rows.filter((r) => r.ok);
  if (ok.length === 0) return { failed: rows.length, errors: rows.map((r) => r.error) };
  const out = { failed: rows.length - ok.length, errors: rows.filter((r) => !r.ok).map((r) => r.error), n: ok.length };
  for (const m of scenario.metrics) {
    const values = ok.map((r) => r.values[m.key]);
    const med = median(values);
    out[m.key] = med;
    out[`${m.key}Spread`] = med === 0 ? 0 : (Math.max(...values) - Math.min(...values)) / Math.abs(med);
  }
  return out;
}

function fmt(value, digits) {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  return value.toFixed(digits);
}

function formatValues(scenario, values) {
  return scenario.metrics.map((m) => `${m.label} ${fmt(values[m.key], m.digits)} ${m.unit}`).join(' · ');
}

function ratioCell(scenario, summary, reference) {
  if (!reference || reference.n === undefined || summary.n === undefined) return '–';
  const parts = scenario.metrics
    .filter((m) => scenario.metrics.length === 1 || m.key !== 'p99')
    .map((m) => {
      const r = summary[m.key] / reference[m.key];
      const shown = Number.isFinite(r) ? `${r.toFixed(2)}×` : '–';
      return scenario.metrics.length === 1 ? shown : `${m.label} ${shown}`;
    });
  return parts.join(' · ');
}

// ------------------------------------------------------------------------------------------------ report

function renderReport() {
  const lines = [];
  lines.push(`Machine: ${machine}`, '');
  lines.push('| scenario | client | median | spread | × ws | × ceiling |', '|---|---|---|---|---|---|');
  const summaries = {};
  for (const scenario of scenarios) {
    const per = (summaries[scenario.id] = {});
    for (const [client, rows] of Object.entries(results[scenario.id])) per[client] = summarize(scenario, rows);
    let first = true;
    for (const [client, s] of Object.entries(per)) {
      const title = first ? titleFor(scenario, countFor(scenario, { quick, scale })) : '';
      first = false;
      const label = CLIENTS[client].label;
      if (s.n === undefined) {
        lines.push(`| ${title} | ${label} | failed: ${escapeCell(s.errors[0])} | | | |`);
        continue;
      }
      const spread = `${(s[`${scenario.metrics[0].key}Spread`] * 100).toFixed(0)}%`;
      const failedNote = s.failed ? ` (${s.failed} of ${s.failed + s.n} rounds failed)` : '';
      lines.push(
        `| ${title} | ${label} | ${formatValues(scenario, s)}${failedNote} | ${spread} | ` +
          `${client === 'ws' ? '1.00×' : ratioCell(scenario, s, per.ws)} | ` +
          `${client === 'ceiling' ? '1.00×' : ratioCell(scenario, s, per.ceiling)} |`,
      );
    }
  }
  lines.push(
    '',
    'Spread = (max − min) / median of the first metric over the rounds. Ratios are value ÷ reference: ' +
      'above 1 is faster for rates, below 1 is better for latency, CPU and memory.',
  );

  lines.push('', '| target | sockline | status |', '|---|---|---|');
  for (const scenario of scenarios) {
    const per = summaries[scenario.id];
    const targets = Array.isArray(scenario.target) ? scenario.target : [scenario.target];
    for (const t of targets) lines.push(targetRow(scenario, t, per));
    lines.push(undiciRow(scenario, per));
  }
  const failures = Object.values(summaries)
    .flatMap((per) => Object.values(per))
    .filter((s) => s.failed > 0);
  if (failures.length) {
    lines.push('', 'Failed or hung measurements:');
    for (const [id, per] of Object.entries(summaries)) {
      for (const [client, s] of Object.entries(per)) for (const e of s.errors) lines.push(`- ${id} / ${client}: ${e}`);
    }
  }
  if (skipped.length) lines.push('', `Not measured: ${skipped.join('; ')}.`);
  lines.push('', ...bundleSize());
  return lines.join('\n');
}

function targetRow(scenario, t, per) {
  const ours = per.sockline;
  const ref = per[t.against];
  const name = `${scenario.id}: ${t.text}`;
  if (!ours || ours.n === undefined || !ref || ref.n === undefined) return `| ${name} | – | not measured |`;
  const metric = scenario.metrics.find((m) => m.key === t.metric);
  const ratio = ours[t.metric] / ref[t.metric];
  const met = metric.better === 'higher' ? ratio >= t.ratio : ratio <= t.ratio;
  // A verdict closer to the line than half the rounds' spread could flip on another run: say so.
  const noise = Math.max(ours[`${t.metric}Spread`], ref[`${t.metric}Spread`]) / 2;
  const close = Math.abs(ratio / t.ratio - 1) < noise ? " (within the rounds' spread)" : '';
  const status = `${met ? 'met' : '**short**'}${close}`;
  return `| ${name} | ${ratio.toFixed(2)}× ${t.against === 'ceiling' ? 'ceiling' : CLIENTS[t.against].label} | ${status} |`;
}

function undiciRow(scenario, per) {
  const ours = per.sockline;
  const ref = per.undici;
  const name = `${scenario.id}: ahead of undici`;
  if (!ours || ours.n === undefined || !ref || ref.n === undefined) return `| ${name} | – | not measured |`;
  const behind = scenario.metrics.filter((m) => (m.better === 'higher' ? ours[m.key] < ref[m.key] : ours[m.key] > ref[m.key]));
  const m = scenario.metrics[0];
  const ratio = `${(ours[m.key] / ref[m.key]).toFixed(2)}× undici (${m.label})`;
  return `| ${name} | ${ratio} | ${behind.length ? `**short** on ${behind.map((b) => b.label).join(', ')}` : 'met'} |`;
}

function bundleSize() {
  const script = `${ROOT}/scripts/size.mjs`;
  if (!existsSync(script)) return ['Browser bundle: scripts/size.mjs not present yet (budget 3 KB).'];
  try {
    const out = execFileSync(process.execPath, [script], { cwd: ROOT, timeout: 60_000, encoding: 'utf8' });
    return ['Browser bundle (budget 3 KB), from `node scripts/size.mjs`:', '', '```', out.trimEnd(), '```'];
  } catch (error) {
    // The script exits 1 when sockline is over budget, after printing its table.
    if (error.status === 1 && error.stdout) {
      return [
        'Browser bundle, from `node scripts/size.mjs` (**over** the 3 KB budget):',
        '',
        '```',
        error.stdout.trimEnd(),
        '```',
      ];
    }
    const why = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim() || String(error.message);
    return [`Browser bundle (budget 3 KB): \`node scripts/size.mjs\` failed: ${why.split('\n')[0]}`];
  }
}

function escapeCell(text) {
  return String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 200);
}

function updateResultsFile(report) {
  const file = `${ROOT}/bench/RESULTS.md`;
  const begin = '<!-- bench:begin (generated by npm run bench; edit outside these markers) -->';
  const end = '<!-- bench:end -->';
  const block = `${begin}\n${report}\n${end}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmark results\n\n${begin}\n${end}\n`;
  const a = text.indexOf('<!-- bench:begin');
  const b = text.indexOf(end);
  text = a === -1 || b === -1 ? `${text.trimEnd()}\n\n${block}\n` : text.slice(0, a) + block + text.slice(b + end.length);
  writeFileSync(file, text);
}

function parseArgs(argv) {
  const out = {};
  for (const arg of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`Unexpected argument ${arg}`);
    out[m[1]] = m[2] ?? true;
  }
  return out;
}
