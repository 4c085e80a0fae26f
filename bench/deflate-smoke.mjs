#!/usr/bin/env node
// Checks the DRAFT permessage-deflate rows end to end at a tiny count, with ws (perMessageDeflate on) against
// bench/deflate-peer.mjs: compression negotiated, every message counted, and every received message byte-exact
// (which proves the peer's replayed stream really decodes). Not a measurement.   node bench/deflate-smoke.mjs
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { DEFLATE_SCENARIOS, jsonLikeMessage } from './deflate-scenarios.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const COUNTS = { 'recv-deflate-1k': 500, 'send-deflate-1k': 500, 'recv-deflate-1m': 5, 'memory-deflate': 20 };

async function withPeer(cfg, body) {
  const peer = fork(here('./deflate-peer.mjs'), [JSON.stringify(cfg)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const { port } = await new Promise((resolve, reject) => {
      peer.once('message', resolve);
      peer.once('exit', (code) => reject(new Error(`peer exited with ${code}`)));
    });
    return await body(`ws://127.0.0.1:${port}`);
  } finally {
    peer.kill('SIGKILL');
  }
}

function connect(url) {
  const ws = new WebSocket(url, { perMessageDeflate: true });
  let header = '';
  ws.once('upgrade', (response) => (header = response.headers['sec-websocket-extensions'] ?? ''));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, header }));
    ws.once('error', reject);
  });
}

const timeout = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms).unref());

for (const scenario of DEFLATE_SCENARIOS) {
  const count = COUNTS[scenario.id];
  const mode = { receive: 'stream', send: 'sink', memory: 'idle' }[scenario.kind];
  const result = await withPeer({ mode, size: scenario.size ?? 0, count }, async (url) => {
    if (scenario.kind === 'memory') {
      const all = await Promise.all(Array.from({ length: count }, () => connect(url)));
      for (const { ws } of all) ws.close();
      return `${all.length} connections, extensions "${all[0].header}"`;
    }
    const { ws, header } = await connect(url);
    if (!/^permessage-deflate/.test(header)) throw new Error(`not negotiated: "${header}"`);
    let received = 0;
    const done = new Promise((resolve, reject) => {
      ws.on('message', (data) => {
        if (scenario.kind === 'send') return resolve(`${count} sent, DONE received`);
        const expected = jsonLikeMessage(scenario.size >= 32 * 1024 ? 0 : received % 50, scenario.size);
        if (!Buffer.from(data).equals(expected)) return reject(new Error(`message ${received} differs`));
        if (++received === count) resolve(`${count} received byte-exact`);
      });
      ws.on('close', () => reject(new Error('closed early')));
    });
    if (scenario.kind === 'send') for (let i = 0; i < count; i++) ws.send(jsonLikeMessage(i, scenario.size));
    const outcome = await Promise.race([done, timeout(30_000, scenario.id)]);
    const bytesRead = ws._socket.bytesRead;
    ws.close();
    return `${outcome}, extensions "${header}", ${bytesRead} bytes read from TCP`;
  });
  console.log(`${scenario.id.padEnd(16)} ok: ${result}`);
}
process.exit(0);
