// The toolbar popup. It holds no state of its own: the background owns the
// native port and the jobs, so closing and reopening loses nothing.
import { api } from './lib/api.js';
import { t, localize } from './lib/i18n.js';
import { UiClient } from './lib/uiclient.js';
import { describeError, INSTALL_COMMAND } from './lib/errors.js';
import { versionAdvice, ffmpegWarning } from './lib/install.js';
import { showWatchButton, showWatchBanner } from './lib/watch.js';
import { mountFind } from './popup-find.js';
import { formatBytes, formatSpeed, formatDuration, formatWhen, spaceStatus, spaceLength } from './lib/format.js';

localize(document);

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const ui = new UiClient();

/** @type {number | undefined} */
let tabId;
/** @type {any} */
let current = null; // the last inspect result
/** @type {any} */
let lastNative = null;
/** @type {any} */
let lastState = null; // the last state pushed, for the banner to follow the choice

// ---------- which tab ----------

async function findTabId() {
  // Tests (and a popup opened as a page) may name the tab: popup.html?tab=ID.
  const q = new URLSearchParams(location.search).get('tab');
  if (q && /^\d+$/.test(q)) return Number(q);
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

// ---------- the Space section ----------

/** @param {'loading'|'none'|'problem'|'card'} which */
function showPanel(which) {
  $('space-loading').hidden = which !== 'loading';
  $('no-space').hidden = which !== 'none';
  $('problem').hidden = which !== 'problem';
  $('space-card').hidden = which !== 'card';
  $('space').setAttribute('aria-busy', String(which === 'loading'));
  document.body.dataset.view = which;
}

/** @param {string} code @param {string} [message] */
function showProblem(code, message) {
  const view = describeError(code, message);
  $('problem-title').textContent = view.title;
  $('problem-message').textContent = view.message;
  $('problem-install').hidden = view.action !== 'install';
  $('problem-install-page').hidden = code !== 'host_missing';
  $('install-command').textContent = INSTALL_COMMAND;
  $('problem-login').hidden = view.action !== 'login';
  $('problem-grant').hidden = view.action !== 'grant';
  $('problem-retry').hidden = !(view.action === 'retry' || view.action === 'install' || view.action === 'login' || code === 'rate_limited');
  $('problem').dataset.code = code;
  showPanel('problem');
}

async function refresh(fresh = false) {
  if (tabId === undefined) {
    showPanel('none');
    return;
  }
  showPanel('loading');
  let res;
  try {
    res = await ui.call('inspect', { tabId, fresh });
  } catch (e) {
    showProblem(/** @type {any} */ (e).code ?? 'internal', /** @type {any} */ (e).message);
    return;
  }
  current = res;
  if (res.status === 'no_space') return showPanel('none');
  if (res.status === 'logged_out') return showProblem('auth_required');
  if (res.status === 'guest_refused') return showProblem('guest_refused');
  if (res.status === 'no_access') return showProblem('no_access');
  if (res.status === 'error') {
    // Without the details we can still offer a download when the host is
    // there but could not describe the Space (an older host, a slow API).
    const soft = ['unknown_type', 'timeout', 'network', 'api_changed', 'internal', 'rate_limited'];
    if (soft.includes(res.error.code)) {
      renderCard({ id: res.spaceId, title: '', state: '', replayable: true, url: '' }, res.error, res.guest);
      return;
    }
    return showProblem(res.error.code, res.error.message);
  }
  renderCard(res.info, undefined, res.guest);
}

/**
 * @param {any} info SpaceInfo
 * @param {{code: string, message: string}} [softError]
 * @param {boolean} [guest] not logged in: the host asks X as a guest
 */
function renderCard(info, softError, guest) {
  $('space-title').textContent = info.title || t('untitledSpace');
  $('host-name').textContent = info.host_name || '';
  $('host-handle').textContent = info.host_handle ? '@' + info.host_handle.replace(/^@/, '') : '';
  const avatar = /** @type {HTMLImageElement} */ ($('host-avatar'));
  if (info.avatar_url && /^https:\/\//.test(info.avatar_url)) {
    avatar.src = info.avatar_url;
    avatar.hidden = false;
    $('host-avatar-placeholder').hidden = true;
    avatar.onerror = () => { avatar.hidden = true; $('host-avatar-placeholder').hidden = false; };
  } else {
    avatar.hidden = true;
    $('host-avatar-placeholder').hidden = false;
  }
  $('host-avatar-placeholder').textContent = (info.host_name || info.host_handle || '?').replace(/^@/, '').slice(0, 1).toUpperCase();

  const state = spaceStatus(info);
  const pill = $('space-state');
  pill.textContent = state === 'unknown' ? '' : t(`state_${state}`);
  pill.className = `pill ${state}`;
  pill.hidden = state === 'unknown';

  const live = state === 'live';
  const scheduled = state === 'scheduled';
  // A scheduled Space has no length yet: its started_at is when it is due.
  const len = scheduled ? undefined : spaceLength(info);
  const when = scheduled ? formatWhen(info.started_at) : '';
  $('space-length').textContent = len ? formatDuration(len) : when ? t('scheduledFor', when) : '';
  $('space-length-item').hidden = !len && !when;

  const replay = $('space-replay');
  // While live or scheduled, "no replay" says nothing useful: recording is what matters.
  if (softError || live || scheduled) {
    replay.textContent = '';
    replay.className = 'replay';
  } else {
    replay.textContent = info.replayable ? t('replayAvailable') : t('replayNotAvailable');
    replay.className = `replay ${info.replayable ? 'yes' : 'no'}`;
  }

  // Can we download? A replay, a live Space (recorded from its start until
  // it ends) or a scheduled one (the host waits for it to start, then
  // records it); say why not otherwise.
  let blocked = '';
  if (!softError && !info.replayable && !live && !scheduled) {
    blocked = 'not_replayable';
  }
  const note = $('space-note');
  const label = $('download').querySelector('span');
  if (label) label.textContent = live ? t('recordLive') : scheduled ? t('recordWhenStarts') : t('download');
  if ((live || scheduled) && !softError) {
    note.textContent = live ? t('liveNote') : t('scheduledNote');
    note.hidden = false;
  } else if (blocked) {
    note.textContent = describeError(blocked).message;
    note.hidden = false;
  } else if (softError) {
    note.textContent = describeError(softError.code, softError.message).message;
    note.hidden = false;
  } else if (guest) {
    note.textContent = t('guestNote');
    note.hidden = false;
  } else {
    note.hidden = true;
  }
  const btn = /** @type {HTMLButtonElement} */ ($('download'));
  btn.disabled = Boolean(blocked);
  $('format-group').toggleAttribute('disabled', Boolean(blocked));
  $('format-group').hidden = Boolean(blocked);
  // A Space with video: a camera mark, and the choice to keep its picture.
  $('space-video').hidden = !info.video;
  $('video-option').hidden = !info.video || Boolean(blocked);
  if (lastState) renderNative(lastState); // the ffmpeg banner depends on the picture being offered
  $('download-error').hidden = true;
  showPanel('card');
  showWatchButton(ui, /** @type {HTMLButtonElement} */ ($('watch-host')), softError ? null : info);
}

// ---------- actions ----------

/** The format ticked in the popup. */
function chosenFormat() {
  return /** @type {HTMLInputElement | null} */ (document.querySelector('input[name=format]:checked'))?.value;
}

/** Whether the Space's picture is to be kept: offered and ticked. */
function keepVideo() {
  return !$('video-option').hidden && /** @type {HTMLInputElement} */ ($('keep-video')).checked;
}

// The missing-ffmpeg banner follows the choice (renderNative).
for (const input of document.querySelectorAll('input[name=format], #keep-video')) {
  input.addEventListener('change', () => { if (lastState) renderNative(lastState); });
}

$('download').addEventListener('click', async () => {
  const btn = /** @type {HTMLButtonElement} */ ($('download'));
  if (btn.disabled || tabId === undefined) return;
  const format = chosenFormat();
  const video = keepVideo();
  btn.disabled = true;
  btn.classList.add('busy');
  $('download-error').hidden = true;
  try {
    await ui.call('download', { tabId, space: current?.spaceId, format, video });
    api.storage.local.set({ lastFormat: format }).catch(() => {});
  } catch (e) {
    const code = /** @type {any} */ (e).code ?? 'internal';
    if (code === 'auth_required' || code === 'host_missing' || code === 'host_forbidden') {
      showProblem(code, /** @type {any} */ (e).message);
    } else {
      $('download-error').textContent = describeError(code, /** @type {any} */ (e).message).message;
      $('download-error').hidden = false;
    }
  } finally {
    btn.disabled = false;
    btn.classList.remove('busy');
  }
});

$('problem-retry').addEventListener('click', async () => {
  await ui.call('retryHost').catch(() => {});
  refresh(true);
});
$('problem-grant').addEventListener('click', async () => {
  // Must run in the click's user gesture.
  const manifest = api.runtime.getManifest();
  await api.permissions.request({ origins: manifest.host_permissions ?? [] }).catch(() => false);
  refresh(true);
});
$('problem-login').addEventListener('click', () => {
  api.tabs.create({ url: 'https://x.com/login' });
});
$('copy-install').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(INSTALL_COMMAND);
    $('copy-install').textContent = t('copied');
  } catch {
    const range = document.createRange();
    range.selectNodeContents($('install-command'));
    getSelection()?.removeAllRanges();
    getSelection()?.addRange(range);
  }
});
$('open-install').addEventListener('click', (ev) => {
  ev.preventDefault();
  api.tabs.create({ url: api.runtime.getURL('install.html') });
  window.close();
});
$('open-library').addEventListener('click', () => {
  api.tabs.create({ url: api.runtime.getURL('library.html') });
  window.close();
});
$('open-options').addEventListener('click', () => {
  api.runtime.openOptionsPage();
});

