#!/usr/bin/env node
// Summarize V8 CPU profiles written by `npm run bench -- --profile` (or `node --cpu-prof`):
// the functions with the most self time, and inclusive time for the ones whose name matches --focus.
//
//   node bench/top.mjs .tmp/profiles/recv-16-sockline-r1.cpuprofile [more…] [--top=25] [--focus=regex] [--per=N]
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const option = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const top = Number(option('top', 25));
const focus = option('focus', undefined);
/** Divide times by this many operations (e.g. connections) to print µs per operation. */
const per = Number(option('per', 0));

const ROOT_URL = new URL('..', import.meta.url).href;
const self = new Map();
const inclusive = new Map();
let total = 0;

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const dt = new Map();
  // timeDeltas[i] is the time before samples[i]; attribute it to that sample.
  profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  for (const [id, micros] of dt) {
    total += micros;
    const key = label(byId.get(id));
    self.set(key, (self.get(key) ?? 0) + micros);
    // Inclusive: every distinct frame on the stack gets the sample once.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const k = label(byId.get(at));
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + micros);
    }
  }
}

function label(node) {
  const f = node.callFrame;
  const where = f.url ? `${f.url.replace(ROOT_URL, '')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
}

const pct = (v) => `${((100 * v) / total).toFixed(1).padStart(5)}%` + (per ? `${(v / per).toFixed(1).padStart(8)} µs/op` : '');
console.log(`${files.length} profile(s), ${(total / 1000).toFixed(0)} ms sampled\n\nself time:`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
const re = focus ? new RegExp(focus) : /^\S+ (dist|src|\.tmp)\//;
console.log(`\ninclusive time (${focus ? `matching ${focus}` : 'sockline frames'}):`);
for (const [k, v] of [...inclusive]
  .filter(([k]) => re.test(k))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)) {
  console.log(`${pct(v)}  ${k}`);
}
