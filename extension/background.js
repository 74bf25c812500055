// spacekeep background (Chrome: module service worker; Firefox: event page).
// Owns the native port, the job list, the badge, the context menu and the
// notifications. The popup and the options page talk to it over a runtime
// port ("ui"): {rid, cmd, args} → {rid, ok, result | error}, and get a
// {type: "state"} snapshot whenever something changes.
import { api, isFirefox } from './lib/api.js';
import { NativeClient } from './lib/native.js';
import * as Jobs from './lib/jobs.js';
import { sessionCookies } from './lib/cookies.js';
import { parseSpaceId, SPACE_URL_PATTERNS } from './lib/spaceid.js';
import { downloadStartPayload, spaceInfoPayload, FORMATS, LIBRARY_TYPES } from './lib/messages.js';
import { CodedError, toWire, describeError } from './lib/errors.js';
import { AUDIO_SPACE_URL_PATTERNS, hintsFromUrl } from './lib/hints.js';
import { readAnswer, rememberAnswer, pageFor, emptyAnswers, isXPage } from './lib/answers.js';
import { t } from './lib/i18n.js';
import { setupWatch, LIVE_PREFIX } from './lib/watch.js';
import { setupFind } from './lib/pagespaces.js';

const MENU_LINK = 'spacekeep-download-link';
const MENU_PAGE = 'spacekeep-download-page';
const INFO_TTL_MS = 60_000;
const SETTINGS_KEYS = ['output_dir', 'format', 'name_template', 'concurrency'];
const HOST_ORIGINS = ['https://x.com/*', 'https://*.x.com/*'];

const native = new NativeClient(api.runtime);
/** What tests and the worker's console can look at (no secrets). @type {any} */
const debug = { lastMenuError: null };
/** @type {Jobs.JobsState} */
let jobs = Jobs.emptyState();
/** @type {Set<any>} */
const uiPorts = new Set();
/** @type {Map<string, {info: any, at: number}>} */
const infoCache = new Map();
/** The page lists' SpaceInfo cache (lib/pagespaces.js). @type {Map<string, {info: any, at: number}>} */
const pageInfoCache = new Map();
/** Notification id → file path, for the buttons and clicks. */
/** @type {Map<string, string>} */
const notified = new Map();

// Where state that must survive the worker's restarts lives: storage.session
// when the browser has it (Chrome 102+, Firefox 115+), else memory only.
const sessionStore = api.storage.session ?? null;

const ready = (async () => {
  try {
    /** @type {any} */
    const got = await sessionStore?.get('jobs');
    if (got?.jobs?.order) jobs = got.jobs;
  } catch (e) {
    console.warn('spacekeep: could not restore jobs', e);
  }
})();

// ---------- native host ----------

native.onHello(async () => {
  try {
    const known = new Set(jobs.order);
    const list = await Jobs.fetchAllJobs((p) => native.request('jobs.list', p));
    setJobs(Jobs.syncList(jobs, list, Date.now(), known));
  } catch (e) {
    console.warn('spacekeep: jobs.list failed', toWire(e).code);
  }
  pushPendingSettings().catch(() => {});
});
native.onEvent((ev) => {
  if (ev.type === 'watch.live') return; // lib/watch.js's
  const before = jobs.jobs[ev.job];
  setJobs(Jobs.reduce(jobs, ev));
  const after = jobs.jobs[ev.job];
  if (after && before?.stage !== after.stage) {
    if (after.stage === 'done') notifyDone(after);
    else if (after.stage === 'failed' && after.code !== 'cancelled') notifyFailed(after);
  }
});
native.onState(() => broadcast());

// ---------- state to the UI, badge ----------

let broadcastTimer = /** @type {any} */ (null);
let saveTimer = /** @type {any} */ (null);

/** @param {Jobs.JobsState} next */
function setJobs(next) {
  if (next === jobs) return;
  jobs = next;
  updateBadge();
  broadcast();
  if (!saveTimer) {
    saveTimer = setTimeout(() => {
      saveTimer = null;
      sessionStore?.set({ jobs }).catch(() => {});
    }, 500);
  }
}

