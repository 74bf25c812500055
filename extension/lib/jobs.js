// Job state, reduced from the host's events (job.progress, job.done,
// job.failed) and from jobs.list after a (re)connect. Pure functions: the
// background keeps one JobsState and hands copies to the popup.

/**
 * @typedef {{
 *   job: string, stage: string, space?: any, title?: string, space_id?: string,
 *   chunks_done?: number, chunks_total?: number, bytes?: number, speed?: number,
 *   eta_seconds?: number, connections?: number, path?: string, duration?: number, size?: number,
 *   speakers?: number, captions?: number, files?: string[],
 *   code?: string, message?: string, percent: number, updated: number, started: number,
 *   gaps?: {start_s: number, duration_s: number, chunks: number}[], warnings?: string[]
 * }} Job
 * @typedef {{jobs: Record<string, Job>, order: string[]}} JobsState
 */

export const ACTIVE_STAGES = ['queued', 'resolving', 'waiting', 'fetching', 'recording', 'merging'];
export const FINAL_STAGES = ['done', 'failed'];
export const MAX_FINISHED = 20;

/** @returns {JobsState} */
export function emptyState() {
  return { jobs: {}, order: [] };
}

/** @param {Job} j */
export function isActive(j) {
  return ACTIVE_STAGES.includes(j.stage);
}

/**
 * Percent done (0-100) from what an event says.
 * @param {Partial<Job>} j
 */
export function percentOf(j) {
  if (j.stage === 'done') return 100;
  if (j.chunks_total && j.chunks_total > 0) {
    const p = Math.floor((100 * (j.chunks_done ?? 0)) / j.chunks_total);
    // Fetching all chunks is not the end: merging is left. Keep 100 for done.
    return Math.max(0, Math.min(99, p));
  }
  return 0;
}

const KEEP = ['stage', 'space', 'chunks_done', 'chunks_total', 'bytes', 'speed', 'eta_seconds', 'connections',
  'path', 'duration', 'size', 'speakers', 'captions', 'files', 'code', 'message', 'gaps', 'warnings'];

/**
 * Applies one event or jobs.list entry to the state; returns a new state.
 * Events for a job that already finished are ignored (a late progress frame
 * must not turn a done job back into a running one).
 * @param {JobsState} state @param {any} ev @param {number} [now]
 * @returns {JobsState}
 */
export function reduce(state, ev, now = Date.now()) {
  if (!ev || typeof ev.job !== 'string' || !ev.job) return state;
  const prev = state.jobs[ev.job];
  let stage = ev.stage;
  if (ev.type === 'job.done') stage = 'done';
  else if (ev.type === 'job.failed') stage = 'failed';
  if (!stage) stage = prev?.stage ?? 'queued';
  if (prev && FINAL_STAGES.includes(prev.stage) && !FINAL_STAGES.includes(stage)) return state;

  /** @type {any} */
  const next = { ...(prev ?? { job: ev.job, started: now }), stage, updated: now };
  for (const k of KEEP) {
    if (k === 'stage') continue;
    if (ev[k] !== undefined && ev[k] !== null) next[k] = ev[k];
  }
  if (ev.space?.title) next.title = ev.space.title;
  if (ev.space?.id) next.space_id = ev.space.id;
  if (stage !== 'failed') {
    delete next.code;
    delete next.message;
  }
  if (stage === 'done') {
    next.speed = 0;
    next.eta_seconds = 0;
  }
  next.percent = percentOf(next);
  const order = prev ? state.order : [ev.job, ...state.order];
  return prune({ jobs: { ...state.jobs, [ev.job]: next }, order });
}

/**
 * Records a job the extension has just started, before the host's first event.
 * @param {JobsState} state @param {string} job @param {{title?: string, space_id?: string, space?: any}} meta
 * @param {number} [now]
 */
