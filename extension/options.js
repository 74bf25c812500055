// Options: saved in storage.local and sent to the host (settings.set), then
// read back from it (settings.get), so the CLI and the extension agree.
import { t, localize } from './lib/i18n.js';
import { UiClient } from './lib/uiclient.js';
import { describeError } from './lib/errors.js';
import { mountWatchList } from './lib/watch.js';
import { mountTopicList } from './lib/topics.js';

localize(document);
const ui = new UiClient();
const form = /** @type {HTMLFormElement} */ (document.getElementById('settings'));
const status = /** @type {HTMLElement} */ (document.getElementById('status'));
const FIELDS = ['output_dir', 'format', 'name_template', 'concurrency'];

/** @param {any} s */
function fill(s) {
  for (const k of FIELDS) {
    const input = /** @type {HTMLInputElement} */ (form.elements.namedItem(k));
    if (s?.[k] !== undefined && s[k] !== null) input.value = String(s[k]);
  }
  const nt = /** @type {HTMLInputElement} */ (form.elements.namedItem('name_template'));
  if (!nt.placeholder) nt.placeholder = '{date} @{handle} - {title} [{id}]';
}

/** @param {any} res @param {string} savedWord */
function report(res, savedWord) {
  if (res.refused) {
    status.textContent = t('optRefused', res.error?.message ?? res.error?.code ?? '');
    status.className = 'small warn';
  } else if (res.fromHost) {
    status.textContent = savedWord;
    status.className = 'small ok';
  } else {
    status.textContent = t('optSavedLocally', describeError(res.error?.code ?? 'host_exited').title);
    status.className = 'small warn';
  }
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  /** @type {any} */
  const s = {};
  for (const k of FIELDS) {
    const v = /** @type {HTMLInputElement} */ (form.elements.namedItem(k)).value.trim();
    s[k] = k === 'concurrency' ? (v === '' ? 0 : Number(v)) : v;
  }
  if (!Number.isInteger(s.concurrency) || s.concurrency < 0 || s.concurrency > 64) {
    status.textContent = t('optBadConcurrency');
    status.className = 'small warn';
    return;
  }
  status.textContent = t('saving');
  status.className = 'small';
  const res = await ui.call('setSettings', { settings: s });
  if (!res.refused) fill(res.settings); // a refused value stays in the form, to be corrected
  report(res, t('saved'));
});

(async () => {
  const res = await ui.call('getSettings');
  fill(res.settings);
  if (!res.fromHost) report(res, '');
  document.body.dataset.ready = 'true';
})();
mountWatchList(ui, document).catch(() => {});
mountTopicList(ui, document).catch(() => {});
