// background.js with a fake WebExtension API: the popup's commands, the
// context menu, the badge and notifications, against a scripted host.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { MESSAGES } from './helpers.mjs';
import { validateRequest } from '../../lib/messages.js';

const ID = '1OyKAWgagpqJb';
const event = () => {
  /** @type {Function[]} */ const ls = [];
  return { addListener: (/** @type {Function} */ f) => ls.push(f), dispatch: (/** @type {any[]} */ ...a) => ls.map((f) => f(...a)), ls };
};

/** The scripted host: answers requests, records them. */
const host = {
  /** @type {any[]} */ received: [],
  /** @type {string[]} */ jobs: [],
  /** @type {any} */ port: null,
  installed: true,
  /** @param {any} m */
  emit(m) { for (const f of this.port.onMessage.ls) f(m); },
};

const tabs = {
  1: { id: 1, url: `https://x.com/i/spaces/${ID}`, incognito: false },
  2: { id: 2, url: `https://x.com/i/spaces/${ID}`, incognito: true },
  3: { id: 3, url: 'https://example.org/' },
};
/** @type {Record<string, Record<string, string>>} */
const jar = { 0: { auth_token: 'A0', ct0: 'C0' }, 1: {} }; // store 1 (incognito) is logged out
/** @type {any[]} */ const notifications = [];
/** @type {string[]} */ const badges = [];
/** @type {Record<string, any>} */ const local = {};
/** @type {Record<string, any>} */ const session = {};
const area = (/** @type {Record<string, any>} */ o) => ({
  async get(/** @type {any} */ k) { const ks = Array.isArray(k) ? k : [k]; return Object.fromEntries(ks.filter((x) => x in o).map((x) => [x, structuredClone(o[x])])); },
  async set(/** @type {any} */ v) { Object.assign(o, structuredClone(v)); },
});

const fake = {
  runtime: {
    lastError: /** @type {any} */ (undefined),
    onConnect: event(), onInstalled: event(),
    getURL: (/** @type {string} */ p) => `chrome-extension://id/${p}`,
    connectNative(/** @type {string} */ name) {
      assert.equal(name, 'com.spacekeep.host');
      const port = {
        onMessage: event(), onDisconnect: event(),
        postMessage(/** @type {any} */ m) {
          assert.deepEqual(validateRequest(m), [], `valid ${m.type}`);
          host.received.push(m);
          queueMicrotask(() => answer(m));
        },
        disconnect() {},
      };
      host.port = port;
      if (!host.installed) {
        setTimeout(() => { fake.runtime.lastError = { message: 'Specified native messaging host not found.' }; port.onDisconnect.dispatch(port); fake.runtime.lastError = undefined; }, 0);
      } else {
        setTimeout(() => host.emit({ type: 'hello', version: '0.1.0', protocol: 1, ffmpeg: true, capabilities: [] }), 0);
      }
      return port;
    },
  },
  i18n: { getMessage: (/** @type {string} */ k) => MESSAGES[k]?.message ?? '' },
  storage: { local: area(local), session: area(session) },
  action: { setBadgeText: async (/** @type {any} */ d) => { badges.push(d.text); }, setBadgeBackgroundColor: async () => {} },
  notifications: { create: async (/** @type {string} */ id, /** @type {any} */ o) => { notifications.push({ id, ...o }); return id; }, clear: async () => true, onClicked: event(), onButtonClicked: event() },
  webRequest: { onBeforeRequest: event() },
  permissions: { granted: true, contains: async () => fake.permissions.granted },
  contextMenus: { removeAll: async () => {}, create: (/** @type {any} */ o, /** @type {any} */ cb) => { menus.push(o); cb?.(); }, onClicked: event() },
  tabs: { get: async (/** @type {number} */ id) => { const t = /** @type {any} */ (tabs)[id]; if (!t) throw new Error('no tab'); return t; } },
  cookies: {
    getAllCookieStores: async () => [{ id: '0', tabIds: [1, 3] }, { id: '1', tabIds: [2] }],
    get: async (/** @type {any} */ d) => { const v = jar[d.storeId ?? '0']?.[d.name]; return v ? { name: d.name, value: v } : null; },
  },
};
/** @type {any[]} */ const menus = [];

