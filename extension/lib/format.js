// Numbers for people: sizes, speeds, durations.

/** @param {number | undefined} n bytes */
export function formatBytes(n) {
  if (!n || n < 0) return '0 B';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** @param {number | undefined} bps bytes per second */
export function formatSpeed(bps) {
  return `${formatBytes(bps)}/s`;
}

/**
 * 0:42, 12:03, 1:02:03.
 * @param {number | undefined} seconds
 */
export function formatDuration(seconds) {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * The Space's state in one of three words: live, scheduled, ended.
 * @param {string | undefined} state as the host reports it (X's Running, NotStarted, Ended, TimedOut, Canceled)
 */
export function normalizeState(state) {
  const s = (state ?? '').toLowerCase().replace(/[^a-z]/g, '');
  if (s === 'running' || s === 'live') return 'live';
  if (s === 'notstarted' || s === 'scheduled' || s === 'prelive') return 'scheduled';
  if (s === 'ended' || s === 'timedout' || s === 'canceled' || s === 'cancelled') return 'ended';
  return 'unknown';
}

/**
 * Length of a Space in seconds from its started_at / ended_at (ms), or undefined.
 * @param {{started_at?: number, ended_at?: number}} info
 * @param {number} [now]
 */
export function spaceLength(info, now = Date.now()) {
  if (!info?.started_at) return undefined;
  const end = info.ended_at || now;
  if (end < info.started_at) return undefined;
  return (end - info.started_at) / 1000;
}

/**
 * When a scheduled Space starts, for people: "18:00" today, else with the
 * day ("Sun, 2 Mar, 18:00", in the browser's locale), and the year when it
 * is not this year's.
 * @param {number | undefined} ms since the epoch
 * @param {number} [now]
 */
export function formatWhen(ms, now = Date.now()) {
  if (!ms || !Number.isFinite(ms)) return '';
  const at = new Date(ms);
  const time = { hour: '2-digit', minute: '2-digit' };
  if (at.toDateString() === new Date(now).toDateString()) {
    return at.toLocaleTimeString(undefined, /** @type {Intl.DateTimeFormatOptions} */ (time));
  }
  // The year only when it is not this one: X's answer can say 2100.
  const year = at.getFullYear() === new Date(now).getFullYear() ? {} : { year: 'numeric' };
  return at.toLocaleString(undefined, /** @type {Intl.DateTimeFormatOptions} */ ({ weekday: 'short', day: 'numeric', month: 'short', ...year, ...time }));
}