function snapshot() {
  return {
    type: 'state',
    native: { connected: native.state.connected, connecting: native.state.connecting, hello: native.state.hello, error: native.state.error },
    jobs: Jobs.list(jobs),
  };
}

function broadcast() {
  if (broadcastTimer || uiPorts.size === 0) return;
  broadcastTimer = setTimeout(() => {
    broadcastTimer = null;
    const snap = snapshot();
    for (const p of uiPorts) {
      try { p.postMessage(snap); } catch { uiPorts.delete(p); }
    }
  }, 50);
}

function updateBadge() {
  const text = Jobs.badgeText(jobs);
  api.action.setBadgeText({ text }).catch(() => {});
  if (text) api.action.setBadgeBackgroundColor({ color: '#1d9bf0' }).catch(() => {});
}

// ---------- notifications ----------

/** @param {Jobs.Job} j */
function jobTitle(j) {
  return j.title || j.space?.title || j.space_id || t('untitledSpace');
}

/** @param {Jobs.Job} j */
function notifyDone(j) {
  if (!j.path) return;
  const id = `done:${j.job}`;
  notified.set(id, j.path);
  /** @type {any} */
  const opts = {
    type: 'basic',
    iconUrl: api.runtime.getURL('icons/icon-128.png'),
    title: t('notifyDoneTitle'),
    message: jobTitle(j),
  };
  // Firefox notifications have no buttons: a click shows the folder.
  if (!isFirefox()) opts.buttons = [{ title: t('showInFolder') }, { title: t('openFile') }];
  api.notifications.create(id, opts).catch((e) => console.warn('spacekeep: notification', e?.message));
}

/** @param {Jobs.Job} j */
function notifyFailed(j) {
  const view = describeError(j.code ?? 'internal', j.message);
  api.notifications.create(`failed:${j.job}`, {
    type: 'basic',
    iconUrl: api.runtime.getURL('icons/icon-128.png'),
    title: t('notifyFailedTitle', jobTitle(j)),
    message: view.message,
  }).catch(() => {});
}

/** @param {string} code @param {string} [message] */
function notifyError(code, message) {
  const view = describeError(code, message);
  api.notifications.create(`error:${Date.now()}`, {
    type: 'basic',
    iconUrl: api.runtime.getURL('icons/icon-128.png'),
    title: view.title,
    message: view.message,
  }).catch(() => {});
}

api.notifications.onClicked.addListener((id) => {
  const path = notified.get(id);
  if (path) native.request('file.reveal', { path }).catch(() => {});
  api.notifications.clear(id).catch(() => {});
});
api.notifications.onButtonClicked?.addListener((id, index) => {
  if (id.startsWith(LIVE_PREFIX)) return; // lib/watch.js's Stop
  const path = notified.get(id);
  if (path) native.request(index === 0 ? 'file.reveal' : 'file.open', { path }).catch(() => {});
  api.notifications.clear(id).catch(() => {});
});

// ---------- API hints from the page's own AudioSpaceById calls ----------

api.webRequest?.onBeforeRequest.addListener(
  (details) => {
    const h = hintsFromUrl(details.url);
    if (h) api.storage.local.set({ hints: { ...h, seen_at: Date.now() } }).catch(() => {});
    return undefined;
  },
  { urls: AUDIO_SPACE_URL_PATTERNS, types: ['xmlhttprequest', 'other'] },
);

// ---------- X's own answers, seen by the content scripts on Space pages ----------

// Kept in storage.session (the worker may die between the page's call and
// the click on Download), else in memory; a few minutes per Space.
/** @type {import('./lib/answers.js').AnswerState} */
let answersMem = emptyAnswers();
let answersQueue = Promise.resolve();

async function loadAnswers() {
  if (!sessionStore) return answersMem;
  try {
    /** @type {any} */
    const got = await sessionStore.get('answers');
    return got?.answers ?? emptyAnswers();
  } catch {
    return answersMem;
  }
}

