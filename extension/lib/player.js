// The Library page's player, the parts without a page: which caption or
// turn is at a time, how a turn is named and coloured, where the audio
// is, and the positions remembered per Space ("Continue listening").

/**
 * The index of the last item starting at or before t whose end is after
 * t, or -1 (items sorted by start_s). Binary search: a Space may have
 * thousands of captions and this runs on every timeupdate.
 * @param {{start_s: number, end_s: number}[]} items @param {number} t
 */
export function indexAt(items, t) {
  let lo = 0, hi = items.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].start_s <= t) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  if (found < 0) return -1;
  const it = items[found];
  // A caption without an end lasts until the next one.
  const end = it.end_s > it.start_s ? it.end_s : (items[found + 1]?.start_s ?? Infinity);
  return t < end ? found : -1;
}

/** "@handle — Name", or "@handle". @param {{handle?: string, name?: string}} p */
export function speakerLabel(p) {
  const h = (p.handle ?? '').replace(/^@/, '');
  if (!h) return p.name ?? '';
  return p.name && p.name !== h ? `@${h} — ${p.name}` : `@${h}`;
}

/** A stable hue per handle, for the seek bar's turn marks. @param {string} handle */
export function speakerHue(handle) {
  let x = 0;
  for (const c of handle.toLowerCase()) x = (x * 31 + c.charCodeAt(0)) >>> 0;
  return x % 360;
}

/** The audio's URL on the host's library server. @param {string} base @param {{id: string, files?: string[]}} item */
export function audioURL(base, item) {
  const file = item.files?.[0] ?? '';
  const m = /\.([A-Za-z0-9]+)$/.exec(file);
  if (!m || !base) return '';
  return `${base}audio/${encodeURIComponent(item.id)}.${m[1].toLowerCase()}`;
}

/** Clamps a seek target into the audio. @param {number} t @param {number} duration */
export function clampTime(t, duration) {
  const max = Number.isFinite(duration) && duration > 0 ? duration : Infinity;
  return Math.min(Math.max(0, t), max);
}

export const POSITIONS_KEY = 'listening';
export const MAX_POSITIONS = 50;

/**
 * @typedef {{t: number, d: number, title: string, host: string, files: string[], updated: number}} Position
 * @typedef {Record<string, Position>} Positions
 */

/**
 * Positions with id's set to p (or removed when p is null, or when the
 * Space was heard to its end), keeping the newest MAX_POSITIONS.
 * @param {Positions} all @param {string} id @param {Position | null} p
 * @returns {Positions}
 */
export function remember(all, id, p) {
  const out = { ...all };
  delete out[id];
  if (p && p.t >= 5 && !(p.d > 0 && p.d - p.t < 10)) out[id] = p;
  const keep = Object.entries(out).sort((a, b) => b[1].updated - a[1].updated).slice(0, MAX_POSITIONS);
  return Object.fromEntries(keep);
}

/** The Spaces to continue, most recent first. @param {Positions} all */
export function toContinue(all) {
  return Object.entries(all ?? {}).sort((a, b) => b[1].updated - a[1].updated).map(([id, p]) => ({ id, ...p }));
}
