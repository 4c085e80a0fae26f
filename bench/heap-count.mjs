// Deterministic memory per idle connection, by constructor: sockline vs ws, counted from heap snapshots.
//
//   node bench/heap-count.mjs [--n=300] [--clients=sockline,ws] [--top=30] [--by-owner]
//
// The peer (bench/peer.mjs, mode idle) runs in its own process, each client in a fresh process of its own (with
// --expose-gc). The client opens one warm-up connection (module state goes into the baseline), closes it, takes a
// heap snapshot, opens N connections, takes a second one, and reports the difference per connection grouped by
// node type and name: objects by constructor, arrays by their role ("(object properties)" are spilled property
// arrays, "(object elements)" backing stores), closures, strings, system objects. Unlike the timed bench rows this
// does not depend on the machine's load: the same build gives the same counts (±1 object from timers and GC).
// Also reports process.memoryUsage() deltas (heapUsed, arrayBuffers) per connection; RSS is the bench's memory
// row (snapshots themselves grow the RSS).
import { fork } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { CLIENTS } from './clients.mjs';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .filter((a) => a.startsWith('--'))
    .map((a) => {
      const [k, v = 'true'] = a.slice(2).split('=');
      return [k, v];
    }),
);

if (args.child) await child(JSON.parse(args.child));
else await parent();

async function parent() {
  const n = Number(args.n ?? 300);
  const top = Number(args.top ?? 30);
  const clients = (args.clients ?? 'sockline,ws').split(',');
  const here = (p) => fileURLToPath(new URL(p, import.meta.url));
  const peer = fork(here('./peer.mjs'), [JSON.stringify({ mode: 'idle', size: 0, fragment: 0, count: n })], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port } = await new Promise((resolve) => peer.once('message', resolve));
  const url = `ws://127.0.0.1:${port}/`;
  const results = {};
  try {
    for (const name of clients) {
      const c = fork(
        here('./heap-count.mjs'),
        [`--child=${JSON.stringify({ name, url, n })}`, ...(args['by-owner'] ? ['--by-owner'] : [])],
        {
          execArgv: ['--expose-gc'],
          env: { ...process.env, ...CLIENTS[name].env },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        },
      );
      results[name] = await new Promise((resolve, reject) => {
        c.once('message', resolve);
        c.once('exit', (code) => code && reject(new Error(`${name} exited with ${code}`)));
      });
    }
  } finally {
    peer.kill();
  }
  const fmt = (x) => (Math.abs(x) < 0.005 ? '0' : x.toFixed(2));
  console.log(`per idle connection, ${n} open (heap snapshot difference / ${n}; Node ${process.version})\n`);
  console.log(['client', 'objects', 'snapshot B', 'heapUsed B', 'arrayBuffers B'].join(' | '));
  for (const [name, r] of Object.entries(results)) {
    console.log([name, fmt(r.count), fmt(r.bytes), fmt(r.usage.heapUsed), fmt(r.usage.arrayBuffers)].join(' | '));
  }
  for (const [name, r] of Object.entries(results)) {
    console.log(`\n${name}: top ${top} (type:name → objects, bytes per connection)`);
    for (const row of r.rows.slice(0, top))
      console.log(`  ${row.key.padEnd(56)} ${fmt(row.count).padStart(7)} ${fmt(row.bytes).padStart(9)}`);
  }
}

async function child({ name, url, n }) {
  const open = await CLIENTS[name].load();
  const conns = [];
  const openOne = () =>
    new Promise((resolve, reject) => {
      const conn = open(url, { onOpen: () => resolve(conn), onMessage() {}, onData() {}, onClose() {}, onError: reject });
    });
  const settle = async () => {
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      globalThis.gc();
    }
  };
  // Warm-up: 20 connections opened and closed, so module state and compiled code are in the baseline.
  const warm = [];
  for (let i = 0; i < 20; i++) warm.push(await openOne());
  for (const c of warm) c.close();
  await new Promise((resolve) => setTimeout(resolve, 200));
  await settle();
  const usageBefore = process.memoryUsage();
  // Kept as one flat string: a Map of cons-string keys would itself show up in the second snapshot.
  const before = JSON.stringify([...count()]);
  await settle();
  // Sequential opens: no 50-wide concurrency transients left in the heap.
  for (let i = 0; i < n; i++) conns.push(await openOne());
  await settle();
  const usageAfter = process.memoryUsage();
  const after = count();
  const beforeMap = new Map(JSON.parse(before));
  const usage = {};
  for (const key of ['heapUsed', 'arrayBuffers']) usage[key] = (usageAfter[key] - usageBefore[key]) / n;
  const rows = [];
  let objects = 0;
  let bytes = 0;
  for (const [key, a] of after) {
    const b = beforeMap.get(key) ?? { count: 0, bytes: 0 };
    const row = { key, count: (a.count - b.count) / n, bytes: (a.bytes - b.bytes) / n };
    if (Math.abs(row.count) < 0.5 && Math.abs(row.bytes) < 4) continue;
    rows.push(row);
    objects += row.count;
    bytes += row.bytes;
  }
  rows.sort((x, y) => y.bytes - x.bytes);
  process.send({ count: objects, bytes, usage, rows }, () => {
    for (const c of conns) c.close();
    setTimeout(() => process.exit(0), 200);
  });
}

/**
 * Count heap-snapshot nodes by "type:name" (long string names folded into their type). With --by-owner, the key
 * also names the first retainer ("<- Owner.edge"): which object holds a spilled property array, a string, a closure.
 * Compiled code is left out (it is per process, not per connection; the warm-up connections compile it).
 */
function count() {
  globalThis.gc();
  const file = path.join(os.tmpdir(), `heap-count-${process.pid}.heapsnapshot`);
  v8.writeHeapSnapshot(file);
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  rmSync(file);
  const meta = snapshot.snapshot.meta;
  const fields = meta.node_fields;
  const [types] = meta.node_types;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const edgesAt = fields.indexOf('edge_count');
  const width = fields.length;
  const { nodes, strings, edges } = snapshot;
  const label = (i) => {
    const type = types[nodes[i + typeAt]];
    let name = strings[nodes[i + nameAt]];
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number' || name.length > 40)
      name = '';
    return `${type}:${name}`;
  };
  let owner;
  if (args['by-owner']) {
    owner = new Map();
    const efields = meta.edge_fields;
    const [etypes] = meta.edge_types;
    const ew = efields.length;
    const eType = efields.indexOf('type');
    const eName = efields.indexOf('name_or_index');
    const eTo = efields.indexOf('to_node');
    let e = 0;
    for (let i = 0; i < nodes.length; i += width) {
      const n = nodes[i + edgesAt];
      for (let k = 0; k < n; k++, e += ew) {
        const et = etypes[edges[e + eType]];
        if (et === 'weak' || et === 'shortcut') continue;
        const to = edges[e + eTo];
        if (owner.has(to)) continue;
        const name = et === 'element' || et === 'hidden' ? `[${edges[e + eName]}]` : strings[edges[e + eName]];
        owner.set(to, `${label(i).replace(/^object:/, '')}.${name}`);
      }
    }
  }
  const map = new Map();
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    if (type === 'code') continue;
    let key = label(i);
    if (owner) key += ` <- ${owner.get(i) ?? '?'}`;
    const entry = map.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += nodes[i + sizeAt];
    map.set(key, entry);
  }
  return map;
}