api.runtime.onMessage.addListener((/** @type {any} */ msg, /** @type {any} */ sender) => {
  if (msg?.type !== 'x-answer') return undefined;
  // Only our own content scripts, in an x.com tab.
  if (sender?.id !== api.runtime.id || !sender.tab || !isXPage(sender.url ?? sender.tab.url)) return undefined;
  const a = readAnswer(msg.kind, msg.url, msg.answer);
  if (!a) return undefined;
  answersQueue = answersQueue.then(async () => {
    answersMem = rememberAnswer(await loadAnswers(), a, Date.now());
    await sessionStore?.set({ answers: answersMem }).catch(() => {});
  }).catch(() => {});
  return undefined;
});

/** The page's answers about spaceId, for a request's `page` field. @param {string} spaceId */
async function pageAnswers(spaceId) {
  await answersQueue;
  return pageFor(await loadAnswers(), spaceId, Date.now());
}

/** The browser the session is from: the host's API calls present the same. */
function browserInfo() {
  const nav = /** @type {any} */ (globalThis).navigator;
  return { user_agent: nav?.userAgent, language: nav?.language };
}

/**
 * The tab's x.com session, or null when it has none: the host then asks X
 * as a guest.
 * @param {any} tab
 */
async function sessionOrGuest(tab) {
  try {
    return await sessionCookies(api.cookies, tab);
  } catch (e) {
    if (toWire(e).code === 'auth_required') return null;
    throw e;
  }
}

async function loadHints() {
  try {
    /** @type {any} */
    const { hints } = await api.storage.local.get('hints');
    if (hints?.query_id) return { query_id: hints.query_id, features: hints.features };
  } catch { /* none */ }
  return undefined;
}

// ---------- settings ----------

/** @returns {Promise<any>} */
async function localSettings() {
  const { settings } = await api.storage.local.get('settings');
  return settings ?? {};
}

/** Pushes settings saved while the host was unreachable. */
async function pushPendingSettings() {
  const { settingsPending } = await api.storage.local.get('settingsPending');
  if (!settingsPending) return;
  const s = await localSettings();
  await native.request('settings.set', s);
  await api.storage.local.set({ settingsPending: false });
}

/** @param {any} s */
function cleanSettings(s) {
  /** @type {any} */
  const out = {};
  for (const k of SETTINGS_KEYS) {
    if (s?.[k] === undefined || s[k] === null) continue;
    if (k === 'concurrency') {
      const n = Number(s[k]);
      if (Number.isInteger(n) && n >= 0 && n <= 64) out[k] = n;
    } else if (k === 'format') {
      if (s[k] === '' || FORMATS.includes(s[k])) out[k] = s[k];
    } else out[k] = String(s[k]);
  }
  return out;
}

// ---------- actions ----------

/** @param {number} tabId */
async function getTab(tabId) {
  try {
    return await api.tabs.get(tabId);
  } catch {
    throw new CodedError('not_a_space', 'no such tab');
  }
}

/**
 * What the popup shows for a tab: its Space and whether we can get it.
 * @param {number} tabId @param {boolean} [fresh]
 */
async function inspect(tabId, fresh) {
  const tab = await getTab(tabId);
  const spaceId = parseSpaceId(tab.url);
  if (!spaceId) return { status: 'no_space' };
  // Firefox lets the user withdraw host permissions; without them the
  // cookies look absent, which is not the same as logged out.
  const granted = await api.permissions?.contains({ origins: HOST_ORIGINS }).catch(() => true) ?? true;
  if (!granted) return { status: 'no_access', spaceId };
  const cookies = await sessionOrGuest(tab);
  const guest = !cookies;
  try {
    const info = await spaceInfoFor(cookies, spaceId, fresh);
    return { status: 'ready', spaceId, info, guest };
  } catch (e) {
    const error = toWire(e);
    // Logged out and X refuses guests: only a login helps.
    if (guest && (error.code === 'auth_required' || error.code === 'forbidden')) return { status: 'guest_refused', spaceId, error };
    return { status: 'error', spaceId, error, guest };
  }
}