/** @param {any} m */
function answer(m) {
  const reply = (/** @type {any} */ result) => host.emit({ id: m.id, ok: true, result });
  switch (m.type) {
    case 'jobs.list': return reply({ jobs: host.jobs.map((job) => ({ type: 'job.progress', job, stage: 'queued' })) });
    case 'space.info': return reply({ id: ID, title: 'Demo', state: 'Ended', replayable: true, url: `https://x.com/i/spaces/${ID}` });
    case 'download.start': {
      const job = `${m.payload.space}-${host.received.length}`;
      host.jobs.push(job);
      reply({ job });
      setTimeout(() => {
        host.emit({ type: 'job.progress', job, stage: 'fetching', chunks_done: 1, chunks_total: 4 });
        setTimeout(() => host.emit({ type: 'job.done', job, stage: 'done', path: `/out/${job}.m4a`, duration: 60, size: 10 }), 5);
      }, 5);
      return undefined;
    }
    case 'settings.set':
      if (String(m.payload.name_template ?? '').includes('{nosuch')) {
        return host.emit({ id: m.id, ok: false, error: { code: 'bad_request', message: 'unknown field {nosuchfield} in file name template' } });
      }
      return reply({});
    default: return reply({});
  }
}

/** A popup: connects the ui port and calls commands. */
function popup() {
  /** @type {Map<number, (m: any) => void>} */ const waiting = new Map();
  /** @type {any[]} */ const states = [];
  let rid = 0;
  const port = {
    name: 'ui', onMessage: event(), onDisconnect: event(),
    postMessage(/** @type {any} */ m) { if (m.type === 'state') states.push(m); else waiting.get(m.rid)?.(m); },
  };
  fake.runtime.onConnect.dispatch(port);
  return {
    states,
    /** @param {string} cmd @param {any} [args] @returns {Promise<any>} */
    call(cmd, args) {
      const id = ++rid;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        port.onMessage.dispatch({ rid: id, cmd, args });
      });
    },
  };
}

const until = async (/** @type {() => any} */ f, what = 'condition') => {
  for (let i = 0; i < 200; i++) { const v = f(); if (v) return v; await new Promise((r) => setTimeout(r, 5)); }
  throw new Error(`timed out: ${what}`);
};

/** @type {any} */ let sk;
before(async () => {
  /** @type {any} */ (globalThis).chrome = fake;
  await import('../../background.js');
  sk = /** @type {any} */ (globalThis).spacekeep;
  await sk.ready;
  await sk.menusReady;
});

test('context menu items for Space links and pages', () => {
  assert.deepEqual(menus.map((m) => m.contexts[0]).sort(), ['link', 'page']);
  assert.ok(menus.every((m) => m.title === 'Download this Space'));
  assert.ok(menus.find((m) => m.contexts[0] === 'link').targetUrlPatterns.includes('https://x.com/i/spaces/*'));
});

test('hints from the page\'s AudioSpaceById request', async () => {
  fake.webRequest.onBeforeRequest.dispatch({ url: `https://x.com/i/api/graphql/QID_12345/AudioSpaceById?features=${encodeURIComponent('{"f":true}')}` });
  await until(() => local.hints, 'hints stored');
  assert.equal(local.hints.query_id, 'QID_12345');
});

