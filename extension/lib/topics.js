// The options page's watched topics (beside the watched hosts of
// lib/watch.js): X's Space search words whose live Spaces the host's
// watcher records; watch.add / watch.remove with `search`, listed by
// watch.list's `topics`.
import { t } from './i18n.js';
import { describeError } from './errors.js';

/**
 * @param {{call: (cmd: string, args?: any) => Promise<any>}} ui
 * @param {Document} doc
 */
export async function mountTopicList(ui, doc) {
  const list = /** @type {HTMLUListElement} */ (doc.getElementById('topic-list'));
  const form = /** @type {HTMLFormElement} */ (doc.getElementById('topic-form'));
  const words = /** @type {HTMLInputElement} */ (doc.getElementById('topic-search'));
  const min = /** @type {HTMLInputElement} */ (doc.getElementById('topic-min'));
  const problem = /** @type {HTMLElement} */ (doc.getElementById('topic-problem'));

  /** @param {any[]} topics */
  function render(topics) {
    list.replaceChildren();
    for (const tp of topics) {
      const li = doc.createElement('li');
      const name = doc.createElement('span');
      name.className = 'watch-name';
      name.textContent = tp.min_listeners ? t('topicDescribeMin', [tp.search, String(tp.min_listeners)]) : t('topicDescribe', tp.search);
      const rm = doc.createElement('button');
      rm.type = 'button';
      rm.className = 'secondary small';
      rm.textContent = t('remove');
      rm.onclick = () => act('watchRemove', { search: tp.search });
      li.append(name, rm);
      list.append(li);
    }
    list.dataset.count = String(topics.length);
  }
  /** @param {string} cmd @param {any} [args] */
  async function act(cmd, args) {
    problem.hidden = true;
    try {
      const r = await ui.call(cmd, args);
      // An older host lists no topics: the list stays empty.
      render(r.topics ?? []);
    } catch (e) {
      problem.textContent = describeError(/** @type {any} */ (e).code ?? 'internal', /** @type {any} */ (e).message).message;
      problem.hidden = false;
    }
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const search = words.value.trim();
    if (!search) return;
    const n = Math.max(0, Math.floor(Number(min.value) || 0));
    await act('watchAdd', { search, ...(n ? { min_listeners: n } : {}) });
    if (problem.hidden) { words.value = ''; min.value = '0'; }
  });
  await act('watchList');
}
