// A minimal CDP client for one page target over `ws`: what Playwright does
// not attach to (the real extension popup opened by Extensions.triggerAction).
import WebSocket from 'ws';
import { waitForExpression } from './poll.mjs';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export class CdpPage {
  /** @param {WebSocket} ws */
  constructor(ws) {
    this.ws = ws;
    this.id = 0;
    /** @type {string | undefined} */
    this.targetId = undefined;
    /** Closes the page itself (set by whoever opened it). @type {() => Promise<void>} */
    this.closeTarget = async () => {};
    /** @type {Map<number, {resolve: (v: any) => void, reject: (e: any) => void}>} */
    this.pending = new Map();
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${msg.error.message} ${msg.error.data ?? ''}`));
      else p.resolve(msg.result);
    });
  }

  /** @param {string} url ws://host:port/devtools/page/<id> */
  static connect(url) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.once('open', () => resolve(new CdpPage(ws)));
      ws.once('error', reject);
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

  /** Evaluates an expression (promises awaited) and returns its value. @param {string} expression */
  async evaluate(expression) {
    const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true, userGesture: true });
    if (r.exceptionDetails) throw new Error(`evaluate ${expression}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value;
  }

  /**
   * Polls until the expression is truthy; returns its value.
   * @param {string} expression @param {{timeout?: number, what?: string}} [opts]
   */
  async waitFor(expression, { timeout = 20000, what = expression } = {}) {
    return waitForExpression((e) => this.evaluate(e), expression, { timeout, what, every: 100 });
  }

  /** @param {string} file */
  async screenshot(file) {
    const { data } = await this.send('Page.captureScreenshot', { format: 'png' });
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, Buffer.from(data, 'base64'));
  }

  /** Closes the page and the connection. */
  async close() {
    await this.closeTarget();
    this.ws.close();
  }
}
