/**
 * messages() in real Chromium with the browser build (dist/sockline.min.js, global `Sockline`, /cdn.html): the
 * native WebSocket cannot be paused, so a loop that falls more than highWaterMark behind gets the documented
 * QueueOverflowError (after the messages that fit), the Socket stays open and `message` listeners heard everything.
 * And a loop that keeps up gets all of them. Needs dist/ (npm test builds it first) and Debian chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { requirePeer } from '../helpers/peers.js';
import { startWsServer, type WsServer } from '../helpers/ws-server.js';
import { assertBuilt, root } from '../package/helpers.js';
import { launchChromium, type Chromium } from './chromium.js';
import { startStaticServer, type StaticServer } from './static-server.js';

const chromiumPeer = requirePeer('chromium');
const TIMEOUT = 60_000;
const FLOOD = 200;

let ws: WsServer | undefined;
let web: StaticServer | undefined;
let browser: Chromium | undefined;
let opened: Promise<Page> | undefined;

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await ws?.close();
}, TIMEOUT);

function page(): Promise<Page> {
  return (opened ??= (async () => {
    assertBuilt();
    // Every connection gets FLOOD text messages at once, as fast as the server can write them.
    ws = await startWsServer({
      echo: false,
      onConnection(peer) {
        for (let i = 0; i < FLOOD; i++) peer.send(`m${i}`);
      },
    });
    web = await startStaticServer(root);
    browser = await launchChromium();
    const p = await browser.context.newPage();
    await p.goto(web.origin + '/cdn.html');
    await p.waitForFunction(() => (window as { ready?: boolean }).ready, null, { timeout: 20_000 });
    return p;
  })());
}

interface Outcome {
  taken: string[];
  error?: { name: string; limit: string; data: unknown; message: string };
  heard: number;
  state: string;
}

/** Runs a messages() loop in the page; `delay` ms per message (0: none, the loop takes each message on a microtask). */
function loopInPage(p: Page, url: string, messages: number, delay: number): Promise<Outcome> {
  return p.evaluate(
    async ({ url, messages, delay, flood }) => {
      const { Socket } = (window as unknown as { Sockline: { Socket: new (url: string, options?: object) => any } }).Sockline;
      const socket = new Socket(url, { reconnect: false });
      let heard = 0;
      socket.on('message', () => heard++);
      const taken: string[] = [];
      let error: Outcome['error'];
      try {
        for await (const data of socket.messages({ highWaterMark: { messages } })) {
          taken.push(data as string);
          if (taken.length === flood) break;
          if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        }
      } catch (e) {
        const { name, limit, data, message } = e as { name: string; limit: string; data: unknown; message: string };
        error = { name, limit, data, message };
      }
      // Let the rest of the flood arrive: listeners hear every message either way.
      const deadline = Date.now() + 5000;
      while (heard < flood && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      const state = socket.state as string;
      socket.close();
      return { taken, error, heard, state };
    },
    { url, messages, delay, flood: FLOOD },
  );
}

describe.skipIf(chromiumPeer.skip)('messages() in Chromium (browser build)', () => {
  it('a lagging loop ends with QueueOverflowError after the messages that fit; the Socket stays open', {
    timeout: TIMEOUT,
  }, async () => {
    const p = await page();
    const outcome = await loopInPage(p, ws!.url, 10, 50);
    expect(outcome.error).toMatchObject({ name: 'QueueOverflowError', limit: 'maxMessages' });
    expect(outcome.error!.message).toMatch(/highWaterMark\.messages \(10\)/);
    // In order, no gap: every message taken before the error is the next one, and the error's is the one after.
    expect(outcome.taken).toEqual(outcome.taken.map((_, i) => `m${i}`));
    expect(outcome.taken.length).toBeGreaterThanOrEqual(10);
    expect(outcome.error!.data).toBe(`m${outcome.taken.length}`);
    expect(outcome.heard).toBe(FLOOD);
    expect(outcome.state).toBe('open');
  });

  it('a loop that keeps up gets every message in order, even with a small highWaterMark', { timeout: TIMEOUT }, async () => {
    const p = await page();
    const outcome = await loopInPage(p, ws!.url, 5, 0);
    expect(outcome.error).toBeUndefined();
    expect(outcome.taken).toEqual(Array.from({ length: FLOOD }, (_, i) => `m${i}`));
  });
});
