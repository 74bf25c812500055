// The Library page: every kept Space, newest first, with search, a host
// filter, per-host statistics and each Space's transcript. It reads the
// library through the host (library.* requests, relayed by the background)
// a page at a time, so it stays quick with thousands of Spaces. Its player
// streams the audio from the host's library server on 127.0.0.1
// (library.serve), with the speaker turns and the transcript beside it.
import { t, localize } from './lib/i18n.js';
import { UiClient } from './lib/uiclient.js';
import { errorMessage } from './lib/errors.js';
import { formatDuration } from './lib/format.js';
import { api } from './lib/api.js';
import { indexAt, speakerLabel, speakerHue, audioURL, clampTime, remember, toContinue, POSITIONS_KEY } from './lib/player.js';
import { curveShape } from './lib/curve.js';

localize(document);

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const ui = new UiClient();
const PAGE = 50;

/** @type {{q: string, host: string, offset: number, total: number, seq: number}} */
const view = { q: '', host: '', offset: 0, total: 0, seq: 0 };

/** A library request through the background. @param {string} type @param {any} [payload] */
const call = (type, payload) => ui.call('library', { type, payload });

/** What went wrong, in words: the host's own message for the library's errors. @param {any} e */
function errorText(e) {
  const code = e?.code ?? 'internal';
  if (e?.message && ['disk', 'bad_request', 'internal', 'unknown_type'].includes(code)) return e.message;
  return errorMessage(code, e?.message);
}

/** @param {any} e */
function showError(e) {
  const p = $('error');
  p.textContent = e ? errorText(e) : '';
  p.hidden = !e;
}

