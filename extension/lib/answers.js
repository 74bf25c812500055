// X's own answers that an x.com Space page received (AudioSpaceById and,
// once the user pressed play, live_video_stream/status), seen by the content
// scripts and kept here for a few minutes, per Space, to go with space.info
// and download.start (protocol/PROTOCOL.md, `page`). They are the page's, so
// they are checked here for shape and again by the host as untrusted input.

export const ANSWER_TTL_MS = 5 * 60_000;
export const MAX_ANSWER_CHARS = 1 << 20;
const MAX_SPACES = 20;
const AUDIO_PATH = /^\/i\/api\/graphql\/[A-Za-z0-9_-]{5,64}\/AudioSpaceById\/?$/;
const STATUS_PATH = /^\/i\/api\/1\.1\/live_video_stream\/status\/([^/]{1,64})$/;
const SPACE_ID = /^[0-9A-Za-z]{8,20}$/;
const MEDIA_KEY = /^[0-9A-Za-z_-]{1,64}$/;

const isObj = (/** @type {unknown} */ v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * @typedef {{kind: 'audio_space', spaceId: string, mediaKey: string, answer: any}
 *   | {kind: 'stream_status', mediaKey: string, answer: any}} Answer
 * @typedef {{spaces: Record<string, {audio_space: any, media_key: string, at: number}>,
 *   statuses: Record<string, {stream_status: any, at: number}>}} AnswerState
 */

/**
 * Whether a page is on x.com or twitter.com over https: the only pages whose
 * answers we take.
 * @param {unknown} url
 */
export function isXPage(url) {
  try {
    const u = new URL(String(url));
    return u.protocol === 'https:' && /^(?:[a-z0-9-]+\.)*(?:x|twitter)\.com$/.test(u.hostname);
  } catch {
    return false;
  }
}

/** @returns {AnswerState} */
export function emptyAnswers() {
  return { spaces: {}, statuses: {} };
}

/**
 * One answer the page received, checked: null when it is not one we use.
 * @param {unknown} kind @param {unknown} url the call's path and query @param {unknown} answer parsed JSON
 * @returns {Answer | null}
 */
export function readAnswer(kind, url, answer) {
  if (typeof url !== 'string' || !isObj(answer)) return null;
  let size;
  try {
    size = JSON.stringify(answer).length;
  } catch {
    return null;
  }
  if (size > MAX_ANSWER_CHARS) return null;
  let u;
  try {
    u = new URL(url, 'https://x.com');
  } catch {
    return null;
  }
  const a = /** @type {any} */ (answer);
  if (kind === 'audio_space') {
    if (!AUDIO_PATH.test(u.pathname)) return null;
    const md = a.data?.audioSpace?.metadata;
    if (!isObj(md) || typeof md.rest_id !== 'string' || !SPACE_ID.test(md.rest_id) || typeof md.state !== 'string') return null;
    // The call's variables name the Space it asked about: the answer must be about that one.
    let asked;
    try {
      asked = JSON.parse(u.searchParams.get('variables') ?? '{}')?.id;
    } catch {
      return null;
    }
    if (asked !== undefined && asked !== md.rest_id) return null;
    const mediaKey = typeof md.media_key === 'string' && MEDIA_KEY.test(md.media_key) ? md.media_key : '';
    return { kind, spaceId: md.rest_id, mediaKey, answer };
  }
  if (kind === 'stream_status') {
    const m = STATUS_PATH.exec(u.pathname);
    if (!m) return null;
    let mediaKey;
    try {
      mediaKey = decodeURIComponent(m[1]);
    } catch {
      return null;
    }
    if (!MEDIA_KEY.test(mediaKey) || !isObj(a.source) || typeof a.source.location !== 'string') return null;
    return { kind, mediaKey, answer };
  }
  return null;
}

/**
 * The state with answer a added, and what has grown old or too many dropped.
 * @param {AnswerState | undefined} state @param {Answer} a @param {number} now
 * @returns {AnswerState}
 */
export function rememberAnswer(state, a, now) {
  const s = prune(state ?? emptyAnswers(), now);
  if (a.kind === 'audio_space') {
    s.spaces[a.spaceId] = { audio_space: a.answer, media_key: a.mediaKey, at: now };
    const ids = Object.keys(s.spaces).sort((x, y) => s.spaces[y].at - s.spaces[x].at);
    for (const id of ids.slice(MAX_SPACES)) delete s.spaces[id];
  } else {
    s.statuses[a.mediaKey] = { stream_status: a.answer, at: now };
    const keys = Object.keys(s.statuses).sort((x, y) => s.statuses[y].at - s.statuses[x].at);
    for (const k of keys.slice(MAX_SPACES)) delete s.statuses[k];
  }
  return s;
}

/** @param {AnswerState} state @param {number} now @returns {AnswerState} */
function prune(state, now) {
  /** @type {AnswerState} */
  const s = emptyAnswers();
  for (const [id, v] of Object.entries(state.spaces ?? {})) if (now - v.at < ANSWER_TTL_MS) s.spaces[id] = v;
  for (const [k, v] of Object.entries(state.statuses ?? {})) if (now - v.at < ANSWER_TTL_MS) s.statuses[k] = v;
  return s;
}

/**
 * The `page` field of a request about spaceId, or undefined when the page
 * gave nothing fresh.
 * @param {AnswerState | undefined} state @param {string} spaceId @param {number} now
 */
export function pageFor(state, spaceId, now) {
  const sp = state?.spaces?.[spaceId];
  if (!sp || now - sp.at >= ANSWER_TTL_MS) return undefined;
  /** @type {{audio_space: any, stream_status?: any, media_key?: string}} */
  const page = { audio_space: sp.audio_space };
  const st = sp.media_key ? state?.statuses?.[sp.media_key] : undefined;
  if (st && now - st.at < ANSWER_TTL_MS) {
    page.stream_status = st.stream_status;
    page.media_key = sp.media_key;
  }
  return page;
}
