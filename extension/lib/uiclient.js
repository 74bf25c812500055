// The popup's and options page's line to the background: one runtime port,
// commands with promises, and state snapshots pushed by the background.
import { api } from './api.js';
import { CodedError } from './errors.js';

export class UiClient {
  constructor() {
    this.port = api.runtime.connect({ name: 'ui' });
    this.rid = 1;
    /** @type {Map<number, {resolve: (v: any) => void, reject: (e: any) => void}>} */
    this.pending = new Map();
    /** @type {Set<(s: any) => void>} */
    this.stateListeners = new Set();
    /** @type {any} */
    this.lastState = null;
    this.port.onMessage.addListener((/** @type {any} */ msg) => {
      if (msg?.type === 'state') {
        this.lastState = msg;
        for (const fn of this.stateListeners) fn(msg);
        return;
      }
      const p = this.pending.get(msg?.rid);
      if (!p) return;
      this.pending.delete(msg.rid);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new CodedError(msg.error?.code ?? 'internal', msg.error?.message));
    });
    this.port.onDisconnect.addListener(() => {
      for (const p of this.pending.values()) p.reject(new CodedError('host_exited', 'background went away'));
      this.pending.clear();
    });
  }

  /** @param {(s: any) => void} fn */
  onState(fn) {
    this.stateListeners.add(fn);
    if (this.lastState) fn(this.lastState);
  }

  /**
   * @param {string} cmd @param {any} [args]
   * @returns {Promise<any>}
   */
  call(cmd, args) {
    const rid = this.rid++;
    return new Promise((resolve, reject) => {
      this.pending.set(rid, { resolve, reject });
      this.port.postMessage({ rid, cmd, args });
    });
  }
}
