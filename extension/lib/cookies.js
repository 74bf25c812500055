// The user's x.com session, read from the cookie store of the tab the user
// is looking at (Chrome incognito, Firefox containers and private windows
// each have their own). The values are secrets: they are returned to the
// caller only to be put into a download.start / space.info request; they
// are never stored, logged or put into an error message.
import { cookieSiteFor } from './spaceid.js';
import { CodedError } from './errors.js';

/**
 * The cookie store id of a tab, or undefined for the default store.
 * @param {any} cookiesApi the browser's `cookies` namespace
 * @param {{id?: number, cookieStoreId?: string, incognito?: boolean} | undefined} tab
 */
export async function storeIdForTab(cookiesApi, tab) {
  if (!tab) return undefined;
  if (typeof tab.cookieStoreId === 'string' && tab.cookieStoreId) return tab.cookieStoreId; // Firefox
  if (typeof tab.id !== 'number' || tab.id < 0) return undefined;
  const stores = await cookiesApi.getAllCookieStores();
  const store = stores.find((/** @type {{id: string, tabIds: number[]}} */ s) => s.tabIds?.includes(tab.id ?? -1));
  return store?.id;
}

/**
 * One cookie's value, '' when absent. Firefox with first-party isolation
 * needs firstPartyDomain: retry with it when the plain call is refused.
 * @param {any} cookiesApi @param {string} url @param {string} name @param {string | undefined} storeId
 */
async function cookieValue(cookiesApi, url, name, storeId) {
  /** @type {any} */
  const details = { url, name };
  if (storeId) details.storeId = storeId;
  let c;
  try {
    c = await cookiesApi.get(details);
  } catch (err) {
    if (!/firstPartyDomain/i.test(String(/** @type {any} */ (err)?.message))) throw err;
    c = await cookiesApi.get({ ...details, firstPartyDomain: new URL(url).hostname });
  }
  return typeof c?.value === 'string' ? c.value : '';
}

/**
 * auth_token and ct0 from the tab's cookie store. Throws a CodedError
 * 'auth_required' when either is missing: the user is not logged in to x.com
 * in this browser (or this container / private window).
 * @param {any} cookiesApi
 * @param {{id?: number, url?: string, cookieStoreId?: string, incognito?: boolean} | undefined} tab
 * @param {string} [pageUrl] the page the Space was found on (defaults to the tab's URL)
 * @returns {Promise<{auth_token: string, ct0: string}>}
 */
export async function sessionCookies(cookiesApi, tab, pageUrl) {
  const storeId = await storeIdForTab(cookiesApi, tab);
  const site = cookieSiteFor(pageUrl ?? tab?.url);
  const sites = site === 'https://x.com/' ? [site] : [site, 'https://x.com/'];
  for (const url of sites) {
    const [auth, ct0] = await Promise.all([
      cookieValue(cookiesApi, url, 'auth_token', storeId),
      cookieValue(cookiesApi, url, 'ct0', storeId),
    ]);
    if (auth && ct0) return { auth_token: auth, ct0 };
  }
  throw new CodedError('auth_required', 'not logged in to x.com in this cookie store');
}
