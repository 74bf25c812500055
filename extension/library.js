// The Library page: every kept Space, newest first, with search, a host
// filter, per-host statistics and each Space's transcript. It reads the
// library through the host (library.* requests, relayed by the background)
// a page at a time, so it stays quick with thousands of Spaces.
import { t, localize } from './lib/i18n.js';
import { UiClient } from './lib/uiclient.js';
import { describeError } from './lib/errors.js';
import { formatDuration } from './lib/format.js';
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
  return describeError(code, e?.message).message;
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
    const hit = el('li');
    hit.append(el('time', '', clock(c.start_s)));
    if (c.handle) hit.append(el('span', 'who', '@' + c.handle + ' '));
    hit.append(document.createTextNode(c.text));
    q('.hits').append(hit);
  }
  const audio = it.files?.[0];
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
