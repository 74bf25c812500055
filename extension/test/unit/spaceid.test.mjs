import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpaceId, validId, spaceUrl, cookieSiteFor } from '../../lib/spaceid.js';

const ID = '1OyKAWgagpqJb';

test('Space ids from links', () => {
  const good = [
    ID,
    ` ${ID} `,
    `https://x.com/i/spaces/${ID}`,
    `https://x.com/i/spaces/${ID}/`,
    `https://x.com/i/spaces/${ID}/peek`,
    `https://x.com/i/spaces/${ID}?s=20`,
    `https://x.com/i/spaces/${ID}#frag`,
    `https://x.com/i/spaces/${ID}/peek?s=20&t=abc#x`,
    `http://x.com/i/spaces/${ID}`,
    `https://www.x.com/i/spaces/${ID}`,
    `https://mobile.x.com/i/spaces/${ID}`,
    `https://twitter.com/i/spaces/${ID}`,
    `https://mobile.twitter.com/i/spaces/${ID}`,
    `https://www.twitter.com/i/spaces/${ID}`,
    `https://X.COM/i/spaces/${ID}`,
    `x.com/i/spaces/${ID}`,
    `twitter.com/i/spaces/${ID}/peek`,
  ];
  for (const s of good) assert.equal(parseSpaceId(s), ID, s);
});

test('not Space links', () => {
  const bad = [
    '', 'hello', '1OyKAWgagpqJ', '1OyKAWgagpqJbb', '1OyKAWgag-qJb',
    `https://x.com/i/space/${ID}`,
    `https://x.com/i/spaces/${ID}/listen`,
    `https://x.com/i/spaces/${ID}/peek/more`,
    `https://x.com/i/spaces/`,
    `https://x.com/someone/status/1234567890123`,
    `https://evil.com/i/spaces/${ID}`,
    `https://x.com.evil.com/i/spaces/${ID}`,
    `https://api.x.com/i/spaces/${ID}`,
    `https://x.com:8443/i/spaces/${ID}`,
    `https://user@x.com/i/spaces/${ID}`,
    `ftp://x.com/i/spaces/${ID}`,
    `chrome-extension://abc/popup.html`,
    undefined, null,
  ];
  for (const s of bad) assert.equal(parseSpaceId(/** @type {any} */ (s)), null, String(s));
});

test('validId, spaceUrl, cookieSiteFor', () => {
  assert.ok(validId(ID));
  assert.ok(!validId(42));
  assert.equal(spaceUrl(ID), `https://x.com/i/spaces/${ID}`);
  assert.equal(cookieSiteFor(`https://mobile.twitter.com/i/spaces/${ID}`), 'https://twitter.com/');
  assert.equal(cookieSiteFor(`https://x.com/i/spaces/${ID}`), 'https://x.com/');
  assert.equal(cookieSiteFor('https://example.org/'), 'https://x.com/');
  assert.equal(cookieSiteFor(undefined), 'https://x.com/');
});
