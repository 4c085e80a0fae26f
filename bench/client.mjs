// One measurement in a fresh process: argv[2] = { scenario, client, url?, count, deadline } (without `url`, the
// parent sends { url } over IPC once the peer listens).
// Reports { ok: true, values } or { ok: false, error } to the parent over IPC, then exits.
// Run with --expose-gc (the memory scenario needs it; the others call gc() once before timing).
import { performance } from 'node:perf_hooks';
import { CLIENTS } from './clients.mjs';
import { clientFrame, serverMessage } from './frames.mjs';
import { SCENARIOS } from './scenarios.mjs';
import { jsonLikeMessage } from './deflate-scenarios.mjs';

const job = JSON.parse(process.argv[2]);
const scenario = SCENARIOS.find((s) => s.id === job.scenario);
const client = CLIENTS[job.client];
const count = job.count;
/** Same rule for every client: keep writing while bufferedAmount ≤ 1 MiB, else poll on the next turn. */
const HIGH_WATER_MARK = 1024 * 1024;

let reported = false;
function report(result) {
  if (reported) return;
  reported = true;
  clearTimeout(deadline);
  process.send(result, () => process.exit(0));
}
const deadline = setTimeout(
  () => report({ ok: false, error: `deadline of ${job.deadline} ms reached (${progress()})` }),
  job.deadline,
);
let progress = () => 'not started';

process.on('uncaughtException', (error) => report({ ok: false, error: `uncaught: ${error.stack ?? error}` }));
process.on('unhandledRejection', (error) => report({ ok: false, error: `unhandled: ${error?.stack ?? error}` }));

const openClient = await client.load();
// Adapters may look at the scenario (ws offers permessage-deflate only to the compressing peer).
const open = (url, handlers) => openClient(url, handlers, scenario);
const raw = client.raw === true;
// The parent starts us and the peer side by side and sends the peer's URL once it listens.
job.url ??= await new Promise((resolve) => process.once('message', (m) => resolve(m.url)));
globalThis.gc?.();

const runners = { receive, send, echo, connect, memory };
runners[scenario.kind]();

function fail(error) {
  report({ ok: false, error: String(error?.message ?? error) });
}

function unexpectedClose() {
  fail(`connection closed early (${progress()})`);
}

// ---------------------------------------------------------------- receive: the peer streams, we count
function receive() {
  const wireBytes = count * serverMessage(scenario.size, scenario.fragment).length;
  let messages = 0;
  let bytes = 0;
  let start = 0;
  progress = () => (raw ? `${bytes} of ${wireBytes} bytes` : `${messages} of ${count} messages`);
  let cpu;
  const finish = () => {
    const seconds = (performance.now() - start) / 1000;
    report({ ok: true, values: { ...throughput(seconds, cpu), messages: raw ? count : messages, bytes } });
  };
  open(job.url, {
    onOpen() {
      cpu = process.cpuUsage();
      start = performance.now();
    },
    onMessage(data) {
      bytes += data.byteLength;
      if (++messages === count) finish();
    },
    onData(chunk) {
      bytes += chunk.length;
      if (bytes >= wireBytes) finish();
    },
    onClose: unexpectedClose,
    onError: fail,
  });
}

/** Rates, and the client's CPU time per message (user + system, µs): what it costs apart from the peer. */
function throughput(seconds, cpuStart) {
  const used = process.cpuUsage(cpuStart);
  const cpu = (used.user + used.system) / count;
  return { seconds, mps: count / seconds / 1e6, gbps: (count * scenario.size) / seconds / 1e9, cpu };
}

// ---------------------------------------------------------------- send: we write, the peer counts and says DONE
function send() {
  let sent = 0;
  let start = 0;
  let conn;
  progress = () => `${sent} of ${count} sent, bufferedAmount ${conn?.bufferedAmount}`;
  // The ceiling writes already-masked frames, packed ~64 KiB per write for small ones.
  // The compressed rows send JSON-like bytes (about 10× compressible), not 'aaaa…'.
  const payload = scenario.payload === 'json' ? jsonLikeMessage(0, scenario.size) : Buffer.alloc(scenario.size, 0x61);
  const frame = raw ? clientFrame(0x2, payload) : undefined;
  const perWrite = raw ? Math.max(1, Math.floor(65536 / frame.length)) : 1;
  const batch = raw ? Buffer.concat(Array.from({ length: perWrite }, () => frame)) : payload;

  const pump = () => {
    while (sent < count) {
      if (conn.bufferedAmount > HIGH_WATER_MARK) {
        setImmediate(pump);
        return;
      }
      if (raw) {
        const n = Math.min(perWrite, count - sent);
        conn.send(n === perWrite ? batch : batch.subarray(0, n * frame.length));
        sent += n;
      } else {
        conn.send(payload);
        sent++;
      }
    }
  };
  let cpu;
  const finish = () => report({ ok: true, values: { ...throughput((performance.now() - start) / 1000, cpu), messages: sent } });
  conn = open(job.url, {
    onOpen() {
      cpu = process.cpuUsage();
      start = performance.now();
      pump();
    },
    onMessage: finish,
    onData: finish,
    onClose: unexpectedClose,
    onError: fail,
  });
}

