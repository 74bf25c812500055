// Watching hosts: the host keeps a watch list and records each of their
// Spaces from its first second (protocol/PROTOCOL.md, "Watching hosts").
// This module is the extension's side: the session handed to the host's
// watcher (watch.session, after every hello and when the x.com cookies
// change), the "Recording @host" notification with its Stop button, the
// background's watch commands, the popup's "Watch @host" button and the
// options page's list.
import { sessionCookies } from './cookies.js';
import { t } from './i18n.js';
import { errorMessage } from './errors.js';

export const LIVE_PREFIX = 'live:';
const SESSION_COOKIES = new Set(['auth_token', 'ct0']);

/**
 * The watch.add payload for a Space's host, or null when its handle is unknown.
 * @param {any} info SpaceInfo
 * @returns {{handle: string, id?: string} | null}
 */
export function watchRefFromInfo(info) {
  const handle = typeof info?.host_handle === 'string' ? info.host_handle.replace(/^@/, '') : '';
  if (!/^[A-Za-z0-9_]{1,15}$/.test(handle)) return null;
  /** @type {{handle: string, id?: string}} */
  const ref = { handle };
  if (typeof info.host_id === 'string' && /^[0-9]{1,20}$/.test(info.host_id)) ref.id = info.host_id;
  return ref;
}

/**
 * Whether a cookies.onChanged change is one of x.com's session cookies.
 * @param {any} change
 */
export function isSessionCookieChange(change) {
  const c = change?.cookie;
  if (!c || !SESSION_COOKIES.has(c.name)) return false;
  const domain = String(c.domain ?? '').replace(/^\./, '').toLowerCase();
  return domain === 'x.com' || domain.endsWith('.x.com');
}

/**
 * The notification for a watch.live event.
 * @param {any} ev @param {boolean} withButtons
 * @returns {{id: string, options: any}}
 */
export function liveNotification(ev, withButtons) {
  const handle = ev?.space?.host_handle ? '@' + ev.space.host_handle : t('watchSomeHost');
  /** @type {any} */
  const options = {
    type: 'basic',
    title: t('notifyLiveTitle', handle),
    message: ev?.space?.title || t('untitledSpace'),
  };
  if (withButtons) options.buttons = [{ title: t('stopRecording') }];
  return { id: LIVE_PREFIX + ev.job, options };
}

/**
 * The background's side: sends the session to a watching host and answers
 * the UI's watch commands.
 * @param {{api: any, native: any, isFirefox: () => boolean, onLive: (ev: any) => void}} deps
 */
export function setupWatch({ api, native, isFirefox, onLive }) {
  let timer = /** @type {any} */ (null);
  /** The watcher's last status, for the popup (which must not ask the host on every opening). @type {any} */
  let lastStatus = null;
  async function refreshStatus() {
    lastStatus = await native.request('watch.status', undefined, { timeoutMs: 10000 });
    return lastStatus;
  }

  async function sendSession() {
    if (!native.state.hello?.capabilities?.includes('watch')) return;
    let cookies;
    try {
      cookies = await sessionCookies(api.cookies, undefined, 'https://x.com/');
    } catch {
      return; // logged out: the watcher says it has no session
    }
    await native.request('watch.session', cookies, { timeoutMs: 10000 });
  }
  native.onHello(() => {
    lastStatus = null;
    if (!native.state.hello?.capabilities?.includes('watch')) return;
    sendSession().catch((e) => console.warn('spacekeep: watch.session', e?.code))
      .finally(() => refreshStatus().catch(() => {}));
    native.request('watch.list', undefined, { timeoutMs: 10000 })
      .then((/** @type {any} */ r) => api.storage.local.set({ watching: (r?.hosts?.length ?? 0) > 0 }))
      .catch(() => {});
  });
  api.cookies?.onChanged?.addListener((/** @type {any} */ change) => {
    if (!isSessionCookieChange(change) || change.removed) return;
    clearTimeout(timer);
    timer = setTimeout(() => sendSession().catch(() => {}), 1000);
  });
  native.onEvent((/** @type {any} */ ev) => {
    if (ev?.type !== 'watch.live') return;
    onLive(ev);
    const n = liveNotification(ev, !isFirefox());
    n.options.iconUrl = api.runtime.getURL('icons/icon-128.png');
    api.notifications.create(n.id, n.options).catch((/** @type {any} */ e) => console.warn('spacekeep: notification', e?.message));
  });
  // The Stop button of "Recording @host": the recording ends and is kept.
  api.notifications.onButtonClicked?.addListener((/** @type {string} */ id) => {
    if (!id.startsWith(LIVE_PREFIX)) return;
    native.request('job.cancel', { job: id.slice(LIVE_PREFIX.length) }).catch(() => {});
    api.notifications.clear(id).catch(() => {});
  });
  // A watcher in the browser's host runs only while the port is open: keep
  // it open while something is watched.
  api.storage.local.get('watching').then((/** @type {any} */ s) => {
    if (s?.watching) native.ensure();
  }).catch(() => {});

  /** @param {any} r */
  const remember = (r) => {
    api.storage.local.set({ watching: (r?.hosts?.length ?? 0) + (r?.topics?.length ?? 0) > 0 }).catch(() => {});
    refreshStatus().catch(() => {});
    return r;
  };
  return {
    /** The keepalive's tick: while something is watched, ask the watcher
     * how it is (which also keeps the port, and so the watcher, alive). */
    async tick() {
      const s = await api.storage.local.get('watching').catch(() => ({}));
      if (/** @type {any} */ (s)?.watching) await refreshStatus();
    },
    commands: {
      async watchList() { return remember(await native.request('watch.list', undefined, { timeoutMs: 10000 })); },
      async watchStatus() { return refreshStatus(); },
      async watchStatusCached() { return lastStatus; },
      /** @param {{handle?: string, id?: string}} ref */
      async watchAdd(ref) {
        await sendSession().catch(() => {}); // so that a handle is resolved at once
        return remember(await native.request('watch.add', ref, { timeoutMs: 30000 }));
      },
      /** @param {{handle?: string, id?: string}} ref */
      async watchRemove(ref) { return remember(await native.request('watch.remove', ref, { timeoutMs: 10000 })); },
    },
  };
}

