// Message shapes of the native-messaging protocol (protocol/messages.go and
// protocol/PROTOCOL.md): building requests and checking what the host sends.
// Every check returns a list of problems; an empty list means valid.

export const PROTOCOL_VERSION = 1;
export const HOST_NAME = 'com.spacekeep.host';

/** The Library page's requests (PROTOCOL.md, "The library"). */
export const LIBRARY_TYPES = /** @type {const} */ (['library.list', 'library.search', 'library.show', 'library.stats', 'library.remove', 'library.serve']);
export const REQUEST_TYPES = /** @type {const} */ ([
  'download.start', 'jobs.list', 'job.cancel', 'file.reveal', 'file.open',
  'settings.get', 'settings.set', 'doctor', 'ping', 'space.info',
  ...LIBRARY_TYPES,
  'watch.list', 'watch.add', 'watch.remove', 'watch.status', 'watch.session',
  'spaces.search', 'page.spaces',
]);
export const EVENT_TYPES = /** @type {const} */ (['job.progress', 'job.done', 'job.failed', 'watch.live']);
export const STAGES = /** @type {const} */ (['queued', 'resolving', 'fetching', 'merging', 'done', 'failed']);
export const FORMATS = /** @type {const} */ (['m4a', 'mp3']);

/** @typedef {{auth_token: string, ct0: string}} Cookies */
/** @typedef {{query_id?: string, features?: any}} Hints */
/** @typedef {{audio_space?: any, stream_status?: any, media_key?: string}} Page */
/** @typedef {{user_agent?: string, language?: string}} Browser */
export const STATUSES = /** @type {const} */ (['scheduled', 'live', 'ended', 'canceled']);
/** @typedef {{output_dir?: string, format?: string, name_template?: string, concurrency?: number, write_info_json?: boolean, no_captions?: boolean, no_chapters?: boolean, sub_format?: string, video?: boolean}} Options */
/** @typedef {{id: number|string, type: string, payload?: any}} Request */

