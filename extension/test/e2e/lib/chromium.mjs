// Launching Debian's Chromium with the unpacked extension (TESTING.md), via
// playwright-core (no browser download: executablePath).
import { chromium } from 'playwright-core';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXT_DIR, CHROME_ID } from './paths.mjs';

export const CHROMIUM = process.env.SPACEKEEP_CHROMIUM ?? '/usr/lib/chromium/chromium';

export function requireChromium() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set SPACEKEEP_CHROMIUM`);
  }
}

/**
 * @param {{userDataDir?: string, port?: number, env?: Record<string, string>}} opts
 * port: where x.com is mapped (the fake's TLS port)
 */
export async function launch({ userDataDir, port, env = {} } = {}) {
  requireChromium();
  const dir = userDataDir ?? mkdtempSync(join(tmpdir(), 'sk-chromium-'));
  const args = [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--load-extension=${EXT_DIR}`, `--disable-extensions-except=${EXT_DIR}`,
    '--ignore-certificate-errors', '--window-size=800,700',
  ];
  if (port) args.push(`--host-resolver-rules=MAP x.com 127.0.0.1:${port}, MAP *.x.com 127.0.0.1:${port}, MAP twitter.com 127.0.0.1:${port}, MAP *.twitter.com 127.0.0.1:${port}`);
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: false, // --headless=new above: the old headless mode has no extensions
    args,
    ignoreDefaultArgs: ['--disable-extensions', '--headless', '--hide-scrollbars', '--mute-audio'],
    ignoreHTTPSErrors: true,
    env: { ...process.env, ...env },
    viewport: { width: 800, height: 700 },
  });
  const worker = await serviceWorker(context);
  return { context, worker, userDataDir: dir };
}

/** The extension's service worker, once background.js has run. @param {import('playwright-core').BrowserContext} context */
export async function serviceWorker(context) {
  const prefix = `chrome-extension://${CHROME_ID}/`;
  let sw = context.serviceWorkers().find((w) => w.url().startsWith(prefix));
  if (!sw) sw = await context.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith(prefix), timeout: 15000 });
  for (let i = 0; i < 100; i++) {
    const ok = await sw.evaluate(() => Boolean(/** @type {any} */ (globalThis).spacekeep)).catch(() => false);
    if (ok) {
      await sw.evaluate(() => /** @type {any} */ (globalThis).spacekeep.ready);
      await sw.evaluate(() => /** @type {any} */ (globalThis).spacekeep.menusReady);
      return sw;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the extension service worker never became ready');
}
