// The x.com page calls AudioSpaceById with X's current queryId and features.
// We watch that request (never its cookies or headers) and hand the latest
// values to the host as hints, fresher than any list baked into the binary.

export const AUDIO_SPACE_URL_PATTERNS = [
  'https://x.com/i/api/graphql/*',
  'https://*.x.com/i/api/graphql/*',
  'https://twitter.com/i/api/graphql/*',
  'https://*.twitter.com/i/api/graphql/*',
];

const PATH_RE = /^\/i\/api\/graphql\/([A-Za-z0-9_-]{5,64})\/AudioSpaceById\/?$/;

/**
 * {query_id, features} from an AudioSpaceById request URL, or null.
 * @param {string} url
 * @returns {{query_id: string, features?: any} | null}
 */
export function hintsFromUrl(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const m = PATH_RE.exec(u.pathname);
  if (!m) return null;
  /** @type {{query_id: string, features?: any}} */
  const out = { query_id: m[1] };
  const f = u.searchParams.get('features');
  if (f) {
    try {
      const parsed = JSON.parse(f);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) out.features = parsed;
    } catch { /* ignore a features blob we cannot read */ }
  }
  return out;
}
