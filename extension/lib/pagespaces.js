// Finding Spaces from the popup: the Spaces an x.com page shows (X's
// timeline answers the content scripts saw, and the page's Space links,
// read by the host: page.spaces) with their states from space.info, and X's
// own Space search (spaces.search). The background keeps, per tab, the last
// few timeline answers that mention a Space, in memory only.
import { isXPage } from './answers.js';
import { toWire } from './errors.js';

export const MAX_TAB_ANSWERS = 10;
export const TAB_ANSWER_TTL_MS = 15 * 60_000;
export const MAX_ANSWER_CHARS = 1 << 20;
/** How many space.info requests the page list makes at once. */
export const INFO_PARALLEL = 4;

/** @typedef {Map<number, {answers: {answer: any, at: number}[], url: string}>} TabAnswers */

/**
 * Keeps a timeline answer of a tab: the newest MAX_TAB_ANSWERS, younger
 * than TAB_ANSWER_TTL_MS, for the page the tab shows now.
 * @param {TabAnswers} tabs @param {number} tabId @param {string} pageUrl @param {any} answer @param {number} now
 */
export function rememberTimeline(tabs, tabId, pageUrl, answer, now) {
  if (!answer || typeof answer !== 'object' || Array.isArray(answer)) return;
  let size;
  try { size = JSON.stringify(answer).length; } catch { return; }
  if (size > MAX_ANSWER_CHARS) return;
  const t = tabs.get(tabId) ?? { answers: [], url: pageUrl };
  t.url = pageUrl;
  t.answers = [...t.answers.filter((a) => now - a.at < TAB_ANSWER_TTL_MS), { answer, at: now }].slice(-MAX_TAB_ANSWERS);
  tabs.set(tabId, t);
}

/**
 * The tab's answers still fresh. @param {TabAnswers} tabs @param {number} tabId @param {number} now
 * @returns {any[]}
 */
export function tabAnswers(tabs, tabId, now) {
  return (tabs.get(tabId)?.answers ?? []).filter((a) => now - a.at < TAB_ANSWER_TTL_MS).map((a) => a.answer);
}

/**
 * Runs fn over items, at most limit at once, keeping the order.
 * @template T, R @param {T[]} items @param {number} limit @param {(t: T) => Promise<R>} fn
 * @returns {Promise<R[]>}
 */
export async function mapLimit(items, limit, fn) {
  /** @type {R[]} */
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * The background's part: it listens for timeline answers and adds the
 * pageSpaces and searchSpaces commands.
 * @param {{api: any, native: any, getTab: (id: number) => Promise<any>,
 *   sessionOrGuest: (tab: any) => Promise<any>, browserInfo: () => any,
 *   describe: (tab: any, spaceId: string) => Promise<any>}} deps
 */
export function setupFind({ api, native, getTab, sessionOrGuest, browserInfo, describe }) {
  /** @type {TabAnswers} */
  const tabs = new Map();
  api.runtime.onMessage.addListener((/** @type {any} */ msg, /** @type {any} */ sender) => {
    if (msg?.type !== 'x-answer' || msg.kind !== 'timeline') return undefined;
    if (sender?.id !== api.runtime.id || !sender.tab?.id || !isXPage(sender.url ?? sender.tab.url)) return undefined;
    rememberTimeline(tabs, sender.tab.id, String(sender.url ?? sender.tab.url), msg.answer, Date.now());
    return undefined;
  });
  api.tabs?.onRemoved?.addListener((/** @type {number} */ id) => tabs.delete(id));

  return {
    commands: {
      /** The Spaces the tab's page shows, each with its SpaceInfo or error. @param {{tabId: number}} a */
      async pageSpaces({ tabId }) {
        const tab = await getTab(tabId);
        if (!isXPage(tab.url)) return { xpage: false, items: [] };
        /** @type {string[]} */
        let links = [];
        try {
          const r = await api.tabs.sendMessage(tabId, { type: 'spacekeep:links' });
          if (Array.isArray(r?.links)) links = r.links.filter((/** @type {any} */ l) => typeof l === 'string').slice(0, 1000);
        } catch { /* no content script in the tab (opened before the extension): answers only */ }
        const answers = tabAnswers(tabs, tabId, Date.now());
        if (!links.length && !answers.length) return { xpage: true, items: [] };
        const { ids } = await native.request('page.spaces', { answers, links }, { timeoutMs: 30000 });
        const items = await mapLimit(ids ?? [], INFO_PARALLEL, async (/** @type {string} */ id) => {
          try {
            return { id, info: await describe(tab, id) };
          } catch (e) {
            return { id, error: toWire(e) };
          }
        });
        return { xpage: true, items };
      },
      /** X's Space search in the tab's session. @param {{tabId: number, query: string, filter?: string}} a */
      async searchSpaces({ tabId, query, filter }) {
        const tab = await getTab(tabId);
        const cookies = await sessionOrGuest(tab);
        const payload = { query: String(query ?? '').trim().slice(0, 200), ...(filter ? { filter } : {}), browser: browserInfo(),
          ...(cookies ? { cookies } : {}) };
        return native.request('spaces.search', payload, { timeoutMs: 60000 });
      },
    },
  };
}