// ---------- jobs ----------

/**
 * @param {string} tag @param {string} [cls] @param {string} [text]
 */
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** @param {string} label @param {string} cls @param {() => void} onClick */
function button(label, cls, onClick) {
  const b = /** @type {HTMLButtonElement} */ (el('button', cls, label));
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

/** @param {any} j */
function stageText(j) {
  return t(`stage_${j.stage}`) || j.stage;
}

/** @param {any} j */
function jobMeta(j) {
  const parts = [];
  if (j.stage === 'done') {
    if (j.duration) parts.push(formatDuration(j.duration));
    if (j.size) parts.push(formatBytes(j.size));
    if (j.speakers) parts.push(j.speakers === 1 ? t('oneSpeaker') : t('speakersCount', String(j.speakers)));
    if (j.captions) parts.push(t('captionsKept'));
  } else if (j.stage === 'waiting') {
    const when = formatWhen(j.space?.started_at);
    if (when) parts.push(t('scheduledFor', when));
  } else if (j.stage === 'recording') {
    if (j.duration) parts.push(t('recordedSoFar', formatDuration(j.duration)));
    if (j.bytes) parts.push(formatBytes(j.bytes));
  } else if (j.stage === 'fetching' || j.stage === 'merging') {
    if (j.chunks_total) parts.push(t('chunksOf', [j.chunks_done ?? 0, j.chunks_total]));
    if (j.bytes) parts.push(formatBytes(j.bytes));
    if (j.speed) parts.push(formatSpeed(j.speed));
    if (j.eta_seconds) parts.push(t('etaLeft', formatDuration(j.eta_seconds)));
  }
  return parts.join(' · ');
}

/** @param {any} j */
function renderJob(j) {
  const li = el('li', `job ${j.stage}`);
  li.dataset.job = j.job;
  const head = el('div', 'job-head');
  const title = el('span', 'job-title', j.title || j.space?.title || j.space_id || t('untitledSpace'));
  title.title = title.textContent ?? '';
  head.append(title, el('span', `job-stage ${j.stage}`, stageText(j)));
  li.append(head);

  const active = !['done', 'failed'].includes(j.stage);
  if (active) {
    const bar = el('div', 'bar');
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    bar.setAttribute('aria-valuenow', String(j.percent ?? 0));
    bar.setAttribute('aria-label', t('progressOf', title.textContent ?? ''));
    if (!j.chunks_total || j.stage === 'recording') bar.classList.add('indeterminate');
    const fill = el('div', 'fill');
    fill.style.width = `${j.percent ?? 0}%`;
    bar.append(fill);
    li.append(bar);
  }
  const meta = jobMeta(j);
  if (meta) li.append(el('div', 'job-meta', meta));
  if (j.stage === 'failed') {
    li.append(el('p', 'job-error', describeError(j.code ?? 'internal', j.message).message));
  }
  // Done, but not all of it: audio a live recording lost, a sidecar not written.
  if (j.stage === 'done') for (const w of j.warnings ?? []) li.append(el('p', 'job-error job-warning', w));
  if (j.stage === 'done' && j.path) {
    // The file's name; the whole path in the tooltip and data-path.
    const p = el('div', 'job-path small muted', j.path.split(/[\\/]/).pop());
    p.title = j.path;
    p.dataset.path = j.path;
    li.append(p);
  }

  const actions = el('div', 'job-actions');
  if (active) {
    // Cancelling a live recording stops it and keeps what was recorded.
    const label = j.stage === 'recording' ? t('stopRecording') : t('cancel');
    actions.append(button(label, 'secondary small job-cancel', () => ui.call('cancel', { job: j.job }).catch(() => {})));
  }
  if (j.stage === 'done' && j.path) {
    actions.append(
      button(t('showInFolder'), 'secondary small job-reveal', () => ui.call('reveal', { path: j.path }).catch(() => {})),
      button(t('openFile'), 'secondary small job-open', () => ui.call('open', { path: j.path }).catch(() => {})),
    );
    // The transcript, when X captioned the Space: the .txt among its files.
    const txt = (j.files ?? []).find((/** @type {string} */ f) => f.endsWith('.txt'));
    if (txt) actions.append(button(t('openTranscript'), 'secondary small job-transcript', () => ui.call('open', { path: txt }).catch(() => {})));
  }
  if (!active) {
    const d = button('×', 'icon-btn small job-dismiss', () => ui.call('dismiss', { job: j.job }).catch(() => {}));
    d.setAttribute('aria-label', t('dismiss'));
    d.title = t('dismiss');
    head.append(d);
  }
  li.append(actions);
  return li;
}

/** Re-renders the list, keeping focus on the same button if possible. @param {any[]} jobs */
function renderJobs(jobs) {
  const list = $('jobs');
  const focused = document.activeElement;
  const focusJob = focused?.closest?.('.job')?.getAttribute('data-job');
  const focusCls = focused?.className;
  // Running jobs first, then finished ones, newest first within each.
  const running = jobs.filter((j) => !['done', 'failed'].includes(j.stage));
  const finished = jobs.filter((j) => ['done', 'failed'].includes(j.stage));
  list.replaceChildren(...[...running, ...finished].map(renderJob));
  $('jobs-empty').hidden = jobs.length > 0;
  if (focusJob && focusCls) {
    const again = list.querySelector(`.job[data-job="${CSS.escape(focusJob)}"] button[class="${focusCls}"]`);
    /** @type {HTMLElement | null} */ (again)?.focus();
  }
}

/** @param {any} s */
function renderNative(s) {
  lastState = s;
  const st = $('host-status');
  const n = s.native;
  if (n.connected) {
    st.textContent = '';
    st.className = 'status ok';
    st.title = t('hostConnected', n.hello?.version ?? '');
  } else if (n.error) {
    st.className = 'status bad';
    st.title = describeError(n.error.code).title;
  } else {
    st.className = 'status';
    st.title = t('hostConnecting');
  }
  st.setAttribute('aria-label', st.title);
  const banner = $('host-banner');
  const code = n.error?.code;
  const problemShown = !$('problem').hidden;
  if (!n.connected && (code === 'host_missing' || code === 'host_forbidden') && !problemShown) {
    const view = describeError(code);
    banner.replaceChildren(el('span', '', view.message + ' '), el('code', '', view.command ?? INSTALL_COMMAND));
    if (code === 'host_missing') {
      const a = el('a', 'install-link', t('installOpen'));
      a.setAttribute('href', 'install.html');
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        api.tabs.create({ url: api.runtime.getURL('install.html') });
      });
      banner.append(' ', a);
    }
    banner.hidden = false;
  } else if (n.connected && versionAdvice(n.hello, api.runtime.getManifest().version)) {
    const a = /** @type {any} */ (versionAdvice(n.hello, api.runtime.getManifest().version));
    banner.textContent = t(a.update === 'host' ? 'versionUpdateHost' : 'versionUpdateExtension', [a.host, a.extension]);
    banner.hidden = false;
  } else if (n.connected && ffmpegWarning(n.hello, chosenFormat(), keepVideo())) {
    banner.textContent = describeError('ffmpeg_missing').message;
    banner.hidden = false;
  } else {
    banner.hidden = true;
  }
  // A host that appears or goes away changes what the Space panel can say.
  if (lastNative && !lastNative.connected && n.connected && current?.status === 'error') refresh(true);
  lastNative = n;
}

ui.onState((s) => {
  renderNative(s);
  renderJobs(s.jobs ?? []);
});

// ---------- start ----------

(async () => {
  /** @type {any} */
  const { lastFormat, settings } = await api.storage.local.get(['lastFormat', 'settings']);
  const fmt = lastFormat || settings?.format;
  if (fmt) {
    const r = /** @type {HTMLInputElement | null} */ (document.querySelector(`input[name=format][value="${fmt}"]`));
    if (r) r.checked = true;
  }
  tabId = await findTabId();
  mountFind(ui, tabId).catch(() => {});
  await refresh();
  document.body.dataset.ready = 'true';
})();
showWatchBanner(ui, $('watch-banner')).catch(() => {});