export function addStarted(state, job, meta, now = Date.now()) {
  if (state.jobs[job]) {
    const j = { ...state.jobs[job] };
    if (meta.title && !j.title) j.title = meta.title;
    if (meta.space_id && !j.space_id) j.space_id = meta.space_id;
    return { ...state, jobs: { ...state.jobs, [job]: j } };
  }
  /** @type {Job} */
  const j = { job, stage: 'queued', percent: 0, updated: now, started: now, ...meta };
  return prune({ jobs: { ...state.jobs, [job]: j }, order: [job, ...state.order] });
}

/**
 * Merges the host's jobs.list (the truth after a reconnect): each listed job
 * is applied as an event; jobs we thought were running but that the host no
 * longer knows are marked failed (host_exited) so that nothing spins forever.
 * Jobs started after the list was asked for are not in it yet and are left
 * alone: pass the ids known when jobs.list was sent as knownWhenAsked.
 * @param {JobsState} state @param {any[] | null | undefined} list @param {number} [now]
 * @param {Set<string>} [knownWhenAsked]
 */
export function syncList(state, list, now = Date.now(), knownWhenAsked = undefined) {
  let s = state;
  const seen = new Set();
  for (const j of list ?? []) {
    if (!j || typeof j.job !== 'string') continue;
    seen.add(j.job);
    s = reduce(s, j, now);
  }
  for (const id of s.order) {
    const j = s.jobs[id];
    if (!seen.has(id) && isActive(j) && (!knownWhenAsked || knownWhenAsked.has(id))) {
      s = reduce(s, { type: 'job.failed', job: id, code: 'host_exited' }, now);
    }
  }
  return s;
}

/** Pages a host may send for one jobs.list, at most: it keeps 200 finished jobs and the running ones. */
export const MAX_LIST_PAGES = 50;

/**
 * Reads the host's whole job list, page by page (jobs.list answers at most
 * 100 jobs at a time, with `next` when more follow). An older host answers
 * everything at once, without `next`.
 * @param {(payload: {after?: string} | undefined) => Promise<any>} request sends jobs.list with the payload
 * @returns {Promise<any[]>}
 */
export async function fetchAllJobs(request) {
  /** @type {any[]} */
  const all = [];
  /** @type {string | undefined} */
  let after;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const res = await request(after === undefined ? undefined : { after });
    all.push(...(res?.jobs ?? []));
    if (typeof res?.next !== 'string' || !res.next || res.next === after) break;
    after = res.next;
  }
  return all;
}

/**
 * Keeps every active job and the newest MAX_FINISHED finished ones.
 * @param {JobsState} state
 */
function prune(state) {
  let finished = 0;
  const order = [];
  const jobs = /** @type {Record<string, Job>} */ ({});
  for (const id of state.order) {
    const j = state.jobs[id];
    if (!j) continue;
    if (!isActive(j) && ++finished > MAX_FINISHED) continue;
    order.push(id);
    jobs[id] = j;
  }
  return { jobs, order };
}

/**
 * Removes one finished job from the list.
 * @param {JobsState} state @param {string} id
 */
export function dismiss(state, id) {
  const j = state.jobs[id];
  if (!j || isActive(j)) return state;
  const jobs = { ...state.jobs };
  delete jobs[id];
  return { jobs, order: state.order.filter((x) => x !== id) };
}

/** @param {JobsState} state @returns {Job[]} */
export function list(state) {
  return state.order.map((id) => state.jobs[id]).filter(Boolean);
}

/**
 * The toolbar badge: overall percent of running jobs, '' when none runs.
 * @param {JobsState} state
 */
export function badgeText(state) {
  const active = list(state).filter(isActive);
  if (!active.length) return '';
  let done = 0;
  let total = 0;
  for (const j of active) {
    if (j.chunks_total) {
      done += j.chunks_done ?? 0;
      total += j.chunks_total;
    }
  }
  if (!total) return '…';
  return `${Math.min(99, Math.floor((100 * done) / total))}%`;
}
