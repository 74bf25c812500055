// The one port to the native host (com.spacekeep.host). It lives in the
// background (the popup dies on blur). Requests get ids and promises;
// replies settle them; events and hello go to listeners. On disconnect the
// port is reopened with backoff, except when the host is not installed
// (that waits for the user: the next ensure() tries again at once).
import { HOST_NAME, buildRequest, classify, validateHello } from './messages.js';
import { CodedError, codeForDisconnect } from './errors.js';

export const BACKOFF_MS = [500, 1000, 2000, 5000, 10000, 30000];
export const DEFAULT_TIMEOUT_MS = 60000;

/**
 * @typedef {{connected: boolean, connecting: boolean, hello: any, error: {code: string, message: string} | null}} NativeState
 */

export class NativeClient {
  /**
   * @param {{connectNative: (name: string) => any, lastError?: any}} runtime the browser's runtime namespace
   * @param {{setTimeout?: typeof setTimeout, clearTimeout?: typeof clearTimeout, hostName?: string}} [opts]
   */
  constructor(runtime, opts = {}) {
    this.runtime = runtime;
    this.hostName = opts.hostName ?? HOST_NAME;
    this.setTimeout = opts.setTimeout ?? globalThis.setTimeout.bind(globalThis);
    this.clearTimeout = opts.clearTimeout ?? globalThis.clearTimeout.bind(globalThis);
    /** @type {any} */
    this.port = null;
    this.nextId = 1;
    /** @type {Map<number, {resolve: (v: any) => void, reject: (e: any) => void, timer: any, type: string}>} */
    this.pending = new Map();
    /** @type {NativeState} */
    this.state = { connected: false, connecting: false, hello: null, error: null };
    this.attempt = 0;
    /** @type {any} */
    this.retryTimer = null;
    /** Whether to reconnect by itself after a disconnect. */
    this.keepAlive = true;
    /** @type {Set<(ev: any) => void>} */
    this.eventListeners = new Set();
    /** @type {Set<(s: NativeState) => void>} */
    this.stateListeners = new Set();
    /** @type {Set<(hello: any) => void>} */
    this.helloListeners = new Set();
  }

  /** @param {(ev: any) => void} fn */
  onEvent(fn) { this.eventListeners.add(fn); }
  /** @param {(s: NativeState) => void} fn */
  onState(fn) { this.stateListeners.add(fn); }
  /** @param {(hello: any) => void} fn */
  onHello(fn) { this.helloListeners.add(fn); }

  /** @param {Partial<NativeState>} patch */
  setState(patch) {
    this.state = { ...this.state, ...patch };
    for (const fn of this.stateListeners) {
      try { fn(this.state); } catch (e) { console.error('spacekeep: state listener', e); }
    }
  }

  /** Opens the port unless it is open. */
  ensure() {
    if (this.port) return;
    if (this.retryTimer) {
      this.clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    this.connect();
  }

  connect() {
    let port;
    try {
      port = this.runtime.connectNative(this.hostName);
    } catch (err) {
      this.handleDisconnect(String(/** @type {any} */ (err)?.message ?? err));
      return;
    }
    this.port = port;
    this.setState({ connecting: true });
    port.onMessage.addListener((/** @type {any} */ msg) => this.handleMessage(msg));
    port.onDisconnect.addListener((/** @type {any} */ p) => {
      if (this.port !== port) return;
      // Chrome reports why in runtime.lastError, Firefox in port.error.
      const why = p?.error?.message ?? this.runtime.lastError?.message ?? '';
      this.handleDisconnect(why);
    });
  }

  /** @param {any} msg */
  handleMessage(msg) {
    switch (classify(msg)) {
      case 'hello': {
        if (validateHello(msg).length) console.warn('spacekeep: odd hello from the host');
        this.attempt = 0;
        this.setState({ connected: true, connecting: false, hello: msg, error: null });
        for (const fn of this.helloListeners) {
          try { fn(msg); } catch (e) { console.error('spacekeep: hello listener', e); }
        }
        break;
      }
      case 'reply': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        this.clearTimeout(p.timer);
        if (msg.ok) p.resolve(msg.result ?? {});
        else p.reject(new CodedError(msg.error?.code ?? 'internal', msg.error?.message ?? ''));
        break;
      }
      case 'event':
        for (const fn of this.eventListeners) {
          try { fn(msg); } catch (e) { console.error('spacekeep: event listener', e); }
        }
        break;
      default:
        console.warn('spacekeep: unknown message from the host', msg?.type);
    }
  }

  /** @param {string} why */
  handleDisconnect(why) {
    const code = codeForDisconnect(why);
    this.port = null;
    for (const [id, p] of this.pending) {
      this.clearTimeout(p.timer);
      p.reject(new CodedError(code, why || code));
      this.pending.delete(id);
    }
    this.setState({ connected: false, connecting: false, error: { code, message: why || code } });
    if (code === 'host_missing' || code === 'host_forbidden' || !this.keepAlive) return;
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt++;
    this.retryTimer = this.setTimeout(() => {
      this.retryTimer = null;
      if (!this.port) this.connect();
    }, delay);
  }

  /**
   * Sends a request and resolves with its result; rejects with a CodedError.
   * @param {string} type @param {any} [payload] @param {{timeoutMs?: number}} [opts]
   */
  request(type, payload, opts = {}) {
    this.ensure();
    const id = this.nextId++;
    const req = buildRequest(id, type, payload);
    return new Promise((resolve, reject) => {
      if (!this.port) {
        reject(new CodedError(this.state.error?.code ?? 'host_exited', this.state.error?.message));
        return;
      }
      const timer = this.setTimeout(() => {
        this.pending.delete(id);
        reject(new CodedError('timeout', `no answer to ${type}`));
      }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer, type });
      try {
        this.port.postMessage(req);
      } catch (err) {
        this.pending.delete(id);
        this.clearTimeout(timer);
        reject(new CodedError('host_exited', String(/** @type {any} */ (err)?.message ?? err)));
      }
    });
  }

  disconnect() {
    this.keepAlive = false;
    const port = this.port;
    this.port = null;
    try { port?.disconnect(); } catch { /* already gone */ }
    this.setState({ connected: false, connecting: false });
  }
}
