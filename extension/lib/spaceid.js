// Space ids from links. Mirrors host/spaceurl (Go): a bare id, or
// http(s)://[www.|mobile.](x|twitter).com/i/spaces/<id>[/peek][?query][#fragment].

export const ID_LEN = 13;
const ID_RE = /^[0-9A-Za-z]{13}$/;
const HOSTS = new Set([
  'x.com', 'www.x.com', 'mobile.x.com',
  'twitter.com', 'www.twitter.com', 'mobile.twitter.com',
]);

/** Match patterns of Space pages, for contextMenus and webRequest filters. */
export const SPACE_URL_PATTERNS = [
  'https://x.com/i/spaces/*',
  'https://*.x.com/i/spaces/*',
  'https://twitter.com/i/spaces/*',
  'https://*.twitter.com/i/spaces/*',
];

/** @param {unknown} s */
export function validId(s) {
  return typeof s === 'string' && ID_RE.test(s);
}

/**
 * The Space id in a link or bare id, or null.
 * @param {string | undefined | null} input
 * @returns {string | null}
 */
export function parseSpaceId(input) {
  if (typeof input !== 'string') return null;
  const s = input.trim();
  if (validId(s)) return s;
  let raw = s;
  if (!raw.includes('://')) raw = 'https://' + raw;
  let u;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  if (u.username || u.password || u.port) return null;
  if (!HOSTS.has(u.hostname.toLowerCase())) return null;
  const parts = u.pathname.replace(/^\/+|\/+$/g, '').split('/');
  if (parts.length < 3 || parts.length > 4) return null;
  if (parts[0] !== 'i' || parts[1] !== 'spaces' || !validId(parts[2])) return null;
  if (parts.length === 4 && parts[3] !== 'peek') return null;
  return parts[2];
}

/** @param {string} id */
export function spaceUrl(id) {
  return 'https://x.com/i/spaces/' + id;
}

/**
 * The site whose cookies belong to a page: twitter.com pages use twitter.com's
 * cookies, everything else x.com's.
 * @param {string | undefined} pageUrl
 */
export function cookieSiteFor(pageUrl) {
  try {
    const h = new URL(pageUrl ?? '').hostname.toLowerCase();
    if (h === 'twitter.com' || h.endsWith('.twitter.com')) return 'https://twitter.com/';
  } catch { /* not a URL */ }
  return 'https://x.com/';
}
