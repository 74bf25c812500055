import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setMessages } from '../../lib/i18n.js';
import { watchRefFromInfo, isSessionCookieChange, liveNotification, describeWatchStatus, showWatchBanner, LIVE_PREFIX } from '../../lib/watch.js';
import { validateEvent, validateReply } from '../../lib/messages.js';
import { examples } from './helpers.mjs';

setMessages(JSON.parse(readFileSync(new URL('../../_locales/en/messages.json', import.meta.url), 'utf8')));

test('the Watch button watches the card\'s host by handle and id', () => {
  assert.deepEqual(watchRefFromInfo({ host_handle: '@spacekeeper', host_id: '1356272936412512257' }),
    { handle: 'spacekeeper', id: '1356272936412512257' });
  // A 19-digit id stays a string: as a number it would lose digits.
  assert.equal(typeof watchRefFromInfo({ host_handle: 'a', host_id: '1356272936412512257' })?.id, 'string');
  assert.deepEqual(watchRefFromInfo({ host_handle: 'ada' }), { handle: 'ada' });
  assert.equal(watchRefFromInfo({ host_handle: '' }), null);
  assert.equal(watchRefFromInfo({ host_handle: 'not a handle!' }), null);
  assert.equal(watchRefFromInfo(null), null);
  assert.deepEqual(watchRefFromInfo({ host_handle: 'ada', host_id: 1356272936412512257 }), { handle: 'ada' });
});

test('only x.com session cookies resend the session', () => {
  assert.equal(isSessionCookieChange({ cookie: { name: 'auth_token', domain: '.x.com' } }), true);
  assert.equal(isSessionCookieChange({ cookie: { name: 'ct0', domain: 'x.com' } }), true);
  assert.equal(isSessionCookieChange({ cookie: { name: 'ct0', domain: '.evil.com' } }), false);
  assert.equal(isSessionCookieChange({ cookie: { name: 'guest_id', domain: '.x.com' } }), false);
  assert.equal(isSessionCookieChange({}), false);
});

test('watch.live becomes "Recording @host: Title" with a Stop button', () => {
  const ev = examples().find((e) => e.name === 'watch.live.json')?.data;
  assert.ok(ev, 'protocol/testdata/messages/watch.live.json');
  assert.deepEqual(validateEvent(ev), []);
  const n = liveNotification(ev, true);
  assert.equal(n.id, LIVE_PREFIX + ev.job);
  assert.equal(n.options.title, 'Recording @spacekeeper');
  assert.equal(n.options.message, 'Live right now');
  assert.deepEqual(n.options.buttons, [{ title: 'Stop' }]);
  assert.equal(liveNotification(ev, false).options.buttons, undefined);
});

test('watch replies are checked', () => {
  for (const name of ['watch.list', 'watch.add', 'watch.remove', 'watch.status']) {
    const r = examples().find((e) => e.name === `${name}.reply.json`)?.data;
    assert.deepEqual(validateReply(r, name), [], name);
  }
  assert.notDeepEqual(validateReply({ id: 1, ok: true, result: {} }, 'watch.list'), []);
  assert.equal(describeWatchStatus({ state: 'idle' }), 'No host watched yet.');
  assert.equal(describeWatchStatus({ state: 'x', message: 'Said.' }), 'Said.');
});

test('the popup says when the watcher is paused for want of a session', async () => {
  const el = /** @type {any} */ ({ hidden: false, textContent: '', dataset: {} });
  const ui = (/** @type {any} */ st) => ({ call: async () => st });
  await showWatchBanner(ui({ state: 'no_session', hosts: 2, session: false }), el);
  assert.equal(el.hidden, false);
  assert.equal(el.textContent, 'Paused: log in to x.com in this browser.');
  await showWatchBanner(ui({ state: 'watching', hosts: 2, session: true }), el);
  assert.equal(el.hidden, true);
  await showWatchBanner(ui({ state: 'no_session', hosts: 0, session: false }), el);
  assert.equal(el.hidden, true, 'nothing watched: nothing to say');
  await showWatchBanner({ call: async () => { throw new Error('unknown_type'); } }, el);
  assert.equal(el.hidden, true, 'a host that does not watch: nothing to say');
});