test('popup: inspect, download with the tab\'s cookies and hints, progress, done', async () => {
  const p = popup();
  const info = await p.call('inspect', { tabId: 1 });
  assert.equal(info.ok, true);
  assert.equal(info.result.status, 'ready');
  assert.equal(info.result.info.title, 'Demo');
  const q = host.received.find((m) => m.type === 'space.info');
  assert.deepEqual(q.payload.cookies, { auth_token: 'A0', ct0: 'C0' });
  assert.deepEqual(q.payload.hints, { query_id: 'QID_12345', features: { f: true } });

  const r = await p.call('download', { tabId: 1, format: 'mp3' });
  assert.equal(r.ok, true, JSON.stringify(r));
  const start = host.received.find((m) => m.type === 'download.start');
  assert.equal(start.payload.space, ID);
  assert.deepEqual(start.payload.options, { format: 'mp3' });
  assert.deepEqual(start.payload.cookies, { auth_token: 'A0', ct0: 'C0' });
  await until(() => sk.getJobs().jobs[r.result.job]?.stage === 'done', 'job done');
  assert.ok(badges.includes('25%'), `badge showed progress: ${badges}`);
  assert.equal(badges.at(-1), '');
  const n = await until(() => notifications.find((x) => x.id === `done:${r.result.job}`), 'notification');
  assert.equal(n.message, 'Demo');
  assert.deepEqual(n.buttons.map((/** @type {any} */ b) => b.title), ['Show in folder', 'Open']);
  // The popup got state snapshots with the job.
  await until(() => p.states.some((s) => s.jobs.some((/** @type {any} */ j) => j.stage === 'done')), 'state pushed');
  // Notification buttons ask the host to reveal/open the file.
  fake.notifications.onButtonClicked.dispatch(`done:${r.result.job}`, 1);
  await until(() => host.received.some((m) => m.type === 'file.open'), 'file.open');
  // Nothing secret in what the extension stored.
  const stored = JSON.stringify({ local, session });
  assert.ok(!stored.includes('A0') && !stored.includes('C0'), 'cookies never stored');
});

test('logged out in this cookie store: says so, asks the host nothing', async () => {
  const before = host.received.length;
  const p = popup();
  const r = await p.call('inspect', { tabId: 2 });
  assert.equal(r.result.status, 'logged_out');
  const d = await p.call('download', { tabId: 2 });
  assert.equal(d.ok, false);
  assert.equal(d.error.code, 'auth_required');
  assert.equal(host.received.length, before);
});

test('x.com access withdrawn (Firefox): says so instead of "logged out"', async () => {
  fake.permissions.granted = false;
  try {
    const r = await popup().call('inspect', { tabId: 1 });
    assert.equal(r.result.status, 'no_access');
  } finally {
    fake.permissions.granted = true;
  }
});

test('not a Space page', async () => {
  const r = await popup().call('inspect', { tabId: 3 });
  assert.equal(r.result.status, 'no_space');
});

test('context menu on a link starts a download; errors become notifications', async () => {
  const before = host.received.filter((m) => m.type === 'download.start').length;
  fake.contextMenus.onClicked.dispatch({ menuItemId: 'spacekeep-download-link', linkUrl: 'https://twitter.com/i/spaces/1RDGlAegVZmJL/peek' }, tabs[3]);
  await until(() => host.received.filter((m) => m.type === 'download.start').length > before, 'download.start');
  assert.equal(host.received.filter((m) => m.type === 'download.start').at(-1).payload.space, '1RDGlAegVZmJL');
  fake.contextMenus.onClicked.dispatch({ menuItemId: 'spacekeep-download-link', linkUrl: 'https://x.com/home' }, tabs[3]);
  const n = await until(() => notifications.find((x) => x.id.startsWith('error:')), 'error notification');
  assert.equal(n.title, 'Not a Space');
});

test('settings are saved locally and in the host', async () => {
  const p = popup();
  const r = await p.call('setSettings', { settings: { output_dir: '/music', format: 'mp3', concurrency: '6', bogus: 1 } });
  assert.equal(r.ok, true);
  assert.equal(r.result.fromHost, true);
  const set = host.received.filter((m) => m.type === 'settings.set').at(-1);
  assert.deepEqual(set.payload, { output_dir: '/music', format: 'mp3', concurrency: 6 });
  assert.deepEqual(local.settings, { output_dir: '/music', format: 'mp3', concurrency: 6 });
});

test('settings the host refuses are not kept, and the reason comes back', async () => {
  const p = popup();
  const before = structuredClone(local.settings);
  const r = await p.call('setSettings', { settings: { output_dir: '/music', format: 'mp3', name_template: '{nosuchfield}' } });
  assert.equal(r.ok, true);
  assert.equal(r.result.refused, true);
  assert.equal(r.result.error.code, 'bad_request');
  assert.match(r.result.error.message, /nosuchfield/);
  assert.deepEqual(local.settings, before, 'the refused settings were kept in the browser');
  assert.notEqual(local.settingsPending, true, 'the refused settings would be pushed again');
});