const isObj = (/** @type {unknown} */ v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (/** @type {unknown} */ v) => typeof v === 'string';
const isNum = (/** @type {unknown} */ v) => typeof v === 'number' && Number.isFinite(v);
const isInt = (/** @type {unknown} */ v) => Number.isInteger(v);
const isCount = (/** @type {unknown} */ v) => Number.isInteger(v) && /** @type {number} */ (v) >= 0;

/**
 * Checks fields of obj against a spec {name: [check, required]}.
 * @param {any} obj @param {string} where
 * @param {Record<string, [(v: any) => boolean, boolean]>} spec
 * @param {string[]} out
 */
function fields(obj, where, spec, out) {
  if (!isObj(obj)) {
    out.push(`${where}: not an object`);
    return;
  }
  for (const [name, [check, required]] of Object.entries(spec)) {
    if (!(name in obj) || obj[name] === undefined) {
      if (required) out.push(`${where}.${name}: missing`);
    } else if (!check(obj[name])) {
      out.push(`${where}.${name}: bad value ${JSON.stringify(obj[name])}`);
    }
  }
}

/** @param {any} c @param {string} where @param {string[]} out */
function checkCookies(c, where, out) {
  fields(c, where, { auth_token: [isStr, true], ct0: [isStr, true] }, out);
  if (isObj(c) && (!c.auth_token || !c.ct0)) out.push(`${where}: empty cookie`);
}

/** @param {any} h @param {string} where @param {string[]} out */
function checkHints(h, where, out) {
  if (h === undefined || h === null) return;
  fields(h, where, { query_id: [isStr, false], features: [(v) => isObj(v) || isStr(v), false] }, out);
}

/** @param {any} p @param {string} where @param {string[]} out */
function checkPage(p, where, out) {
  if (p === undefined || p === null) return;
  fields(p, where, { audio_space: [isObj, false], stream_status: [isObj, false], media_key: [isStr, false] }, out);
}

/** @param {any} b @param {string} where @param {string[]} out */
function checkBrowser(b, where, out) {
  if (b === undefined || b === null) return;
  fields(b, where, { user_agent: [isStr, false], language: [isStr, false] }, out);
}

/** Cookies are left out when logged out: the host then asks X as a guest. @param {any} p @param {string[]} out */
function checkSession(p, out) {
  if (p.cookies !== undefined) checkCookies(p.cookies, 'payload.cookies', out);
  checkHints(p.hints, 'payload.hints', out);
  checkPage(p.page, 'payload.page', out);
  checkBrowser(p.browser, 'payload.browser', out);
}

/** @param {any} o @param {string} where @param {string[]} out */
function checkOptions(o, where, out) {
  fields(o, where, {
    output_dir: [isStr, false],
    format: [(v) => v === '' || FORMATS.includes(v), false],
    name_template: [isStr, false],
    concurrency: [(v) => isInt(v) && v >= 0, false],
    write_info_json: [(v) => typeof v === 'boolean', false],
    no_captions: [(v) => typeof v === 'boolean', false],
    no_chapters: [(v) => typeof v === 'boolean', false],
    sub_format: [(v) => v === '' || v === 'vtt' || v === 'srt', false],
    video: [(v) => typeof v === 'boolean', false],
  }, out);
}

/** @param {any} s @param {string} where @param {string[]} out */
function checkSettings(s, where, out) {
  fields(s, where, {
    output_dir: [isStr, false],
    format: [(v) => v === '' || FORMATS.includes(v), false],
    name_template: [isStr, false],
    concurrency: [(v) => isInt(v) && v >= 0, false],
  }, out);
}

/** @type {Record<string, (p: any, out: string[]) => void>} */
const PAYLOAD_CHECKS = {
  'download.start': (p, out) => {
    fields(p, 'payload', { space: [(v) => isStr(v) && v !== '', true], cookies: [isObj, false], options: [isObj, false], hints: [isObj, false], page: [isObj, false], browser: [isObj, false] }, out);
    if (!isObj(p)) return;
    if (p.options !== undefined) checkOptions(p.options, 'payload.options', out);
    checkSession(p, out);
  },
  'space.info': (p, out) => {
    fields(p, 'payload', { space: [(v) => isStr(v) && v !== '', true], cookies: [isObj, false], hints: [isObj, false], page: [isObj, false], browser: [isObj, false] }, out);
    if (!isObj(p)) return;
    checkSession(p, out);
  },
  'job.cancel': (p, out) => fields(p, 'payload', { job: [(v) => isStr(v) && v !== '', true] }, out),
  'file.reveal': (p, out) => fields(p, 'payload', { path: [(v) => isStr(v) && v !== '', true] }, out),
  'file.open': (p, out) => fields(p, 'payload', { path: [(v) => isStr(v) && v !== '', true] }, out),
  'settings.set': (p, out) => checkSettings(p, 'payload', out),
  // Optional: without it the host sends the first page.
  'jobs.list': (p, out) => {
    if (p === undefined || p === null) return;
    fields(p, 'payload', { limit: [(v) => isInt(v) && v >= 0, false], after: [isStr, false] }, out);
  },
  'library.list': (p, out) => checkLibraryQuery(p, out),
  'library.search': (p, out) => checkLibraryQuery(p, out),
  'library.stats': (p, out) => checkLibraryQuery(p, out),
  'library.show': (p, out) => fields(p, 'payload', {
    id: [(v) => isStr(v) && v !== '', true], captions_offset: [isCount, false], captions_limit: [isCount, false],
  }, out),
  'library.remove': (p, out) => fields(p, 'payload', {
    id: [(v) => isStr(v) && v !== '', true], delete_files: [(v) => typeof v === 'boolean', false],
  }, out),
  'watch.add': (p, out) => checkWatchRef(p, 'payload', out),
  'watch.remove': (p, out) => checkWatchRef(p, 'payload', out),
  'watch.session': (p, out) => checkCookies(p, 'payload', out),
  'page.spaces': (p, out) => fields(p, 'payload', {
    answers: [(v) => Array.isArray(v) && v.length <= 20 && v.every(isObj), false],
    links: [(v) => Array.isArray(v) && v.length <= 1000 && v.every(isStr), false],
  }, out),
  'spaces.search': (p, out) => {
    fields(p, 'payload', {
      query: [(v) => isStr(v) && v.trim() !== '' && v.length <= 200, true],
      filter: [(v) => v === '' || v === 'live' || v === 'upcoming', false], cookies: [isObj, false], browser: [isObj, false],
    }, out);
    if (isObj(p)) checkSession(p, out);
  },
};

/** @param {any} p @param {string[]} out */
function checkLibraryQuery(p, out) {
  if (p === undefined) return;
  fields(p, 'payload', {
    query: [isStr, false], host: [isStr, false], since: [isCount, false], offset: [isCount, false], limit: [isCount, false],
  }, out);
}
const NO_PAYLOAD = new Set(['jobs.list', 'settings.get', 'doctor', 'ping', 'watch.list', 'watch.status']);

/** @param {any} p @param {string} where @param {string[]} out */
function checkWatchRef(p, where, out) {
  fields(p, where, {
    handle: [isStr, false], id: [(v) => isStr(v) && /^[0-9]{1,20}$/.test(v), false],
    search: [(v) => isStr(v) && v.length <= 200, false], min_listeners: [isCount, false], max_parallel: [isCount, false],
  }, out);
  if (isObj(p) && !p.handle && !p.id && !p.search) out.push(`${where}: needs a handle, an id or a search`);
}

/** @param {any} r @param {string} where @param {string[]} out */
function checkWatchList(r, where, out) {
  fields(r, where, { hosts: [Array.isArray, true] }, out);
  if (isObj(r) && Array.isArray(r.hosts)) {
    r.hosts.forEach((h, i) => fields(h, `${where}.hosts[${i}]`, { id: [isStr, false], handle: [isStr, false] }, out));
  }
}

/**
 * Problems with a request (extension → host).
 * @param {any} req
 * @returns {string[]}
 */
export function validateRequest(req) {
  /** @type {string[]} */
  const out = [];
  if (!isObj(req)) return ['request: not an object'];
  if (!(isInt(req.id) || (isStr(req.id) && req.id !== ''))) out.push('request.id: missing or bad');
  if (!REQUEST_TYPES.includes(req.type)) {
    out.push(`request.type: unknown ${JSON.stringify(req.type)}`);
    return out;
  }
  const check = PAYLOAD_CHECKS[req.type];
  if (check) check(req.payload, out);
  else if (NO_PAYLOAD.has(req.type) && req.payload !== undefined && req.payload !== null && !isObj(req.payload)) {
    out.push('request.payload: must be absent or an object');
  }
  return out;
}

/**
 * A request frame. Throws when it would not be valid.
 * @param {number|string} id @param {string} type @param {any} [payload]
 * @returns {Request}
 */
export function buildRequest(id, type, payload) {
  /** @type {Request} */
  const req = { id, type };
  if (payload !== undefined) req.payload = payload;
  const problems = validateRequest(req);
  if (problems.length) throw new Error('invalid request: ' + problems.join('; '));
  return req;
}

/**
 * @typedef {{cookies?: Cookies | null, hints?: Hints | null, page?: Page | null, browser?: Browser | null}} Session
 * cookies absent: logged out, the host asks X as a guest.
 */

/**
 * The payload of download.start. Empty options are left out so that the
 * host's own settings apply.
 * @param {{space: string, options?: Options} & Session} a
 */
export function downloadStartPayload({ space, options = {}, ...session }) {
  /** @type {Options} */
  const opts = {};
  for (const [k, v] of Object.entries(options)) {
    if (v !== undefined && v !== null && v !== '' && v !== 0) /** @type {any} */ (opts)[k] = v;
  }
  return withSession({ space, options: opts }, session);
}

/** @param {{space: string} & Session} a */
export function spaceInfoPayload({ space, ...session }) {
  return withSession({ space }, session);
}

/** @param {any} p @param {Session} s */
function withSession(p, { cookies, hints, page, browser }) {
  if (cookies) p.cookies = { auth_token: cookies.auth_token, ct0: cookies.ct0 };
  const h = cleanHints(hints);
  if (h) p.hints = h;
  if (page?.audio_space) {
    p.page = { audio_space: page.audio_space };
    if (page.stream_status && page.media_key) Object.assign(p.page, { stream_status: page.stream_status, media_key: page.media_key });
  }
  if (browser && (browser.user_agent || browser.language)) {
    p.browser = {};
    if (browser.user_agent) p.browser.user_agent = browser.user_agent;
    if (browser.language) p.browser.language = browser.language;
  }
  return p;
}

/** @param {Hints | null | undefined} h */
function cleanHints(h) {
  if (!h || (!h.query_id && !h.features)) return undefined;
  /** @type {Hints} */
  const out = {};
  if (h.query_id) out.query_id = h.query_id;
  if (h.features) out.features = h.features;
  return out;
}

/** @param {any} e @param {string} where @param {string[]} out */
function checkError(e, where, out) {
  fields(e, where, { code: [(v) => isStr(v) && v !== '', true], message: [isStr, true] }, out);
}

/** @param {any} s @param {string} where @param {string[]} out */
export function checkSpaceInfo(s, where, out) {
  fields(s, where, {
    id: [isStr, true], title: [isStr, true], state: [isStr, true], replayable: [(v) => typeof v === 'boolean', true],
    status: [(v) => STATUSES.includes(v), false],
    host_name: [isStr, false], host_handle: [isStr, false], host_id: [isStr, false], avatar_url: [isStr, false],
    started_at: [isNum, false], ended_at: [isNum, false], url: [isStr, true], live_listeners: [isCount, false],
    video: [(v) => typeof v === 'boolean', false],
  }, out);
}

/** @param {any} ev @param {string} where @param {string[]} out */
function checkEventFields(ev, where, out) {
  fields(ev, where, {
    job: [(v) => isStr(v) && v !== '', true],
    stage: [(v) => isStr(v), false],
    chunks_done: [isInt, false], chunks_total: [isInt, false], bytes: [isNum, false],
    speed: [isNum, false], eta_seconds: [isNum, false], connections: [isInt, false], chunks_resumed: [isInt, false],
    path: [isStr, false], duration: [isNum, false], size: [isNum, false],
    speakers: [isInt, false], captions: [isInt, false], files: [(v) => Array.isArray(v) && v.every(isStr), false],
    code: [isStr, false], message: [isStr, false], space: [isObj, false],
    gaps: [(v) => v === null || Array.isArray(v), false],
    warnings: [(v) => v === null || (Array.isArray(v) && v.every(isStr)), false],
  }, out);
  if (isObj(ev) && isObj(ev.space)) checkSpaceInfo(ev.space, where + '.space', out);
  if (isObj(ev) && Array.isArray(ev.gaps)) {
    ev.gaps.forEach((g, i) => fields(g, `${where}.gaps[${i}]`, {
      start_s: [isNum, true], duration_s: [isNum, true], chunks: [isInt, true],
    }, out));
  }
}

/** @type {Record<string, (r: any, out: string[]) => void>} */
const RESULT_CHECKS = {
  'download.start': (r, out) => fields(r, 'result', { job: [(v) => isStr(v) && v !== '', true] }, out),
  'jobs.list': (r, out) => {
    fields(r, 'result', { jobs: [(v) => v === null || Array.isArray(v), true], next: [isStr, false] }, out);
    if (isObj(r) && Array.isArray(r.jobs)) r.jobs.forEach((j, i) => checkEventFields(j, `result.jobs[${i}]`, out));
  },
  'settings.get': (r, out) => checkSettings(r, 'result', out),
  'settings.set': (r, out) => checkSettings(r, 'result', out),
  'space.info': (r, out) => checkSpaceInfo(r, 'result', out),
  'library.list': (r, out) => checkLibraryPage(r, out),
  'library.search': (r, out) => checkLibraryPage(r, out),
  'library.show': (r, out) => {
    checkLibraryItem(r, 'result', out);
    fields(r, 'result', { file_info: [Array.isArray, true], turns: [Array.isArray, true], talk_time: [Array.isArray, true],
      captions: [Array.isArray, true], captions_offset: [isCount, true] }, out);
  },
  'library.stats': (r, out) => fields(r, 'result', {
    spaces: [isCount, true], hours: [isNum, true], avg_listeners: [isNum, true], peak_listeners: [isCount, true],
    speakers: [Array.isArray, true], title_words: [Array.isArray, true], topics: [Array.isArray, true], months: [Array.isArray, true],
  }, out),
  'library.remove': (r, out) => fields(r, 'result', { removed: [(v) => Array.isArray(v) && v.every(isStr), true] }, out),
  // The library's HTTP server on loopback, token included (PROTOCOL.md, "The library over HTTP").
  'library.serve': (r, out) => fields(r, 'result', { base_url: [(v) => isStr(v) && /^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/$/.test(v), true] }, out),
  'page.spaces': (r, out) => fields(r, 'result', { ids: [(v) => Array.isArray(v) && v.length <= 200 && v.every(isStr), true] }, out),
  'spaces.search': (r, out) => {
    fields(r, 'result', { items: [Array.isArray, true] }, out);
    if (isObj(r) && Array.isArray(r.items)) {
      r.items.forEach((it, i) => fields(it, `result.items[${i}]`, {
        id: [(v) => isStr(v) && v !== '', true], title: [isStr, true], url: [isStr, true], host: [isStr, true],
        state: [(v) => STATUSES.includes(v), true], replayable: [(v) => typeof v === 'boolean', true],
        live_listeners: [isCount, false], host_id: [isStr, false],
      }, out));
    }
  },
  'watch.list': (r, out) => checkWatchList(r, 'result', out),
  'watch.add': (r, out) => checkWatchList(r, 'result', out),
  'watch.remove': (r, out) => checkWatchList(r, 'result', out),
  'watch.status': (r, out) => fields(r, 'result', {
    state: [isStr, true], message: [isStr, false], where: [isStr, false], session: [(v) => typeof v === 'boolean', true],
    hosts: [isInt, true], pending: [isInt, false], interval_s: [isNum, false], last_check: [isNum, false], until: [isNum, false],
    recording: [Array.isArray, false],
  }, out),
};

/** @param {any} it @param {string} where @param {string[]} out */
function checkLibraryItem(it, where, out) {
  fields(it, where, {
    id: [(v) => isStr(v) && v !== '', true], title: [isStr, true], host: [isStr, true], state: [isStr, true],
    duration_s: [isNum, true], files: [(v) => Array.isArray(v) && v.every(isStr), true],
    listener_curve: [(v) => Array.isArray(v) && v.every((p) => isObj(p) && isNum(p.t_s) && isCount(p.count)), false],
    peak_listeners: [isCount, false],
  }, out);
}

/** @param {any} r @param {string[]} out */
function checkLibraryPage(r, out) {
  fields(r, 'result', { items: [Array.isArray, true], total: [isCount, true], offset: [isCount, true] }, out);
  if (isObj(r) && Array.isArray(r.items)) r.items.forEach((it, i) => checkLibraryItem(it, `result.items[${i}]`, out));
}

/**
 * Problems with a reply; requestType (when known) checks the result's shape.
 * @param {any} msg @param {string} [requestType]
 */
export function validateReply(msg, requestType) {
  /** @type {string[]} */
  const out = [];
  // id is null only in an error reply to a frame the host could not read.
  fields(msg, 'reply', { id: [(v) => isInt(v) || isStr(v) || v === null, true], ok: [(v) => typeof v === 'boolean', true] }, out);
  if (out.length) return out;
  if (msg.ok && msg.id === null) out.push('reply.id: null in a successful reply');
  if (msg.ok) {
    const check = requestType && RESULT_CHECKS[requestType];
    if (check) check(msg.result, out);
  } else {
    checkError(msg.error, 'reply.error', out);
  }
  return out;
}

/** @param {any} msg */
export function validateHello(msg) {
  /** @type {string[]} */
  const out = [];
  fields(msg, 'hello', {
    type: [(v) => v === 'hello', true], version: [isStr, true], protocol: [isInt, true],
    ffmpeg: [(v) => typeof v === 'boolean', false], ffmpeg_version: [isStr, false],
    capabilities: [(v) => v === null || (Array.isArray(v) && v.every(isStr)), false],
  }, out);
  return out;
}

/** @param {any} msg */
export function validateEvent(msg) {
  /** @type {string[]} */
  const out = [];
  if (!isObj(msg) || !EVENT_TYPES.includes(msg.type)) return [`event.type: unknown ${JSON.stringify(msg?.type)}`];
  checkEventFields(msg, 'event', out);
  if (msg.type === 'job.done' && !isStr(msg.path)) out.push('event.path: missing in job.done');
  if (msg.type === 'job.failed' && !isStr(msg.code)) out.push('event.code: missing in job.failed');
  return out;
}

/**
 * What a frame from the host is: 'reply', 'hello', 'event' or 'unknown'.
 * @param {any} msg
 */
export function classify(msg) {
  if (!isObj(msg)) return 'unknown';
  if ('ok' in msg && 'id' in msg) return 'reply';
  if (msg.type === 'hello') return 'hello';
  if (EVENT_TYPES.includes(msg.type)) return 'event';
  return 'unknown';
}

/**
 * Problems with any frame from the host.
 * @param {any} msg @param {string} [requestType]
 */
export function validateHostMessage(msg, requestType) {
  switch (classify(msg)) {
    case 'reply': return validateReply(msg, requestType);
    case 'hello': return validateHello(msg);
    case 'event': return validateEvent(msg);
    default: return ['unknown message'];
  }
}
