// Firefox (firefox-esr) through WebDriver BiDi, which Firefox speaks itself
// (no geckodriver): a temporary add-on, a fixed moz-extension:// origin, and
// every host name resolved to 127.0.0.1 (so the fake x.com listens on 443).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createServer } from 'node:net';
import WebSocket from 'ws';
import { waitForExpression } from './poll.mjs';
import { EXT_DIR, GECKO_ID } from './paths.mjs';

export const FIREFOX = process.env.SPACEKEEP_FIREFOX ?? 'firefox-esr';
export const EXT_UUID = '4b1d7c2e-5f3a-4e8b-9c6d-2a7e1f0b3c55';
export const EXT_ORIGIN = `moz-extension://${EXT_UUID}`;

export function requireFirefox() {
  try {
    execFileSync(FIREFOX, ['--version'], { stdio: 'ignore', env: { ...process.env, HOME: tmpdir() } });
  } catch {
    throw new Error(`Firefox not found (${FIREFOX}): install it (apt-get install -y firefox-esr) or set SPACEKEEP_FIREFOX`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {any} */ (srv.address());
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

class Bidi {
  /** @param {WebSocket} ws */
  constructor(ws) {
    this.ws = ws;
    this.id = 0;
    /** @type {Map<number, {resolve: (v: any) => void, reject: (e: any) => void}>} */
    this.pending = new Map();
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      if (msg.id === undefined) return; // events
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.type === 'error') p.reject(new Error(`${msg.error}: ${msg.message}`));
      else p.resolve(msg.result);
    });
  }

  /** @param {string} method @param {any} [params] @returns {Promise<any>} */
  send(method, params = {}) {
    const id = ++this.id;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
}

/**
 * Starts Firefox with a fresh profile and HOME, opens a BiDi session and
 * installs the extension temporarily.
 * @param {{home: string, env?: Record<string, string>}} opts
 */
export async function launchFirefox({ home, env = {} }) {
  requireFirefox();
  const profile = mkdtempSync(join(tmpdir(), 'sk-ffprofile-'));
  const prefs = {
    'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: EXT_UUID }),
    'network.dns.forceResolve': '127.0.0.1',
    'network.http.http3.enable': false,
    'network.proxy.type': 0,
    'browser.shell.checkDefaultBrowser': false,
    'browser.startup.homepage_override.mstone': 'ignore',
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.reportingpolicy.firstRun': false,
    'app.update.enabled': false,
    'extensions.autoDisableScopes': 0,
    'extensions.originControls.grantByDefault': true,
  };
  writeFileSync(join(profile, 'user.js'), Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n') + '\n');
  const port = await freePort();
  const proc = spawn(FIREFOX, ['--headless', '--no-remote', '--profile', profile, `--remote-debugging-port=${port}`, '--remote-allow-system-access'], {
    env: { ...process.env, HOME: home, MOZ_CRASHREPORTER_DISABLE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const onData = (/** @type {Buffer} */ d) => { log = (log + d).slice(-100000); };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Firefox did not start in 60 s:\n${log.slice(-3000)}`)), 60000);
    const check = () => {
      if (/WebDriver BiDi listening on/.test(log)) { clearTimeout(timer); resolve(undefined); }
    };
    proc.stderr.on('data', check);
    proc.stdout.on('data', check);
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`Firefox exited (${code}):\n${log.slice(-3000)}`)); });
  });
  const ws = await new Promise((resolve, reject) => {
    const w = new WebSocket(`ws://127.0.0.1:${port}/session`, { perMessageDeflate: false });
    w.once('open', () => resolve(w));
    w.once('error', reject);
  });
  const bidi = new Bidi(ws);
  await bidi.send('session.new', { capabilities: { alwaysMatch: { acceptInsecureCerts: true } } });
  const { extension } = await bidi.send('webExtension.install', { extensionData: { type: 'path', path: EXT_DIR } });
  const close = async () => {
    const gone = proc.exitCode === null ? new Promise((r) => proc.once('exit', r)) : Promise.resolve();
    await Promise.race([bidi.send('browser.close').catch(() => {}), new Promise((r) => setTimeout(r, 3000))]);
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    ws.close();
    if (proc.exitCode === null) {
      proc.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  };
  return { bidi, extension, profile, close, log: () => log };
}

/**
 * A browsing context (tab) driven over BiDi.
 */
export class FxTab {
  /** @param {Bidi} bidi @param {string} context */
  constructor(bidi, context) {
    this.bidi = bidi;
    this.context = context;
  }

  /** @param {Bidi} bidi */
  static async create(bidi) {
    const { context } = await bidi.send('browsingContext.create', { type: 'tab' });
    return new FxTab(bidi, context);
  }

  /** @param {Bidi} bidi */
  static async first(bidi) {
    const { contexts } = await bidi.send('browsingContext.getTree', {});
    return new FxTab(bidi, contexts[0].context);
  }

  /** @param {string} url */
  navigate(url) {
    return this.bidi.send('browsingContext.navigate', { context: this.context, url, wait: 'complete' });
  }

  /** Evaluates an expression (promises awaited), returns its JSON value. @param {string} expression */
  async evaluate(expression) {
    const r = await this.bidi.send('script.evaluate', {
      expression: `(async () => JSON.stringify(await (${expression})))()`,
      target: { context: this.context }, awaitPromise: true, userActivation: true,
    });
    if (r.type === 'exception') throw new Error(`evaluate ${expression}: ${r.exceptionDetails?.text}`);
    const v = r.result?.value;
    return v === undefined || v === 'undefined' ? undefined : JSON.parse(v);
  }

  /** @param {string} expression @param {{timeout?: number, what?: string}} [opts] */
  async waitFor(expression, { timeout = 20000, what = expression } = {}) {
    return waitForExpression((e) => this.evaluate(e), expression, { timeout, what, every: 150 });
  }

  /** @param {string} file */
  async screenshot(file) {
    // Just the page's content (the popup is 380 px wide in a wide tab).
    const box = await this.evaluate(`(() => { const r = document.body.getBoundingClientRect(); return { w: Math.ceil(r.width), h: Math.ceil(Math.max(r.height, document.documentElement.scrollHeight)) }; })()`);
    const { data } = await this.bidi.send('browsingContext.captureScreenshot', {
      context: this.context, origin: 'document', clip: { type: 'box', x: 0, y: 0, width: box.w, height: box.h },
    });
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, Buffer.from(data, 'base64'));
  }

  close() {
    return this.bidi.send('browsingContext.close', { context: this.context }).catch(() => {});
  }
}
