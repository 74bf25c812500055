// Launching Debian's Chromium with the unpacked extension (TESTING.md) and
// driving it with playwright-core over CDP (no browser download). We start
// the binary ourselves (a fresh --user-data-dir, our flags, our environment
// for the native host) and connect: a browser-level CDP session is needed
// for Extensions.triggerAction, which opens the real popup.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXT_DIR, CHROME_ID } from './paths.mjs';
import { CdpPage } from './cdp.mjs';

export const CHROMIUM = process.env.SPACEKEEP_CHROMIUM ?? '/usr/lib/chromium/chromium';
export const EXT_ORIGIN = `chrome-extension://${CHROME_ID}`;

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
    '--no-default-browser-check', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${dir}`, '--remote-debugging-port=0', '--enable-unsafe-extension-debugging',
    `--load-extension=${EXT_DIR}`, `--disable-extensions-except=${EXT_DIR}`,
    '--ignore-certificate-errors', '--window-size=800,700',
  ];
  if (port) {
    args.push(`--host-resolver-rules=MAP x.com 127.0.0.1:${port}, MAP *.x.com 127.0.0.1:${port}, MAP twitter.com 127.0.0.1:${port}, MAP *.twitter.com 127.0.0.1:${port}`);
  }
  args.push('about:blank');
  const proc = spawn(CHROMIUM, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  /** @type {string} */
  const wsUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Chromium did not start in 30 s:\n${log.slice(-3000)}`)), 30000);
    proc.stderr.on('data', (d) => {
      log = (log + d).slice(-100000);
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(log);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`Chromium exited (${code}):\n${log.slice(-3000)}`)); });
  });
  const browser = await chromium.connectOverCDP(wsUrl);
  const context = browser.contexts()[0];
  const worker = await serviceWorker(context);
  const cdp = await browser.newBrowserCDPSession();
  const close = async () => {
    await browser.close().catch(() => {});
    if (proc.exitCode === null) {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  };
  return { browser, context, worker, cdp, wsUrl, userDataDir: dir, close, log: () => log };
}

/** The extension's service worker, once background.js has run. @param {import('playwright-core').BrowserContext} context */
export async function serviceWorker(context) {
  const prefix = `${EXT_ORIGIN}/`;
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

/**
 * Opens the real toolbar popup on the tab whose URL starts with tabUrlPrefix
 * (CDP Extensions.triggerAction with the *tab* target) and connects to it.
 * @param {{cdp: import('playwright-core').CDPSession, wsUrl: string}} b
 * @param {string} tabUrlPrefix
 * @returns {Promise<CdpPage>}
 */
export async function openPopup({ cdp, wsUrl }, tabUrlPrefix) {
  const { targetInfos } = await cdp.send('Target.getTargets', { filter: [{ type: 'tab' }] });
  const tab = targetInfos.find((t) => t.url.startsWith(tabUrlPrefix));
  if (!tab) throw new Error(`no tab at ${tabUrlPrefix}: ${targetInfos.map((t) => t.url).join(', ')}`);
  const popupUrl = `${EXT_ORIGIN}/popup.html`;
  const before = new Set((await cdp.send('Target.getTargets')).targetInfos.filter((t) => t.url.startsWith(popupUrl)).map((t) => t.targetId));
  await cdp.send(/** @type {any} */ ('Extensions.triggerAction'), { id: CHROME_ID, targetId: tab.targetId });
  for (let i = 0; i < 100; i++) {
    const t = (await cdp.send('Target.getTargets')).targetInfos.find((x) => x.type === 'page' && x.url.startsWith(popupUrl) && !before.has(x.targetId));
    if (t) {
      const u = new URL(wsUrl);
      const page = await CdpPage.connect(`ws://${u.host}/devtools/page/${t.targetId}`);
      page.targetId = t.targetId;
      page.closeTarget = () => cdp.send('Target.closeTarget', { targetId: t.targetId }).then(() => {}, () => {});
      await page.waitFor(`document.body?.dataset.ready === 'true'`, { what: 'the popup to be ready' });
      return page;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('Extensions.triggerAction opened no popup');
}
