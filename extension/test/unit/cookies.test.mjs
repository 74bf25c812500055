import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sessionCookies, storeIdForTab } from '../../lib/cookies.js';

/**
 * A fake `cookies` API: jar[storeId][url origin][name] = value.
 * @param {Record<string, Record<string, Record<string, string>>>} jar
 * @param {Record<string, number[]>} stores
 * @param {{fpi?: boolean}} [opts]
 */
function fakeCookies(jar, stores, opts = {}) {
  const calls = [];
  return {
    calls,
    async getAllCookieStores() {
      return Object.entries(stores).map(([id, tabIds]) => ({ id, tabIds }));
    },
    async get(/** @type {any} */ d) {
      calls.push({ ...d });
      if (opts.fpi && d.firstPartyDomain === undefined) throw new Error('First-Party Isolation is enabled, but the required \'firstPartyDomain\' attribute was not set.');
      const store = d.storeId ?? '0';
      const v = jar[store]?.[new URL(d.url).origin]?.[d.name];
      return v === undefined ? null : { name: d.name, value: v };
    },
  };
}

const X = 'https://x.com';

test('cookies come from the store of the tab (Chrome incognito)', async () => {
  const api = fakeCookies({
    0: { [X]: { auth_token: 'normal-a', ct0: 'normal-c' } },
    1: { [X]: { auth_token: 'incog-a', ct0: 'incog-c' } },
  }, { 0: [1, 2], 1: [7] });
  assert.deepEqual(await sessionCookies(api, { id: 7, url: 'https://x.com/i/spaces/1OyKAWgagpqJb' }), { auth_token: 'incog-a', ct0: 'incog-c' });
  assert.deepEqual(await sessionCookies(api, { id: 2, url: 'https://x.com/' }), { auth_token: 'normal-a', ct0: 'normal-c' });
  assert.ok(api.calls.every((c) => c.url === 'https://x.com/'));
});

test('Firefox containers: tab.cookieStoreId wins', async () => {
  const api = fakeCookies({ 'firefox-container-2': { [X]: { auth_token: 'work-a', ct0: 'work-c' } } }, {});
  assert.equal(await storeIdForTab(api, { id: 3, cookieStoreId: 'firefox-container-2' }), 'firefox-container-2');
  assert.deepEqual(await sessionCookies(api, { id: 3, cookieStoreId: 'firefox-container-2', url: 'https://x.com/' }), { auth_token: 'work-a', ct0: 'work-c' });
});

test('not logged in: auth_required, and the error holds no cookie', async () => {
  const api = fakeCookies({ 0: { [X]: { ct0: 'only-ct0-secret' } } }, { 0: [1] });
  await assert.rejects(sessionCookies(api, { id: 1, url: 'https://x.com/' }), (/** @type {any} */ e) => {
    assert.equal(e.code, 'auth_required');
    assert.ok(!String(e.message).includes('only-ct0-secret'));
    return true;
  });
  // A logged-in container does not help a tab in another store.
  const api2 = fakeCookies({ 1: { [X]: { auth_token: 'a', ct0: 'c' } } }, { 0: [1], 1: [2] });
  await assert.rejects(sessionCookies(api2, { id: 1, url: 'https://x.com/' }), { code: 'auth_required' });
});

test('twitter.com tabs use twitter.com cookies, then x.com', async () => {
  const T = 'https://twitter.com';
  const api = fakeCookies({ 0: { [T]: { auth_token: 'tw-a', ct0: 'tw-c' }, [X]: { auth_token: 'x-a', ct0: 'x-c' } } }, { 0: [1] });
  assert.deepEqual(await sessionCookies(api, { id: 1, url: 'https://twitter.com/i/spaces/1OyKAWgagpqJb' }), { auth_token: 'tw-a', ct0: 'tw-c' });
  const api2 = fakeCookies({ 0: { [X]: { auth_token: 'x-a', ct0: 'x-c' } } }, { 0: [1] });
  assert.deepEqual(await sessionCookies(api2, { id: 1, url: 'https://mobile.twitter.com/i/spaces/1OyKAWgagpqJb' }), { auth_token: 'x-a', ct0: 'x-c' });
});

test('first-party isolation: retried with firstPartyDomain', async () => {
  const api = fakeCookies({ 0: { [X]: { auth_token: 'a', ct0: 'c' } } }, { 0: [1] }, { fpi: true });
  assert.deepEqual(await sessionCookies(api, { id: 1, url: 'https://x.com/' }), { auth_token: 'a', ct0: 'c' });
  assert.ok(api.calls.some((c) => c.firstPartyDomain === 'x.com'));
});

test('a tab without an id (or none) uses the default store', async () => {
  const api = fakeCookies({ 0: { [X]: { auth_token: 'a', ct0: 'c' } } }, { 0: [] });
  assert.equal(await storeIdForTab(api, undefined), undefined);
  assert.equal(await storeIdForTab(api, { id: -1 }), undefined);
  assert.deepEqual(await sessionCookies(api, undefined, 'https://x.com/i/spaces/1OyKAWgagpqJb'), { auth_token: 'a', ct0: 'c' });
});