/**
 * The SpaceInfo of spaceId in a session (null: a guest), cached a minute
 * in cache (the tab's own Space and the page lists keep apart, so that a
 * page listing many Spaces never decides what the Space card shows).
 * @param {any} cookies @param {string} spaceId @param {boolean} [fresh] @param {Map<string, {info: any, at: number}>} [cache]
 */
async function spaceInfoFor(cookies, spaceId, fresh, cache = infoCache) {
  const key = cookies ? spaceId : `${spaceId}:guest`;
  const cached = cache.get(key);
  if (!fresh && cached && Date.now() - cached.at < INFO_TTL_MS) return cached.info;
  const payload = spaceInfoPayload({ space: spaceId, cookies, hints: await loadHints(), page: await pageAnswers(spaceId), browser: browserInfo() });
  const info = await native.request('space.info', payload, { timeoutMs: 30000 });
  if (cache.size > 1000) {
    for (const [k, v] of cache) if (Date.now() - v.at >= INFO_TTL_MS) cache.delete(k);
  }
  cache.set(key, { info, at: Date.now() });
  return info;
}

/**
 * Starts a download of the Space at ref (a link or id), with the session of
 * the tab it was found in.
 * @param {any} tab @param {string | undefined} ref @param {string} [format]
 * @param {boolean} [video] keep the picture of a Space with video (an mp4)
 */
async function startDownload(tab, ref, format, video) {
  const spaceId = parseSpaceId(ref ?? tab?.url);
  if (!spaceId) throw new CodedError('not_a_space', 'not a Space link');
  const cookies = await sessionOrGuest(tab);
  const settings = await localSettings();
  const fmt = FORMATS.includes(/** @type {any} */ (format)) ? format : settings.format;
  const payload = downloadStartPayload({ space: spaceId, cookies, options: { format: fmt, write_info_json: true, ...(video ? { video: true } : {}) },
    hints: await loadHints(), page: await pageAnswers(spaceId), browser: browserInfo() });
  const res = await native.request('download.start', payload);
  const info = infoCache.get(cookies ? spaceId : `${spaceId}:guest`)?.info;
  setJobs(Jobs.addStarted(jobs, res.job, { space_id: spaceId, title: info?.title, space: info }));
  return { job: res.job };
}

/** @type {Record<string, (args: any) => Promise<any>>} */
const commands = {
  async inspect({ tabId, fresh }) {
    return inspect(tabId, fresh);
  },
  async download({ tabId, space, format, video }) {
    const tab = await getTab(tabId);
    return startDownload(tab, space, format, video === true);
  },
  async cancel({ job }) {
    return native.request('job.cancel', { job });
  },
  async reveal({ path }) {
    return native.request('file.reveal', { path });
  },
  async open({ path }) {
    return native.request('file.open', { path });
  },
  async dismiss({ job }) {
    setJobs(Jobs.dismiss(jobs, job));
    return {};
  },
  async retryHost() {
    native.keepAlive = true;
    native.ensure();
    return {};
  },
  async getSettings() {
    const local = await localSettings();
    try {
      const host = await native.request('settings.get', undefined, { timeoutMs: 10000 });
      return { settings: { ...local, ...cleanSettings(host) }, fromHost: true };
    } catch (e) {
      return { settings: local, fromHost: false, error: toWire(e) };
    }
  },
  async setSettings({ settings }) {
    const s = cleanSettings(settings);
    try {
      const saved = await native.request('settings.set', s, { timeoutMs: 10000 });
      await api.storage.local.set({ settings: s, settingsPending: false });
      const back = await native.request('settings.get', undefined, { timeoutMs: 10000 }).catch(() => saved);
      return { settings: { ...s, ...cleanSettings(back) }, fromHost: true };
    } catch (e) {
      const error = toWire(e);
      // The host answered and refused a value: nothing is kept, the form says why.
      if (error.code === 'bad_request') return { settings: s, fromHost: true, refused: true, error };
      await api.storage.local.set({ settings: s, settingsPending: true });
      return { settings: s, fromHost: false, error };
    }
  },
  async doctor() {
    return native.request('doctor', undefined, { timeoutMs: 30000 });
  },
  // The Library page's requests go to the host as they are.
  async library({ type, payload }) {
    if (!LIBRARY_TYPES.includes(type)) throw new CodedError('bad_request', `not a library request: ${type}`);
    return native.request(type, payload, { timeoutMs: 30000 });
  },
  async state() {
    return snapshot();
  },
};

