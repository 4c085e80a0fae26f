import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRawServer, upgradeResponse, type RawServer } from '../helpers/raw-server.js';
import { open } from './transport-harness.js';

let server: RawServer;
beforeAll(async () => {
  server = await startRawServer((socket, req) => void socket.write(upgradeResponse(req.key)));
});
afterAll(() => server.close());

it('50 connections send 50 distinct keys that each decode to 16 bytes', async () => {
  const clients = Array.from({ length: 50 }, () => open(server.url));
  await Promise.all(clients.map((c) => c.opened));
  const keys = server.connections.map((c) => c.request.key);
  expect(keys).toHaveLength(50);
  expect(new Set(keys).size).toBe(50);
  for (const key of keys) expect(Buffer.from(key, 'base64')).toHaveLength(16);
  for (const c of clients) c.transport.terminate();
  await Promise.all(clients.map((c) => c.closed));
});

it('client frames carry non-zero masks that vary from frame to frame', async () => {
  const client = open(server.url);
  await client.opened;
  const connection = server.connections.at(-1)!;
  for (let i = 0; i < 20; i++) client.transport.send(`message ${i}`, 0);
  const masks: string[] = [];
  for (let i = 0; i < 20; i++) {
    const f = await connection.readClientFrame();
    expect(f.masked).toBe(true);
    expect(f.payload.toString()).toBe(`message ${i}`);
    masks.push(f.maskKey!.toString('hex'));
  }
  expect(new Set(masks).size).toBeGreaterThan(15);
  expect(masks).not.toContain('00000000');
  client.transport.terminate();
  await client.closed;
});
