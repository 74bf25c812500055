import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NativeClient, BACKOFF_MS } from '../../lib/native.js';

/** A fake runtime whose connectNative returns scriptable ports. */
function fakeRuntime() {
  const rt = {
    /** @type {any[]} */ ports: [],
    lastError: /** @type {any} */ (undefined),
    connectNative(/** @type {string} */ name) {
      const port = {
        name, sent: /** @type {any[]} */ ([]), msgL: /** @type {any[]} */ ([]), discL: /** @type {any[]} */ ([]), error: /** @type {any} */ (null),
        onMessage: { addListener(/** @type {any} */ f) { port.msgL.push(f); } },
        onDisconnect: { addListener(/** @type {any} */ f) { port.discL.push(f); } },
        postMessage(/** @type {any} */ m) { port.sent.push(m); },
        disconnect() {},
        /** host → extension */
        emit(/** @type {any} */ m) { for (const f of port.msgL) f(m); },
        /** the host goes away; chrome: lastError, firefox: port.error */
        drop(/** @type {string} */ why, /** @type {'chrome'|'firefox'} */ style = 'chrome') {
          if (style === 'chrome') rt.lastError = { message: why };
          else port.error = { message: why };
          for (const f of port.discL) f(port);
          rt.lastError = undefined;
        },
      };
      rt.ports.push(port);
      return port;
    },
  };
  return rt;
}

/** Manual timers. */
function fakeTimers() {
  /** @type {{fn: () => void, ms: number, id: number}[]} */
  const q = [];
  let n = 0;
  return {
    q,
    setTimeout: /** @type {any} */ ((/** @type {() => void} */ fn, /** @type {number} */ ms) => { q.push({ fn, ms, id: ++n }); return n; }),
    clearTimeout: /** @type {any} */ ((/** @type {number} */ id) => { const i = q.findIndex((x) => x.id === id); if (i >= 0) q.splice(i, 1); }),
    /** runs the timers of exactly ms */
    fire(/** @type {number} */ ms) { for (const t of q.filter((x) => x.ms === ms)) { q.splice(q.indexOf(t), 1); t.fn(); } },
  };
}

const HELLO = { type: 'hello', version: '0.1.0', protocol: 1, ffmpeg: true, capabilities: [] };

test('hello, request/reply, events', async () => {
  const rt = fakeRuntime();
  const timers = fakeTimers();
  const c = new NativeClient(rt, timers);
  const events = [];
  const hellos = [];
  c.onEvent((e) => events.push(e));
  c.onHello((h) => hellos.push(h));
  c.ensure();
  assert.equal(rt.ports.length, 1);
  assert.equal(rt.ports[0].name, 'com.spacekeep.host');
  rt.ports[0].emit(HELLO);
  assert.equal(c.state.connected, true);
  assert.equal(hellos.length, 1);

  const p = c.request('ping');
  const req = rt.ports[0].sent[0];
  assert.deepEqual(req, { id: 1, type: 'ping' });
  rt.ports[0].emit({ id: req.id, ok: true, result: {} });
  assert.deepEqual(await p, {});

  const p2 = c.request('job.cancel', { job: 'nope' });
  rt.ports[0].emit({ id: 2, ok: false, error: { code: 'unknown_job', message: 'No such download.' } });
  await assert.rejects(p2, { code: 'unknown_job', message: 'No such download.' });

  rt.ports[0].emit({ type: 'job.progress', job: 'j', stage: 'fetching' });
  assert.equal(events.length, 1);
  c.ensure();
  assert.equal(rt.ports.length, 1, 'ensure does not open a second port');
});

test('host not installed (Chrome and Firefox wording): no retry loop, pending requests fail', async () => {
  for (const [why, style] of /** @type {const} */ ([['Specified native messaging host not found.', 'chrome'], ['No such native application com.spacekeep.host', 'firefox']])) {
    const rt = fakeRuntime();
    const timers = fakeTimers();
    const c = new NativeClient(rt, timers);
    const p = c.request('space.info', { space: '1OyKAWgagpqJb', cookies: { auth_token: 'a', ct0: 'c' } });
    rt.ports[0].drop(why, style);
    await assert.rejects(p, { code: 'host_missing' });
    assert.equal(c.state.connected, false);
    assert.equal(c.state.error?.code, 'host_missing');
    assert.equal(timers.q.length, 0, 'no reconnect timer');
    // The user installs it and opens the popup again: ensure() tries at once.
    c.ensure();
    assert.equal(rt.ports.length, 2);
    rt.ports[1].emit(HELLO);
    assert.equal(c.state.error, null);
  }
});

test('a host that exits is reopened with backoff, and hello resets it', () => {
  const rt = fakeRuntime();
  const timers = fakeTimers();
  const c = new NativeClient(rt, timers);
  c.ensure();
  rt.ports[0].emit(HELLO);
  rt.ports[0].drop('Native host has exited.');
  assert.equal(c.state.error?.code, 'host_exited');
  assert.deepEqual(timers.q.map((t) => t.ms), [BACKOFF_MS[0]]);
  timers.fire(BACKOFF_MS[0]);
  assert.equal(rt.ports.length, 2);
  rt.ports[1].drop('Native host has exited.');
  assert.deepEqual(timers.q.map((t) => t.ms), [BACKOFF_MS[1]]);
  timers.fire(BACKOFF_MS[1]);
  rt.ports[2].emit(HELLO);
  rt.ports[2].drop('Native host has exited.');
  assert.deepEqual(timers.q.map((t) => t.ms), [BACKOFF_MS[0]], 'backoff starts over after a hello');
});

test('requests time out', async () => {
  const rt = fakeRuntime();
  const timers = fakeTimers();
  const c = new NativeClient(rt, timers);
  const p = c.request('doctor', undefined, { timeoutMs: 1234 });
  timers.fire(1234);
  await assert.rejects(p, { code: 'timeout' });
  // a late reply is ignored
  rt.ports[0].emit({ id: 1, ok: true, result: {} });
});

test('an invalid request throws before anything is sent', () => {
  const rt = fakeRuntime();
  const c = new NativeClient(rt, fakeTimers());
  assert.throws(() => c.request('download.start', { space: '' }));
  assert.equal(rt.ports[0].sent.length, 0);
});
