/**
 * Launches Debian's Chromium (never a downloaded browser) headless, in a fresh empty profile.
 * chromium.test.ts checks for it first (test/helpers/peers.ts): missing locally, the Chromium suites are skipped with
 * the install line in the run's summary; under CI=true, a failure.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SOCKLINE_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-sync',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Throws the message a developer (or CI) needs when the browser is not installed. */
export function assertChromiumInstalled(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  const hint = 'install Debian chromium: apt-get install -y chromium';
  if (process.env.CI === 'true') {
    throw new Error(`CI=true and ${CHROMIUM_PATH} is missing: the real-browser tests cannot run; .ci/run must ${hint}`);
  }
  throw new Error(`${CHROMIUM_PATH} is missing: ${hint} (or point SOCKLINE_CHROMIUM at a Chromium binary)`);
}

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  assertChromiumInstalled();
  const profile = mkdtempSync(join(tmpdir(), 'sockline-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ARGS,
      timeout: 30_000,
    });
    return {
      context,
      async close() {
        await context.close().catch(() => {});
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