// ---------------------------------------------------------------- echo: one 64 B message at a time
function echo() {
  const warmup = Math.min(1000, Math.floor(count / 10));
  const total = warmup + count;
  const latencies = new Float64Array(count);
  const payload = Buffer.alloc(scenario.size, 0x61);
  const request = raw ? clientFrame(0x2, payload) : payload;
  const replyBytes = serverMessage(64).length;
  let done = 0;
  let pending = 0;
  let sentAt = 0;
  let cpuStart;
  let conn;
  progress = () => `${done} of ${total} round trips`;

  const sendOne = () => {
    if (done === warmup) cpuStart = process.cpuUsage();
    sentAt = performance.now();
    conn.send(request);
  };
  const received = () => {
    const now = performance.now();
    if (done >= warmup) latencies[done - warmup] = now - sentAt;
    if (++done < total) {
      sendOne();
      return;
    }
    const cpu = process.cpuUsage(cpuStart);
    latencies.sort();
    report({
      ok: true,
      values: {
        p50: latencies[Math.floor(count * 0.5)] * 1000,
        p99: latencies[Math.min(count - 1, Math.floor(count * 0.99))] * 1000,
        cpu: (cpu.user + cpu.system) / count,
        messages: done - warmup,
      },
    });
  };
  conn = open(job.url, {
    onOpen: sendOne,
    onMessage: received,
    onData(chunk) {
      pending += chunk.length;
      while (pending >= replyBytes) {
        pending -= replyBytes;
        received();
      }
    },
    onClose: unexpectedClose,
    onError: fail,
  });
}

// ---------------------------------------------------------------- connect: open, close, wait for close, repeat
function connect() {
  let done = 0;
  let start = 0;
  progress = () => `${done} of ${count} connections`;
  const next = () => {
    if (done === count) {
      const seconds = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpu);
      report({
        ok: true,
        values: { seconds, cps: count / seconds / 1000, cpu: (used.user + used.system) / count, messages: done },
      });
      return;
    }
    let opened = false;
    const conn = open(job.url, {
      onOpen() {
        opened = true;
        conn.close();
      },
      onMessage() {},
      onData() {},
      onClose() {
        if (!opened) return fail(`connection ${done} closed before it opened`);
        done++;
        // A fresh stack for the next one, as an application's handler would be.
        setImmediate(next);
      },
      onError: fail,
    });
  };
  const cpu = process.cpuUsage();
  start = performance.now();
  next();
}

// ---------------------------------------------------------------- memory: 2,000 idle connections
async function memory() {
  const CONCURRENCY = 50;
  const conns = [];
  let warm = true;
  const openOne = () =>
    new Promise((resolve, reject) => {
      let opened = false;
      const conn = open(job.url, {
        onOpen() {
          opened = true;
          resolve(conn);
        },
        onMessage() {},
        onData() {},
        onClose() {
          if (!opened) reject(new Error('connection closed before it opened'));
          else if (!warm) unexpectedClose();
        },
        onError: reject,
      });
    });
  const settle = async () => {
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      globalThis.gc();
    }
  };
  progress = () => `${conns.length} of ${count} open`;

  // One connection first, so lazily created module state (agents, pools, decoders) is in the baseline.
  const first = await openOne();
  first.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  await settle();
  warm = false;
  const before = process.memoryUsage();

  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      conns.push(await openOne());
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await settle();
  const after = process.memoryUsage();
  const per = (key) => (after[key] - before[key]) / count / 1024;
  report({
    ok: true,
    values: {
      heap: per('heapUsed'),
      rss: per('rss'),
      ab: per('arrayBuffers'),
      heapTotal: per('heapTotal'),
      external: per('external'),
      messages: conns.length,
    },
  });
}
