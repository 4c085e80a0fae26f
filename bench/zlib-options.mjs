#!/usr/bin/env node
// How to drive node:zlib for permessage-deflate (issue #12): a one-off measurement, not part of `npm run bench`.
//
//   node bench/zlib-options.mjs [--small=100000] [--large=1000]
//
// Workloads: N × 1 KiB JSON-like messages and M × 1 MiB JSON-like messages, every message different (sequence
// numbers, prices), compressed with context takeover (the default both ways), level 6 (zlib's and ws's default), windowBits 15, memLevel 8.
//
// Strategies:
//   sync-handle   one persistent zlib context per direction, driven synchronously through the stream's native
//                 handle (`_handle.writeSync`, what zlib's own *Sync functions use): context takeover, no
//                 promise, no callback, output chunks stop as soon as a limit is crossed.
//   async-stream  what ws does: a persistent zlib.InflateRaw/DeflateRaw stream, write() then flush(Z_SYNC_FLUSH, cb)
//                 per message, one message at a time (ws's concurrency limiter serialises a connection's messages).
//   sync-dict     documented sync API only: inflateRawSync/deflateRawSync per message with the last 32 KiB of the
//                 history as `dictionary` (context takeover emulated: a new zlib context per message).
//   sync-oneshot  deflateRawSync per message with no dictionary: no context takeover (what a client may always do
//                 for its own messages, RFC 7692 §7.1.1.2); shown for the compression ratio it gives up.
import zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const SMALL = Number(args.small ?? 100_000);
const LARGE = Number(args.large ?? 1_000);
const { Z_SYNC_FLUSH } = zlib.constants;
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const WINDOW = 32 * 1024;

function record(i) {
  return `{"type":"trade","seq":${i},"symbol":"${['BTC-USD', 'ETH-USD', 'SOL-USD'][i % 3]}","price":"${(43000 + ((i * 7919) % 2000) / 100).toFixed(2)}","size":"${((i * 104729) % 10000) / 10000}","side":"${i % 2 ? 'buy' : 'sell'}","ts":${1700000000000 + i * 13}}`;
}
function message(i, size) {
  let out = '[';
  let j = 0;
  while (out.length < size - 200) out += (j ? ',' : '') + record(i * 1000 + j++);
  out += ']';
  return Buffer.from(out.padEnd(size, ' '));
}

function syncHandle(ctor, options) {
  const stream = new ctor(options);
  stream.on('error', () => {});
  const handle = stream._handle;
  const state = stream._writeState;
  let out = Buffer.allocUnsafe(64 * 1024);
  return (input) => {
    const parts = [];
    let total = 0;
    let inOff = 0;
    let avail = input.length;
    for (;;) {
      handle.writeSync(Z_SYNC_FLUSH, input, inOff, avail, out, 0, out.length);
      if (stream.destroyed) throw stream.errored ?? new Error('zlib failed');
      const have = out.length - state[0];
      if (have > 0) {
        parts.push(out.subarray(0, have));
        total += have;
        out = Buffer.allocUnsafe(out.length);
      }
      inOff += avail - state[1];
      avail = state[1];
      if (state[0] !== 0) break;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, total);
  };
}

function asyncStream(ctor, options) {
  const stream = new ctor(options);
  let parts = [];
  let total = 0;
  stream.on('data', (chunk) => {
    parts.push(chunk);
    total += chunk.length;
  });
  return (...inputs) =>
    new Promise((resolve) => {
      for (const input of inputs) stream.write(input);
      stream.flush(Z_SYNC_FLUSH, () => {
        const data = parts.length === 1 ? parts[0] : Buffer.concat(parts, total);
        parts = [];
        total = 0;
        resolve(data);
      });
    });
}

function syncDict(kind) {
  let history = Buffer.alloc(0);
  const keep = (data) => {
    history = data.length >= WINDOW ? data.subarray(data.length - WINDOW) : Buffer.concat([history, data]).subarray(-WINDOW);
  };
  if (kind === 'inflate') {
    return (input) => {
      const data = zlib.inflateRawSync(input, { ...(history.length ? { dictionary: history } : {}), finishFlush: Z_SYNC_FLUSH });
      keep(data);
      return data;
    };
  }
  return (input) => {
    const data = zlib.deflateRawSync(input, { ...(history.length ? { dictionary: history } : {}), finishFlush: Z_SYNC_FLUSH });
    keep(input);
    return data;
  };
}

