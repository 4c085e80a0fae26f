// The scenarios of issue #6: what the peer does, what the client does, what is reported and what the target is.
// `count` is the full run, `quick` the scaled-down `--quick` run; every count is bounded and every run has a deadline.

import { DEFLATE_SCENARIOS } from './deflate-scenarios.mjs';

const KiB = 1024;
const MiB = 1024 * KiB;

const rate = (key, label, unit, digits = 2) => ({ key, label, unit, better: 'higher', digits });
const cost = (key, label, unit, digits = 1) => ({ key, label, unit, better: 'lower', digits });

export const SCENARIOS = [
  {
    id: 'recv-16',
    title: 'receive {n} × 16 B',
    kind: 'receive',
    size: 16,
    count: 1_000_000,
    quick: 200_000,
    metrics: [rate('mps', 'rate', 'M msg/s'), cost('cpu', 'CPU', 'µs/msg', 2)],
    target: { text: '≥ 1.5× ws', against: 'ws', metric: 'mps', ratio: 1.5 },
  },
  {
    id: 'recv-1m',
    title: 'receive {n} × 1 MiB',
    kind: 'receive',
    size: MiB,
    count: 1_000,
    quick: 150,
    metrics: [rate('gbps', 'payload', 'GB/s'), cost('cpu', 'CPU', 'µs/MiB', 0)],
    target: { text: '≥ 90% of the ceiling', against: 'ceiling', metric: 'gbps', ratio: 0.9 },
  },
  {
    id: 'recv-frag',
    title: 'receive {n} × 1 MiB in 16 × 64 KiB fragments',
    kind: 'receive',
    size: MiB,
    fragment: 64 * KiB,
    count: 1_000,
    quick: 150,
    metrics: [rate('gbps', 'payload', 'GB/s'), cost('cpu', 'CPU', 'µs/MiB', 0)],
    target: { text: '≥ 80% of the ceiling', against: 'ceiling', metric: 'gbps', ratio: 0.8 },
  },
  {
    id: 'send-16',
    title: 'send {n} × 16 B (bufferedAmount ≤ 1 MiB)',
    kind: 'send',
    size: 16,
    count: 1_000_000,
    quick: 100_000,
    metrics: [rate('mps', 'rate', 'M msg/s')],
    target: { text: '≥ 3× ws', against: 'ws', metric: 'mps', ratio: 3 },
    bufferutil: true,
  },
  {
    id: 'send-1m',
    title: 'send {n} × 1 MiB (masking)',
    kind: 'send',
    size: MiB,
    count: 1_000,
    quick: 100,
    metrics: [rate('gbps', 'payload', 'GB/s')],
    target: { text: '≥ 1.0× ws + bufferutil, no addon', against: 'ws+bufferutil', metric: 'gbps', ratio: 1.0 },
    bufferutil: true,
  },
  {
    id: 'echo-64',
    title: '{n} sequential 64 B echo round trips',
    kind: 'echo',
    size: 64,
    count: 20_000,
    quick: 3_000,
    metrics: [cost('p50', 'p50', 'µs'), cost('p99', 'p99', 'µs'), cost('cpu', 'CPU', 'µs/RT')],
    target: [
      { text: 'p50 ≤ 1.0× ws', against: 'ws', metric: 'p50', ratio: 1.0 },
      { text: 'CPU per round trip ≤ ws', against: 'ws', metric: 'cpu', ratio: 1.0 },
    ],
    bufferutil: true,
  },
  {
    id: 'connect',
    title: '{n} sequential connect + close',
    kind: 'connect',
    count: 2_000,
    quick: 300,
    metrics: [rate('cps', 'rate', 'k conn/s'), cost('cpu', 'CPU', 'µs/conn', 0)],
    target: { text: '≥ 1.3× ws', against: 'ws', metric: 'cps', ratio: 1.3 },
  },
  {
    id: 'memory',
    title: 'memory per idle connection, {n} open',
    kind: 'memory',
    count: 2_000,
    quick: 300,
    metrics: [cost('heap', 'heap', 'KiB'), cost('rss', 'RSS', 'KiB'), cost('ab', 'ArrayBuffers', 'KiB', 2)],
    target: [
      { text: 'heap ≤ 1.0× ws', against: 'ws', metric: 'heap', ratio: 1.0 },
      { text: 'RSS ≤ 1.0× ws', against: 'ws', metric: 'rss', ratio: 1.0 },
    ],
  },
];

// Issue 12: the permessage-deflate rows (bench/deflate-scenarios.mjs), compression negotiated on both sides.
SCENARIOS.push(...DEFLATE_SCENARIOS);

/** The order of rows in the table; the first round starts with this order and each round rotates it. */
export const CLIENT_ORDER = ['sockline', 'ws', 'ws+bufferutil', 'undici', 'ceiling'];

/** Clients measured in a scenario. ws+bufferutil only where ws masks (server frames are never masked). */
export function clientsFor(scenario, available) {
  // The TCP ceiling cannot inflate, so it has no compressed rows.
  if (scenario.peer === 'deflate')
    return available.filter((c) => c !== 'ceiling' && (c !== 'ws+bufferutil' || scenario.bufferutil));
  return available.filter((c) => c !== 'ws+bufferutil' || scenario.bufferutil);
}

/** The scaled count for this run. `scale` < 1 shrinks further (the harness self-test). */
export function countFor(scenario, { quick, scale = 1 }) {
  const base = quick ? scenario.quick : scenario.count;
  const n = Math.max(1, Math.round(base * scale));
  // The deflate peer replays whole passes of a prepared stream (bench/deflate-peer.mjs): round up to one.
  return scenario.countMultiple ? Math.ceil(n / scenario.countMultiple) * scenario.countMultiple : n;
}

/** Hard deadline for one measurement (the child is killed after it and the run is reported as hung). */
export function deadlineFor(scenario, { quick }) {
  return quick ? 30_000 : 120_000;
}

/** The scenario's title with this run's count. */
export function titleFor(scenario, count) {
  return scenario.title.replace('{n}', count.toLocaleString('en-US'));
}
