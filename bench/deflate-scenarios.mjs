// The permessage-deflate rows of issue #12 (compression negotiated on both sides), appended to SCENARIOS by
// bench/scenarios.mjs. Same shape as bench/scenarios.mjs, plus:
//   peer: 'deflate'   run bench/deflate-peer.mjs (answers permessage-deflate, streams prepared compressed frames)
//   payload: 'json'   the client sends JSON-like bytes (compressible about 10×), not 'aaaa…'
// Every client offers permessage-deflate with its defaults (ws's adapter turns it on for these rows only); the TCP
// ceiling has no compressed rows (bench/scenarios.mjs clientsFor).
//
// bench/deflate-smoke.mjs runs each draft once at a tiny count with ws against the peer (not a measurement).

const KiB = 1024;
const MiB = 1024 * KiB;

const rate = (key, label, unit, digits = 2) => ({ key, label, unit, better: 'higher', digits });
const cost = (key, label, unit, digits = 1) => ({ key, label, unit, better: 'lower', digits });

export const DEFLATE_SCENARIOS = [
  {
    id: 'recv-deflate-1k',
    title: 'receive {n} × 1 KiB JSON-like, permessage-deflate',
    kind: 'receive',
    peer: 'deflate',
    size: KiB,
    // Messages per pass of the peer's prepared stream (bench/deflate-peer.mjs MESSAGES_PER_PASS).
    countMultiple: 50,
    count: 100_000,
    quick: 20_000,
    metrics: [rate('mps', 'rate', 'M msg/s', 3), cost('cpu', 'CPU', 'µs/msg', 2)],
    target: { text: '≥ 1.2× ws', against: 'ws', metric: 'mps', ratio: 1.2 },
  },
  {
    id: 'send-deflate-1k',
    title: 'send {n} × 1 KiB JSON-like, permessage-deflate (bufferedAmount ≤ 1 MiB)',
    kind: 'send',
    peer: 'deflate',
    payload: 'json',
    size: KiB,
    count: 100_000,
    quick: 20_000,
    metrics: [rate('mps', 'rate', 'M msg/s', 3)],
    target: { text: '≥ 1.2× ws', against: 'ws', metric: 'mps', ratio: 1.2 },
  },
  {
    id: 'recv-deflate-1m',
    title: 'receive {n} × 1 MiB JSON-like, permessage-deflate',
    kind: 'receive',
    peer: 'deflate',
    size: MiB,
    count: 1_000,
    quick: 100,
    metrics: [rate('gbps', 'payload', 'GB/s'), cost('cpu', 'CPU', 'µs/MiB', 0)],
    target: { text: '≥ 1.2× ws', against: 'ws', metric: 'gbps', ratio: 1.2 },
  },
  {
    id: 'memory-deflate',
    title: 'memory per idle connection with permessage-deflate negotiated, {n} open',
    kind: 'memory',
    peer: 'deflate',
    count: 2_000,
    quick: 300,
    metrics: [cost('heap', 'heap', 'KiB'), cost('rss', 'RSS', 'KiB'), cost('ab', 'ArrayBuffers', 'KiB', 2)],
    target: { text: 'heap ≤ 1.0× ws', against: 'ws', metric: 'heap', ratio: 1.0 },
  },
];

/**
 * A JSON-like message of exactly `size` bytes (a market-data feed: records with sequence numbers and prices, so
 * no two messages are alike). Compresses about 10× with context takeover, 4× without (bench/zlib-options.mjs).
 */
export function jsonLikeMessage(seed, size) {
  let out = '[';
  for (let j = 0; out.length < size; j++) {
    const i = seed * 1000 + j;
    out +=
      `${j ? ',' : ''}{"type":"trade","seq":${i},"symbol":"${['BTC-USD', 'ETH-USD', 'SOL-USD'][i % 3]}",` +
      `"price":"${(43000 + ((i * 7919) % 2000) / 100).toFixed(2)}","size":"${((i * 104729) % 10000) / 10000}",` +
      `"side":"${i % 2 ? 'buy' : 'sell'}","ts":${1700000000000 + i * 13}}`;
  }
  return Buffer.from(out.slice(0, size - 1) + ']');
}