/**
 * The popup's "Watch @host" button on a Space card.
 * @param {{call: (cmd: string, args?: any) => Promise<any>}} ui
 * @param {HTMLButtonElement} button
 * @param {any} info SpaceInfo of the card, or null
 */
export async function showWatchButton(ui, button, info) {
  const ref = watchRefFromInfo(info);
  button.hidden = true;
  if (!ref) return;
  let hosts = [];
  try {
    hosts = (await ui.call('watchList')).hosts ?? [];
  } catch {
    return; // a host that does not watch: no button
  }
  const watched = hosts.some((/** @type {any} */ h) => (ref.id && h.id === ref.id) || h.handle?.toLowerCase() === ref.handle.toLowerCase());
  button.textContent = t(watched ? 'watchingHost' : 'watchHost', '@' + ref.handle);
  button.disabled = watched;
  button.dataset.watched = String(watched);
  button.hidden = false;
  button.onclick = async () => {
    button.disabled = true;
    try {
      await ui.call('watchAdd', ref);
      button.textContent = t('watchingHost', '@' + ref.handle);
      button.dataset.watched = 'true';
    } catch (e) {
      button.disabled = false;
      button.title = errorMessage(/** @type {any} */ (e).code ?? 'internal', /** @type {any} */ (e).message);
    }
  };
}

/**
 * A sentence for a WatchStatus.
 * @param {any} st
 */
export function describeWatchStatus(st) {
  if (!st) return '';
  if (st.message) return st.message;
  switch (st.state) {
    case 'watching': return t('watchStateWatching', String(st.hosts ?? 0));
    case 'idle': return t('watchStateIdle');
    case 'no_session': return t('watchStateNoSession');
    default: return st.state ?? '';
  }
}

/**
 * The options page's watch list: the hosts with a Remove button each, a
 * field to add a handle, and the watcher's status.
 * @param {{call: (cmd: string, args?: any) => Promise<any>}} ui
 * @param {Document} doc
 */
export async function mountWatchList(ui, doc) {
  const list = /** @type {HTMLUListElement} */ (doc.getElementById('watch-list'));
  const form = /** @type {HTMLFormElement} */ (doc.getElementById('watch-form'));
  const input = /** @type {HTMLInputElement} */ (doc.getElementById('watch-handle'));
  const status = /** @type {HTMLElement} */ (doc.getElementById('watch-status'));
  const problem = /** @type {HTMLElement} */ (doc.getElementById('watch-problem'));

  /** @param {any[]} hosts */
  function render(hosts) {
    list.replaceChildren();
    for (const h of hosts) {
      const li = doc.createElement('li');
      const name = doc.createElement('span');
      name.textContent = h.handle ? '@' + h.handle : h.id;
      name.className = 'watch-name';
      const rm = doc.createElement('button');
      rm.type = 'button';
      rm.className = 'secondary small';
      rm.textContent = t('remove');
      rm.onclick = () => act('watchRemove', h.id ? { id: h.id } : { handle: h.handle });
      li.append(name, rm);
      list.append(li);
    }
    list.dataset.count = String(hosts.length);
  }
  async function refreshStatus() {
    try {
      const st = await ui.call('watchStatus');
      status.textContent = describeWatchStatus(st);
      status.dataset.state = st.state;
    } catch { /* shown by the list's problem */ }
  }
  /** @param {string} cmd @param {any} [args] */
  async function act(cmd, args) {
    problem.hidden = true;
    try {
      render((await ui.call(cmd, args)).hosts ?? []);
    } catch (e) {
      problem.textContent = errorMessage(/** @type {any} */ (e).code ?? 'internal', /** @type {any} */ (e).message);
      problem.hidden = false;
    }
    await refreshStatus();
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const handle = input.value.trim().replace(/^@/, '');
    if (!handle) return;
    await act('watchAdd', { handle });
    if (problem.hidden) input.value = '';
  });
  await act('watchList');
}

/**
 * The popup's line about the watcher when it cannot watch (no session, a
 * rate limit, an error); hidden otherwise and when the host does not watch.
 * @param {{call: (cmd: string, args?: any) => Promise<any>}} ui
 * @param {HTMLElement} el
 */
export async function showWatchBanner(ui, el) {
  el.hidden = true;
  let st;
  try {
    st = await ui.call('watchStatusCached');
  } catch {
    return;
  }
  if (!st?.hosts || !['no_session', 'rate_limited', 'error'].includes(st.state)) return;
  el.textContent = describeWatchStatus(st);
  el.dataset.state = st.state;
  el.hidden = false;
}