const oneShotDeflate = () => (input) => zlib.deflateRawSync(input, { finishFlush: Z_SYNC_FLUSH });

/** The compressed stream (tail stripped) of `messages`, made once with a persistent context. */
function compressAll(messages, contextTakeover = true) {
  const deflate = contextTakeover ? syncHandle(zlib.DeflateRaw, {}) : oneShotDeflate();
  return messages.map((m) => {
    const d = deflate(m);
    return d.subarray(0, d.length - 4);
  });
}

async function time(label, count, bytes, fn) {
  globalThis.gc?.();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const out = await fn();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `${label.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms  ${((count / ms) * 1000).toFixed(0).padStart(8)} msg/s  ${(bytes / ms / 1000).toFixed(0).padStart(5)} MB/s  cpu ${((cpu.user + cpu.system) / count).toFixed(1)} µs/msg${out ? `  ${out}` : ''}`,
  );
}

async function workload(name, count, size) {
  // A pool of distinct messages, cycled (building 1 GB of distinct JSON would dominate the run).
  const pool = Array.from({ length: Math.min(count, 2000) }, (_, i) => message(i, size));
  const messages = Array.from({ length: count }, (_, i) => pool[i % pool.length]);
  const bytes = count * size;
  const compressed = compressAll(messages);
  const wire = compressed.reduce((n, c) => n + c.length, 0);
  const wireNoCtx =
    compressAll(messages.slice(0, Math.min(count, 2000)), false).reduce((n, c) => n + c.length, 0) *
    (count / Math.min(count, 2000));
  console.log(
    `\n${name}: ${count} × ${size} B, compressed ${(bytes / wire).toFixed(1)}× with context takeover, ${(bytes / wireNoCtx).toFixed(1)}× without`,
  );

  const check = (got, i) => {
    if (got.length !== size || !got.equals(messages[i])) throw new Error(`message ${i} differs`);
  };
  await time('inflate sync-handle', count, bytes, () => {
    const inflate = syncHandle(zlib.InflateRaw, {});
    for (let i = 0; i < count; i++) check(inflate(Buffer.concat([compressed[i], TAIL])), i);
  });
  await time('inflate async-stream (ws-like)', count, bytes, async () => {
    const inflate = asyncStream(zlib.InflateRaw, {});
    for (let i = 0; i < count; i++) {
      check(await inflate(compressed[i], TAIL), i);
    }
  });
  await time('inflate sync-dict', count, bytes, () => {
    const inflate = syncDict('inflate');
    for (let i = 0; i < count; i++) check(inflate(Buffer.concat([compressed[i], TAIL])), i);
  });
  await time('deflate sync-handle', count, bytes, () => {
    const deflate = syncHandle(zlib.DeflateRaw, {});
    let n = 0;
    for (let i = 0; i < count; i++) n += deflate(messages[i]).length - 4;
    return `→ ${(bytes / n).toFixed(1)}×`;
  });
  await time('deflate async-stream (ws-like)', count, bytes, async () => {
    const deflate = asyncStream(zlib.DeflateRaw, {});
    let n = 0;
    for (let i = 0; i < count; i++) n += (await deflate(messages[i])).length - 4;
    return `→ ${(bytes / n).toFixed(1)}×`;
  });
  if (size <= 64 * 1024) {
    await time('deflate sync-dict', count, bytes, () => {
      const deflate = syncDict('deflate');
      let n = 0;
      for (let i = 0; i < count; i++) n += deflate(messages[i]).length - 4;
      return `→ ${(bytes / n).toFixed(1)}×`;
    });
  }
  await time('deflate sync-oneshot (no takeover)', count, bytes, () => {
    const deflate = oneShotDeflate();
    let n = 0;
    for (let i = 0; i < count; i++) n += deflate(messages[i]).length - 4;
    return `→ ${(bytes / n).toFixed(1)}×`;
  });
}

console.log(`Node ${process.version}`);
await workload('small', SMALL, 1024);
await workload('large', LARGE, 1024 * 1024);
