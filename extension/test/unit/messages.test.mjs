import { test } from 'node:test';
import assert from 'node:assert/strict';
import { examples } from './helpers.mjs';
import {
  validateRequest, validateReply, validateEvent, validateHello, validateHostMessage, classify,
  buildRequest, downloadStartPayload, spaceInfoPayload, REQUEST_TYPES,
} from '../../lib/messages.js';

const COOKIES = { auth_token: 'a'.repeat(40), ct0: 'b'.repeat(32) };

test('every example in protocol/testdata/messages is valid for the extension', () => {
  const all = examples();
  assert.ok(all.length >= 10, 'expected the protocol examples');
  const seenRequests = new Set();
  for (const { name, data } of all) {
    const base = name.replace(/\.json$/, '');
    if (base.endsWith('.request')) {
      const type = base.slice(0, -'.request'.length);
      assert.equal(data.type, type, name);
      assert.deepEqual(validateRequest(data), [], name);
      // What we build from the same parts is the same frame.
      assert.deepEqual(buildRequest(data.id, data.type, data.payload), data, name);
      seenRequests.add(type);
    } else if (base.endsWith('.reply')) {
      const type = base.slice(0, -'.reply'.length);
      assert.equal(classify(data), 'reply', name);
      assert.deepEqual(validateReply(data, REQUEST_TYPES.includes(/** @type {any} */ (type)) ? type : undefined), [], name);
    } else if (base === 'hello') {
      assert.equal(classify(data), 'hello');
      assert.deepEqual(validateHello(data), [], name);
    } else {
      assert.equal(classify(data), 'event', name);
      assert.deepEqual(validateEvent(data), [], name);
      assert.deepEqual(validateHostMessage(data), [], name);
    }
  }
  // The examples cover the requests the extension sends.
  for (const t of ['download.start', 'space.info', 'jobs.list', 'job.cancel', 'file.reveal', 'file.open', 'settings.get', 'settings.set',
    'library.list', 'library.search', 'library.show', 'library.stats', 'library.remove', 'library.serve']) {
    assert.ok(seenRequests.has(t), `protocol/testdata has no ${t}.request.json`);
  }
});

test('download.start and space.info payloads we build are valid', () => {
  const p = downloadStartPayload({
    space: '1OyKAWgagpqJb', cookies: { ...COOKIES, extra: 'x' }, options: { format: 'mp3', output_dir: '', concurrency: 0 },
    hints: { query_id: 'rC2zlE1t7SHbVG8obPZliQ', features: { a: true } },
  });
  assert.deepEqual(p, {
    space: '1OyKAWgagpqJb', cookies: COOKIES, options: { format: 'mp3' },
    hints: { query_id: 'rC2zlE1t7SHbVG8obPZliQ', features: { a: true } },
  });
  assert.deepEqual(validateRequest(buildRequest(1, 'download.start', p)), []);
  const q = spaceInfoPayload({ space: '1OyKAWgagpqJb', cookies: COOKIES, hints: null });
  assert.deepEqual(q, { space: '1OyKAWgagpqJb', cookies: COOKIES });
  assert.deepEqual(validateRequest(buildRequest(2, 'space.info', q)), []);
});

test('logged out (no cookies), with the page\'s answers and the browser: as in the protocol example', () => {
  const ex = examples().find((e) => e.name === 'download.start.request.json')?.data.payload;
  const p = downloadStartPayload({ space: ex.space, cookies: null, options: {}, page: ex.page, browser: ex.browser });
  assert.deepEqual(p, { space: ex.space, options: {}, page: ex.page, browser: ex.browser });
  assert.deepEqual(validateRequest(buildRequest(3, 'download.start', p)), []);
  // A status without its media key is not sent: the host could not match it.
  const q = spaceInfoPayload({ space: ex.space, page: { audio_space: ex.page.audio_space, stream_status: ex.page.stream_status } });
  assert.deepEqual(q, { space: ex.space, page: { audio_space: ex.page.audio_space } });
  assert.throws(() => buildRequest(4, 'space.info', { space: ex.space, page: { audio_space: 'not an object' } }));
  assert.throws(() => buildRequest(4, 'space.info', { space: ex.space, browser: { user_agent: 42 } }));
});

test('invalid requests are refused before they reach the host', () => {
  assert.throws(() => buildRequest(1, 'nope'));
  assert.throws(() => buildRequest(1, 'download.start', { space: 'x', cookies: { auth_token: '', ct0: 'y' } }));
  assert.throws(() => buildRequest(1, 'download.start', { space: 'x', cookies: COOKIES, options: { format: 'wav' } }));
  assert.throws(() => buildRequest(1, 'job.cancel', {}));
  assert.throws(() => buildRequest(1, 'file.reveal', { path: '' }));
  assert.throws(() => buildRequest(0.5, 'ping'));
  assert.throws(() => buildRequest(1, 'settings.set', { concurrency: -1 }));
});

test('malformed host messages are reported', () => {
  assert.notDeepEqual(validateReply({ id: 1 }), []);
  assert.notDeepEqual(validateReply({ id: 1, ok: false, error: { code: '' } }), []);
  assert.notDeepEqual(validateReply({ id: null, ok: true, result: {} }), []);
  assert.notDeepEqual(validateReply({ id: 1, ok: true, result: { title: 'x' } }, 'space.info'), []);
  assert.notDeepEqual(validateEvent({ type: 'job.done', job: 'j' }), []);
  assert.notDeepEqual(validateEvent({ type: 'job.failed', job: 'j' }), []);
  assert.notDeepEqual(validateEvent({ type: 'job.progress', job: 'j', chunks_done: 'many' }), []);
  assert.notDeepEqual(validateHello({ type: 'hello', protocol: '1' }), []);
  assert.equal(classify({ type: 'what' }), 'unknown');
});

test('library replies are checked against their shape', () => {
  const list = examples().find((e) => e.name === 'library.list.reply.json')?.data;
  assert.ok(list, 'protocol/testdata has library.list.reply.json');
  assert.deepEqual(validateReply(list, 'library.list'), []);
  const bad = structuredClone(list);
  delete bad.result.items[0].files;
  assert.ok(validateReply(bad, 'library.list').length > 0, 'an item without files is refused');
  assert.throws(() => buildRequest(1, 'library.show', {}));
  assert.throws(() => buildRequest(1, 'library.list', { offset: -1 }));
  assert.deepEqual(validateRequest(buildRequest(2, 'library.list')), []);
});