// Watching hosts: the session for the host's watcher, "Recording @host"
// notifications, the watch commands.
const watching = setupWatch({
  api, native, isFirefox,
  onLive: (ev) => setJobs(Jobs.addStarted(jobs, ev.job, { space_id: ev.space?.id, title: ev.space?.title, space: ev.space })),
});
Object.assign(commands, watching.commands);

// Finding Spaces: the Spaces on the tab's page, and X's Space search.
const finding = setupFind({
  api, native, getTab, sessionOrGuest, browserInfo,
  describe: async (tab, spaceId) => spaceInfoFor(await sessionOrGuest(tab), spaceId, false, pageInfoCache),
});
Object.assign(commands, finding.commands);

api.runtime.onConnect.addListener((port) => {
  if (port.name !== 'ui') return;
  uiPorts.add(port);
  native.keepAlive = true;
  native.ensure();
  port.onDisconnect.addListener(() => uiPorts.delete(port));
  port.onMessage.addListener(async (/** @type {any} */ msg) => {
    await ready;
    const fn = commands[msg?.cmd];
    let reply;
    try {
      if (!fn) throw new CodedError('bad_request', `unknown command ${msg?.cmd}`);
      reply = { rid: msg.rid, ok: true, result: await fn(msg.args ?? {}) };
    } catch (e) {
      reply = { rid: msg.rid, ok: false, error: toWire(e) };
    }
    try { port.postMessage(reply); } catch { /* popup closed */ }
  });
  ready.then(() => {
    try { port.postMessage(snapshot()); } catch { /* closed */ }
  });
});

// ---------- context menu ----------

// Made afresh each time the background starts: removeAll first, so that a
// restart never meets its own ids.
const menusReady = (async () => {
  await api.contextMenus.removeAll();
  const done = () => void api.runtime.lastError;
  api.contextMenus.create({ id: MENU_LINK, title: t('menuDownload'), contexts: ['link'], targetUrlPatterns: SPACE_URL_PATTERNS }, done);
  api.contextMenus.create({ id: MENU_PAGE, title: t('menuDownload'), contexts: ['page'], documentUrlPatterns: SPACE_URL_PATTERNS }, done);
})().catch((e) => console.warn('spacekeep: context menu', e?.message));

api.contextMenus.onClicked.addListener(async (info, tab) => {
  if (info.menuItemId !== MENU_LINK && info.menuItemId !== MENU_PAGE) return;
  await ready;
  const ref = info.menuItemId === MENU_LINK ? info.linkUrl : (info.pageUrl ?? tab?.url);
  try {
    await startDownload(tab, ref);
    debug.lastMenuError = null;
  } catch (e) {
    const { code, message } = toWire(e);
    debug.lastMenuError = { code, message };
    notifyError(code, message);
  }
});

ready.then(() => updateBadge());

// While jobs run, talk to the host now and then: Firefox suspends an idle
// event page (which would close the port and stop the host), and a host
// that died silently is noticed.
const keepalive = setInterval(() => {
  if (native.state.connected && Jobs.list(jobs).some(Jobs.isActive)) {
    native.request('ping', undefined, { timeoutMs: 10000 }).catch(() => {});
  } else {
    watching.tick().catch(() => {});
  }
}, 20000);
/** @type {any} */ (keepalive).unref?.(); // under node (unit tests) only

// For tests and debugging in the worker's console; holds no secrets.
debug.native = native;
debug.getJobs = () => jobs;
debug.ready = ready;
debug.menusReady = menusReady;
debug.snapshot = snapshot;
/** @type {any} */ (globalThis).spacekeep = debug;
