/**
 * Launches Debian's Firefox ESR (never a downloaded browser) headless through WebDriver BiDi (puppeteer-core,
 * `browser: 'firefox'`), in a fresh empty profile. firefox.test.ts checks for it first (test/helpers/peers.ts):
 * missing locally, the Firefox suites are skipped with the install line in the run's summary; under CI=true, a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

export interface Firefox {
  browser: Browser;
  close(): Promise<void>;
}

/** Keep a test browser on loopback: no update, telemetry, safe-browsing, captive-portal or push traffic. */
const OFFLINE_PREFS: Record<string, unknown> = {
  'app.update.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'dom.push.enabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
};

export async function launchFirefox(executablePath: string): Promise<Firefox> {
  const profile = mkdtempSync(join(tmpdir(), 'sockline-firefox-'));
  try {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath,
      headless: true,
      userDataDir: profile,
      timeout: 60_000,
      extraPrefsFirefox: OFFLINE_PREFS,
    });
    return {
      browser,
      async close() {
        await browser.close().catch(() => {});
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
