// The popup's part for finding Spaces (lib/pagespaces.js in the
// background): the Spaces the tab's x.com page shows, with Keep, Record when
// it starts, Watch @host and Keep all, and X's own Space search. Kept apart
// from popup.js, which shows the tab's own Space and the downloads.
import { t } from './lib/i18n.js';
import { describeError } from './lib/errors.js';
import { watchRefFromInfo } from './lib/watch.js';
import { formatWhen, spaceStatus } from './lib/format.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @typedef {{call: (cmd: string, args?: any) => Promise<any>}} Ui */

/** @param {string} tag @param {string} [cls] @param {string} [text] */
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * A search result (FoundSpace) in the shape of a SpaceInfo.
 * @param {any} f
 */
export function infoFromFound(f) {
  const ms = (/** @type {string | undefined} */ s) => (s ? Date.parse(s) || undefined : undefined);
  return {
    id: f.id, title: f.title, url: f.url, status: f.state, state: f.x_state ?? '', replayable: !!f.replayable,
    host_handle: f.host, host_name: f.host_name, host_id: f.host_id, live_listeners: f.live_listeners,
    started_at: ms(f.started_at) ?? ms(f.scheduled_at), ended_at: ms(f.ended_at),
  };
}

/**
 * What a row offers: keep (a replay or a live Space), record (a scheduled
 * one: the host waits for it), or nothing.
 * @param {any} info
 * @returns {'keep' | 'record' | ''}
 */
export function rowAction(info) {
  const s = spaceStatus(info);
  if (s === 'scheduled') return 'record';
  if (s === 'live' || (s === 'ended' && info.replayable)) return 'keep';
  return '';
}

/**
 * One Space as a row.
 * @param {Ui} ui @param {number} tabId @param {string} id @param {any} info SpaceInfo, or null when it could not be had
 * @param {any} [error] @param {{handle: string}[]} [watched]
 */
function renderRow(ui, tabId, id, info, error, watched = []) {
  const li = el('li');
  li.dataset.id = id;
  const status = info ? spaceStatus(info) : 'unknown';
  li.dataset.status = status;
  li.append(el('div', 'row-title', info?.title || id));
  const meta = el('div', 'row-meta');
  if (status !== 'unknown') meta.append(el('span', `pill ${status}`, t(`state_${status}`)));
  if (info?.host_handle) meta.append(el('span', 'handle', '@' + String(info.host_handle).replace(/^@/, '')));
  if (status === 'live' && info.live_listeners) meta.append(el('span', '', t('listenersNow', String(info.live_listeners))));
  if (status === 'scheduled' && info.started_at) meta.append(el('span', '', t('scheduledFor', formatWhen(info.started_at))));
  if (error) meta.append(el('span', 'error', describeError(error.code ?? 'internal', error.message).message));
  li.append(meta);
  const actions = el('div', 'row-actions');
  const what = info ? rowAction(info) : 'keep';
  if (what) {
    const b = /** @type {HTMLButtonElement} */ (el('button', 'primary small act-keep', t(what === 'record' ? 'recordWhenStarts' : 'keepSpace')));
    b.type = 'button';
    b.onclick = async () => {
      b.disabled = true;
      try {
        await ui.call('download', { tabId, space: id });
        b.textContent = t('keepingSpace');
        li.dataset.kept = 'true';
      } catch (e) {
        b.disabled = false;
        b.title = describeError(/** @type {any} */ (e).code ?? 'internal', /** @type {any} */ (e).message).message;
      }
    };
    actions.append(b);
  }
  const ref = watchRefFromInfo(info);
  if (ref) {
    const on = watched.some((h) => h.handle?.toLowerCase() === ref.handle.toLowerCase());
    const w = /** @type {HTMLButtonElement} */ (el('button', 'secondary small act-watch', t(on ? 'watchingHost' : 'watchHost', '@' + ref.handle)));
    w.type = 'button';
    w.disabled = on;
    w.onclick = async () => {
      w.disabled = true;
      try {
        await ui.call('watchAdd', ref);
        w.textContent = t('watchingHost', '@' + ref.handle);
      } catch (e) {
        w.disabled = false;
        w.title = describeError(/** @type {any} */ (e).code ?? 'internal', /** @type {any} */ (e).message).message;
      }
    };
    actions.append(w);
  }
  li.append(actions);
  return li;
}

/** The watched hosts, or none when the host does not watch. @param {Ui} ui */
async function watchedHosts(ui) {
  try {
    return (await ui.call('watchList')).hosts ?? [];
  } catch {
    return [];
  }
}

/**
 * Shows the Spaces on the tab's page and the search box (x.com pages only).
 * @param {Ui} ui @param {number | undefined} tabId
 */
export async function mountFind(ui, tabId) {
  const section = $('find');
  if (tabId === undefined) return;
  let page;
  try {
    page = await ui.call('pageSpaces', { tabId });
  } catch (e) {
    page = { xpage: true, items: [], error: e };
  }
  if (!page.xpage) return;
  section.hidden = false;
  const watched = await watchedHosts(ui);
  const list = $('page-spaces');
  list.replaceChildren(...page.items.map((/** @type {any} */ it) => renderRow(ui, tabId, it.id, it.info ?? null, it.error, watched)));
  $('page-spaces-empty').hidden = page.items.length > 0;
  const keepAll = /** @type {HTMLButtonElement} */ ($('keep-all'));
  const endedRows = () => [...list.querySelectorAll('li[data-status="ended"]:not([data-kept])')]
    .map((li) => /** @type {HTMLButtonElement | null} */ (li.querySelector('button.act-keep')))
    .filter((b) => b && !b.disabled);
  keepAll.hidden = endedRows().length === 0;
  keepAll.onclick = () => {
    for (const b of endedRows()) b?.click();
    keepAll.disabled = true;
  };
  section.dataset.ready = 'true';

  const form = /** @type {HTMLFormElement} */ ($('find-form'));
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const q = /** @type {HTMLInputElement} */ ($('find-q')).value.trim();
    if (!q) return;
    const filter = /** @type {HTMLSelectElement} */ ($('find-filter')).value;
    const err = $('find-error');
    err.hidden = true;
    $('find-none').hidden = true;
    section.dataset.searching = 'true';
    try {
      const res = await ui.call('searchSpaces', { tabId, query: q, filter });
      const items = res.items ?? [];
      $('found').replaceChildren(...items.map((/** @type {any} */ f) => renderRow(ui, tabId, f.id, infoFromFound(f), undefined, watched)));
      $('find-none').hidden = items.length > 0;
    } catch (e) {
      // Never "no Spaces" when X did not answer: say why, the page list stays.
      $('found').replaceChildren();
      const view = describeError(/** @type {any} */ (e).code ?? 'internal', /** @type {any} */ (e).message);
      err.textContent = view.message;
      err.dataset.code = view.code;
      err.hidden = false;
    } finally {
      section.dataset.searching = 'false';
    }
  };
}