/** h:mm:ss or m:ss. @param {number} s */
function clock(s) {
  const n = Math.max(0, Math.floor(s));
  const h = Math.floor(n / 3600), m = Math.floor((n % 3600) / 60), sec = n % 60;
  const pad = (/** @type {number} */ v) => String(v).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

/** @param {string} tag @param {string} [cls] @param {string} [text] */
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// ---------- the list ----------

/** Loads the first page (reset) or the next one. @param {boolean} reset */
async function loadPage(reset) {
  const seq = reset ? ++view.seq : view.seq;
  if (reset) view.offset = 0;
  document.body.dataset.loading = 'true';
  try {
    const payload = { offset: view.offset, limit: PAGE, ...(view.host ? { host: view.host } : {}) };
    const page = view.q.trim()
      ? await call('library.search', { ...payload, query: view.q })
      : await call('library.list', payload);
    if (seq !== view.seq) return; // a newer search has started
    showError(null);
    if (reset) $('list').replaceChildren();
    for (const it of page.items) $('list').append(renderItem(it));
    view.offset += page.items.length;
    view.total = page.total;
    $('more').hidden = view.offset >= view.total;
    $('empty').hidden = view.total > 0;
    $('summary').textContent = view.q.trim() ? t(view.total === 1 ? 'libraryFoundOne' : 'libraryFound', [view.total]) : t('libraryShowing', [view.offset, view.total]);
  } catch (e) {
    if (seq === view.seq) showError(e);
  } finally {
    if (seq === view.seq) document.body.dataset.loading = 'false';
  }
}

/** @param {any} it */
function renderItem(it) {
  const tpl = /** @type {HTMLTemplateElement} */ ($('item-template'));
  const li = /** @type {HTMLElement} */ (/** @type {DocumentFragment} */ (tpl.content.cloneNode(true)).firstElementChild);
  localize(li);
  li.dataset.id = it.id;
  const q = (/** @type {string} */ s) => /** @type {HTMLElement} */ (li.querySelector(s));
  q('.title').textContent = it.title || it.id;
  q('.handle').textContent = it.host ? '@' + it.host : '';
  const when = q('.when');
  if (it.at) {
    when.setAttribute('datetime', it.at);
    when.textContent = new Date(it.at).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
  }
  q('.length').textContent = formatDuration(it.duration_s);
  drawListenerCurve(/** @type {HTMLElement} */ (q('.curve')), it);
  for (const c of it.captions ?? []) {
    const hit = el('li', 'seekable');
    hit.append(el('time', '', clock(c.start_s)));
    if (c.handle) hit.append(el('span', 'who', '@' + c.handle + ' '));
    hit.append(document.createTextNode(c.text));
    // A search hit plays the Space from its second.
    hit.tabIndex = 0;
    hit.dataset.start = String(c.start_s);
    hit.addEventListener('click', () => play(it, c.start_s));
    hit.addEventListener('keydown', (e) => { if (e.key === 'Enter') play(it, c.start_s); });
    q('.hits').append(hit);
  }
  const audio = it.files?.[0];
  const playBtn = /** @type {HTMLButtonElement} */ (q('.act-play'));
  playBtn.disabled = !audio;
  playBtn.addEventListener('click', () => play(it, null));
  for (const [cls, cmd] of [['.act-open', 'open'], ['.act-reveal', 'reveal']]) {
    const b = /** @type {HTMLButtonElement} */ (q(cls));
    b.disabled = !audio;
    b.addEventListener('click', () => ui.call(cmd, { path: audio }).then(() => itemError(li, null), (e) => itemError(li, e)));
  }
  q('.act-transcript').addEventListener('click', () => toggleDetail(li, it));
  q('.act-delete').addEventListener('click', () => { q('.confirm').hidden = false; });
  q('.act-delete-no').addEventListener('click', () => { q('.confirm').hidden = true; });
  q('.act-delete-yes').addEventListener('click', () => remove(li, it));
  return li;
}

/**
 * A Space recorded live: its listener curve, small, with its peak marked.
 * @param {HTMLElement} fig @param {any} it
 */
function drawListenerCurve(fig, it) {
  const shape = curveShape(it.listener_curve, 160, 32);
  if (!shape) return;
  const NS = 'http://www.w3.org/2000/svg';
  const svg = /** @type {SVGElement} */ (fig.querySelector('svg'));
  const line = document.createElementNS(NS, 'polyline');
  line.setAttribute('class', 'listeners');
  line.setAttribute('points', shape.points);
  const dot = document.createElementNS(NS, 'circle');
  dot.setAttribute('class', 'peak');
  dot.setAttribute('cx', String(shape.peak.x));
  dot.setAttribute('cy', String(shape.peak.y));
  dot.setAttribute('r', '2.5');
  const peak = t('libraryCurvePeak', [shape.peak.count, clock(shape.peak.t_s)]);
  svg.setAttribute('aria-label', peak);
  svg.replaceChildren(line, dot);
  /** @type {HTMLElement} */ (fig.querySelector('.curve-peak')).textContent = peak;
  fig.hidden = false;
}

/** @param {HTMLElement} li @param {any} e */
function itemError(li, e) {
  const p = /** @type {HTMLElement} */ (li.querySelector('.item-error'));
  p.textContent = e ? errorText(e) : '';
  p.hidden = !e;
}

// ---------- one Space: talk time and transcript ----------

/** @param {HTMLElement} li @param {any} it */
async function toggleDetail(li, it) {
  const detail = /** @type {HTMLElement} */ (li.querySelector('.detail'));
  const btn = /** @type {HTMLElement} */ (li.querySelector('.act-transcript'));
  if (!detail.hidden) {
    detail.hidden = true;
    btn.setAttribute('aria-expanded', 'false');
    return;
  }
  btn.setAttribute('aria-expanded', 'true');
  detail.hidden = false;
  if (detail.dataset.loaded) return;
  await loadCaptions(li, it.id, 0);
}

/** Loads a page of captions from offset. @param {HTMLElement} li @param {string} id @param {number} offset */
async function loadCaptions(li, id, offset) {
  const detail = /** @type {HTMLElement} */ (li.querySelector('.detail'));
  const list = /** @type {HTMLElement} */ (li.querySelector('.transcript'));
  const more = /** @type {HTMLButtonElement} */ (li.querySelector('.act-more-captions'));
  try {
    const d = await call('library.show', { id, captions_offset: offset });
    itemError(li, null);
    if (!detail.dataset.loaded) {
      const talk = d.talk_time.map((/** @type {any} */ s) => `@${s.handle} ${formatDuration(s.seconds)}`).join(' · ');
      /** @type {HTMLElement} */ (li.querySelector('.talk')).textContent = talk ? t('libraryTalkTime', [talk]) : '';
      if (!d.captions.length && d.turns.length) {
        // No captions: the speaker turns are the transcript.
        for (const turn of d.turns) {
          const row = el('li');
          row.append(el('time', '', `${clock(turn.start_s)}–${clock(turn.end_s)}`), el('span', 'who', '@' + turn.handle));
          list.append(row);
        }
      }
      if (!d.captions.length && !d.turns.length) list.append(el('li', 'muted', t('libraryNoTranscript')));
    }
    detail.dataset.loaded = 'true';
    for (const c of d.captions) {
      const row = el('li');
      row.append(el('time', '', clock(c.start_s)));
      if (c.handle) row.append(el('span', 'who', '@' + c.handle));
      row.append(document.createTextNode(c.text));
      list.append(row);
    }
    const next = offset + d.captions.length;
    more.hidden = next >= (d.caption_count ?? 0);
    more.onclick = () => loadCaptions(li, id, next);
  } catch (e) {
    itemError(li, e);
  }
}

/** @param {HTMLElement} li @param {any} it */
async function remove(li, it) {
  try {
    await call('library.remove', { id: it.id, delete_files: true });
    if (playing?.item.id === it.id) $('p-close').click();
    const all = remember(await loadPositions(), it.id, null);
    await api.storage.local.set({ [POSITIONS_KEY]: all }).catch(() => {});
    renderContinue(all);
    li.remove();
    view.offset = Math.max(0, view.offset - 1);
    view.total = Math.max(0, view.total - 1);
    $('summary').textContent = t('libraryShowing', [view.offset, view.total]);
    $('empty').hidden = view.total > 0;
    loadStats();
  } catch (e) {
    itemError(li, e);
  }
}

// ---------- the player ----------

const audioEl = /** @type {HTMLAudioElement} */ ($('audio'));
/** @type {{item: any, turns: any[], captions: any[], turnEls: HTMLElement[], lineEls: HTMLElement[], cur: number, turn: number, saved: number} | null} */
let playing = null;
/** @type {Promise<string> | null} */
let serverBase = null;

/** The host's library server, asked once per page (library.serve). */
function libraryServer() {
  serverBase ??= call('library.serve').then((r) => r.base_url, (e) => { serverBase = null; throw e; });
  return serverBase;
}

/** @param {any} e */
function playerError(e) {
  const p = $('p-error');
  p.textContent = e ? (typeof e === 'string' ? e : errorText(e)) : '';
  p.hidden = !e;
}

/** All of a Space's captions, a page of 500 at a time. @param {string} id */
async function loadDetail(id) {
  const d = await call('library.show', { id });
  const captions = [...d.captions];
  while (captions.length < (d.caption_count ?? 0) && captions.length < 20000) {
    const next = await call('library.show', { id, captions_offset: captions.length });
    if (!next.captions.length) break;
    captions.push(...next.captions);
  }
  return { ...d, captions };
}

/**
 * Opens a Space in the player and plays it from start (null: where the
 * listener stopped, else the beginning).
 * @param {any} it @param {number | null} start
 */
async function play(it, start) {
  $('player').hidden = false;
  playerError(null);
  if (playing?.item.id === it.id) {
    seek(start ?? audioEl.currentTime, true);
    return;
  }
  savePosition();
  audioEl.pause();
  playing = { item: it, turns: [], captions: [], turnEls: [], lineEls: [], cur: -1, turn: -1, saved: 0 };
  const mine = playing;
  $('player').dataset.id = it.id;
  $('player').dataset.ready = 'false';
  $('p-title').textContent = it.title || it.id;
  $('p-host').textContent = it.host ? '@' + it.host : '';
  $('p-speaking').textContent = '';
  $('p-turns').replaceChildren();
  $('p-lines').replaceChildren();
  $('p-marks').replaceChildren();
  $('player').scrollIntoView({ block: 'start' });
  try {
    const [base, detail, positions] = await Promise.all([libraryServer(), loadDetail(it.id), loadPositions()]);
    if (playing !== mine) return;
    const url = audioURL(base, it);
    if (!url) throw t('libraryNoAudio');
    if (detail.file_info?.[0] && !detail.file_info[0].exists) throw t('libraryNoAudio');
    // A turn may come without the name that the talk time knows.
    /** @type {Record<string, string>} */
    const names = { [String(detail.host ?? '').toLowerCase()]: detail.host_name ?? '' };
    for (const tt of detail.talk_time ?? []) if (tt.name) names[String(tt.handle).toLowerCase()] = tt.name;
    mine.turns = detail.turns.map((/** @type {any} */ tr) => ({ ...tr, name: tr.name || names[String(tr.handle ?? '').toLowerCase()] || '' }));
    mine.captions = detail.captions;
    renderSide(mine);
    const from = start ?? positions[it.id]?.t ?? 0;
    audioEl.src = url;
    audioEl.playbackRate = Number(/** @type {HTMLSelectElement} */ ($('p-rate')).value);
    await new Promise((resolve, reject) => {
      audioEl.addEventListener('loadedmetadata', resolve, { once: true });
      audioEl.addEventListener('error', () => reject(new Error(audioEl.error?.message || 'the audio did not load')), { once: true });
    });
    if (playing !== mine) return;
    drawMarks(mine);
    seek(from, true);
    $('player').dataset.ready = 'true';
  } catch (e) {
    if (playing === mine) playerError(e instanceof Error && !('code' in e) ? e.message : e);
  }
}

/** The turns and the transcript beside the player. @param {NonNullable<typeof playing>} p */
function renderSide(p) {
  p.turnEls = p.turns.map((turn) => {
    const li = el('li', 'seekable');
    li.append(el('time', '', clock(turn.start_s)), el('span', 'who', speakerLabel(turn)));
    li.style.setProperty('--hue', String(speakerHue(turn.handle ?? '')));
    li.tabIndex = 0;
    li.addEventListener('click', () => seek(turn.start_s, true));
    li.addEventListener('keydown', (e) => { if (e.key === 'Enter') seek(turn.start_s, true); });
    return li;
  });
  $('p-turns').replaceChildren(...p.turnEls);
  p.lineEls = p.captions.map((c) => {
    const li = el('li', 'seekable');
    li.append(el('time', '', clock(c.start_s)));
    if (c.handle) li.append(el('span', 'who', '@' + c.handle));
    li.append(document.createTextNode(c.text));
    li.tabIndex = 0;
    li.addEventListener('click', () => seek(c.start_s, true));
    li.addEventListener('keydown', (e) => { if (e.key === 'Enter') seek(c.start_s, true); });
    return li;
  });
  if (!p.lineEls.length) p.lineEls = [];
  $('p-lines').replaceChildren(...(p.lineEls.length ? p.lineEls : [el('li', 'muted', t('libraryNoTranscript'))]));
}

/** The speaker turns as marks on the seek bar. @param {NonNullable<typeof playing>} p */
function drawMarks(p) {
  const d = audioEl.duration || p.item.duration_s || 0;
  const seekEl = /** @type {HTMLInputElement} */ ($('p-seek'));
  seekEl.max = String(d);
  if (!d) return;
  $('p-marks').replaceChildren(...p.turns.map((turn) => {
    const m = el('span', 'mark');
    m.style.left = `${(turn.start_s / d) * 100}%`;
    m.style.width = `${Math.max(0.2, ((turn.end_s - turn.start_s) / d) * 100)}%`;
    m.style.setProperty('--hue', String(speakerHue(turn.handle ?? '')));
    m.title = `${clock(turn.start_s)} ${speakerLabel(turn)}`;
    return m;
  }));
}

/** Moves to t (seconds), and plays when asked. @param {number} t @param {boolean} andPlay */
function seek(t, andPlay) {
  if (!playing) return;
  audioEl.currentTime = clampTime(t, audioEl.duration);
  update();
  if (andPlay) audioEl.play().catch((e) => { if (e?.name !== 'AbortError') playerError(e.message); });
}

/** Follows the audio: time, seek bar, the current turn and line. */
function update() {
  const p = playing;
  if (!p) return;
  const now = audioEl.currentTime;
  $('p-time').textContent = `${clock(now)} / ${clock(audioEl.duration || p.item.duration_s || 0)}`;
  const seekEl = /** @type {HTMLInputElement} */ ($('p-seek'));
  if (document.activeElement !== seekEl) seekEl.value = String(now);
  const turn = indexAt(p.turns, now);
  if (turn !== p.turn) {
    p.turnEls[p.turn]?.classList.remove('now');
    p.turnEls[turn]?.classList.add('now');
    p.turn = turn;
    $('p-speaking').textContent = turn >= 0 ? t('librarySpeaking', [speakerLabel(p.turns[turn])]) : '';
    if (turn >= 0) scrollInto($('p-turns'), p.turnEls[turn]);
  }
  const cur = indexAt(p.captions, now);
  if (cur !== p.cur) {
    p.lineEls[p.cur]?.classList.remove('now');
    p.lineEls[cur]?.classList.add('now');
    p.cur = cur;
    if (cur >= 0) scrollInto($('p-lines'), p.lineEls[cur]);
  }
}

/** Scrolls a list (not the page) to show one of its rows. @param {HTMLElement} list @param {HTMLElement | undefined} row */
function scrollInto(list, row) {
  if (!row) return;
  const top = row.offsetTop - list.offsetTop;
  if (top < list.scrollTop || top + row.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTop = top - list.clientHeight / 3;
}

// ---------- positions: "Continue listening" ----------

/** @returns {Promise<import('./lib/player.js').Positions>} */
async function loadPositions() {
  try {
    const got = await api.storage.local.get(POSITIONS_KEY);
    return got?.[POSITIONS_KEY] ?? {};
  } catch {
    return {};
  }
}

/** Remembers where the current Space is, at most every 5 s unless forced. @param {boolean} [force] */
async function savePosition(force = true) {
  const p = playing;
  if (!p || !audioEl.src || audioEl.readyState === 0) return;
  const now = Date.now();
  if (!force && now - p.saved < 5000) return;
  p.saved = now;
  const all = remember(await loadPositions(), p.item.id, {
    t: audioEl.currentTime, d: audioEl.duration || p.item.duration_s || 0, title: p.item.title, host: p.item.host,
    files: (p.item.files ?? []).slice(0, 1), updated: now,
  });
  try {
    await api.storage.local.set({ [POSITIONS_KEY]: all });
  } catch { /* storage unavailable: nothing to remember */ }
  renderContinue(all);
}

/** @param {import('./lib/player.js').Positions} all */
function renderContinue(all) {
  const list = toContinue(all).slice(0, 5);
  $('continue').hidden = !list.length;
  $('continue-list').replaceChildren(...list.map((c) => {
    const li = el('li');
    const b = /** @type {HTMLButtonElement} */ (el('button', 'secondary small', `▶ ${c.title || c.id}`));
    b.type = 'button';
    b.dataset.id = c.id;
    b.addEventListener('click', () => play({ id: c.id, title: c.title, host: c.host, files: c.files, duration_s: c.d }, c.t));
    li.append(b, el('span', 'muted small', ` @${c.host} · ${t('libraryAt', [clock(c.t)])} / ${clock(c.d)}`));
    return li;
  }));
}

audioEl.addEventListener('timeupdate', () => { update(); savePosition(false); });
audioEl.addEventListener('seeked', () => { update(); if (audioEl.paused) savePosition(); });
audioEl.addEventListener('play', () => { $('p-play').textContent = t('libraryPause'); $('player').dataset.playing = 'true'; });
audioEl.addEventListener('pause', () => { $('p-play').textContent = t('libraryPlay'); $('player').dataset.playing = 'false'; savePosition(); });
audioEl.addEventListener('ended', () => savePosition());
$('p-play').addEventListener('click', () => togglePlay());
$('p-back').addEventListener('click', () => seek(audioEl.currentTime - 15, false));
$('p-fwd').addEventListener('click', () => seek(audioEl.currentTime + 15, false));
$('p-rate').addEventListener('change', () => { audioEl.playbackRate = Number(/** @type {HTMLSelectElement} */ ($('p-rate')).value); });
$('p-seek').addEventListener('input', () => seek(Number(/** @type {HTMLInputElement} */ ($('p-seek')).value), false));
$('p-close').addEventListener('click', () => {
  savePosition();
  audioEl.pause();
  audioEl.removeAttribute('src');
  audioEl.load();
  playing = null;
  $('player').hidden = true;
});
window.addEventListener('pagehide', () => { savePosition(); });

function togglePlay() {
  if (!playing) return;
  if (audioEl.paused) audioEl.play().catch((e) => playerError(e.message));
  else audioEl.pause();
}

// Keys: space plays and pauses, ←/→ skip 15 s, / goes to the search box.
document.addEventListener('keydown', (e) => {
  const target = /** @type {HTMLElement} */ (e.target);
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (target.matches('input[type=search], input[type=text], textarea, select')) return;
  if (e.key === '/') {
    e.preventDefault();
    $('q').focus();
  } else if (e.key === ' ' && playing && !target.matches('button, [tabindex]')) {
    e.preventDefault();
    togglePlay();
  } else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && playing && !target.matches('input[type=range]')) {
    e.preventDefault();
    seek(audioEl.currentTime + (e.key === 'ArrowLeft' ? -15 : 15), false);
  }
});

loadPositions().then(renderContinue);

// ---------- statistics ----------

async function loadStats() {
  try {
    const st = await call('library.stats', view.host ? { host: view.host } : undefined);
    $('st-spaces').textContent = String(st.spaces);
    $('st-hours').textContent = st.hours.toFixed(1);
    $('st-avg').textContent = String(Math.round(st.avg_listeners));
    $('st-peak').textContent = String(st.peak_listeners);
    $('st-speakers').replaceChildren(...st.speakers.map((/** @type {any} */ s) =>
      el('li', '', `@${s.handle} · ${formatDuration(s.seconds)}`)));
    $('st-words').replaceChildren(...st.title_words.map((/** @type {any} */ w) => el('span', '', `${w.name} ${w.count}`)));
    $('st-topics').replaceChildren(...st.topics.map((/** @type {any} */ w) => el('span', '', `${w.name} ${w.count}`)));
    drawChart(st.months);
    if (!view.host && st.hosts) fillHosts(st.hosts);
  } catch (e) {
    showError(e);
  }
}

/** @param {{name: string, count: number}[]} hosts */
function fillHosts(hosts) {
  const sel = /** @type {HTMLSelectElement} */ ($('host'));
  const keep = sel.value;
  sel.replaceChildren(sel.options[0]);
  for (const h of hosts) {
    const o = /** @type {HTMLOptionElement} */ (el('option', '', `@${h.name} (${h.count})`));
    o.value = h.name;
    sel.append(o);
  }
  sel.value = keep;
}

/** Consecutive months from the first to the last. @param {{month: string, spaces: number, hours: number}[]} months */
function allMonths(months) {
  if (!months.length) return [];
  const by = new Map(months.map((m) => [m.month, m]));
  const out = [];
  let [y, m] = months[0].month.split('-').map(Number);
  const last = months[months.length - 1].month;
  for (let i = 0; i < 600; i++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(by.get(key) ?? { month: key, spaces: 0, hours: 0 });
    if (key === last) break;
    m++;
    if (m > 12) { m = 1; y++; }
  }
  return out;
}

/** Bars of Spaces and a line of hours per month, in plain SVG. @param {any[]} months */
function drawChart(months) {
  const svg = $('chart');
  const NS = 'http://www.w3.org/2000/svg';
  const data = allMonths(months);
  svg.replaceChildren();
  svg.setAttribute('aria-label', t('libraryChartCaption'));
  if (!data.length) return;
  const W = data.length * 10, H = 100;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const maxS = Math.max(1, ...data.map((d) => d.spaces));
  const maxH = Math.max(0.01, ...data.map((d) => d.hours));
  const points = [];
  data.forEach((d, i) => {
    const h = (d.spaces / maxS) * (H - 4);
    const r = document.createElementNS(NS, 'rect');
    r.setAttribute('class', 'bar');
    r.setAttribute('x', String(i * 10 + 1.5));
    r.setAttribute('y', String(H - h));
    r.setAttribute('width', '7');
    r.setAttribute('height', String(h));
    r.dataset.month = d.month;
    const title = document.createElementNS(NS, 'title');
    title.textContent = t('libraryChartMonth', [d.month, d.spaces, d.hours.toFixed(1)]);
    r.append(title);
    svg.append(r);
    points.push(`${i * 10 + 5},${(H - (d.hours / maxH) * (H - 4)).toFixed(1)}`);
  });
  const line = document.createElementNS(NS, 'polyline');
  line.setAttribute('class', 'hours');
  line.setAttribute('points', points.join(' '));
  svg.append(line);
}

// ---------- wiring ----------

/** @type {ReturnType<typeof setTimeout> | undefined} */
let typing;
$('q').addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(() => { view.q = /** @type {HTMLInputElement} */ ($('q')).value; loadPage(true); }, 200);
});
$('search-form').addEventListener('submit', (e) => {
  e.preventDefault();
  clearTimeout(typing);
  view.q = /** @type {HTMLInputElement} */ ($('q')).value;
  loadPage(true);
});
$('host').addEventListener('change', () => {
  view.host = /** @type {HTMLSelectElement} */ ($('host')).value;
  loadPage(true);
  loadStats();
});
$('more').addEventListener('click', () => loadPage(false));

Promise.all([loadPage(true), loadStats()]).finally(() => { document.body.dataset.ready = 'true'; });
