import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rememberTimeline, tabAnswers, mapLimit, MAX_TAB_ANSWERS, TAB_ANSWER_TTL_MS } from '../../lib/pagespaces.js';

test('a tab keeps its newest timeline answers, fresh ones only, none too large', () => {
  /** @type {any} */
  const tabs = new Map();
  const now = 1_000_000;
  for (let i = 0; i < MAX_TAB_ANSWERS + 5; i++) rememberTimeline(tabs, 7, 'https://x.com/h', { n: i }, now + i);
  const kept = tabAnswers(tabs, 7, now + 100);
  assert.equal(kept.length, MAX_TAB_ANSWERS);
  assert.deepEqual(kept[kept.length - 1], { n: MAX_TAB_ANSWERS + 4 });
  assert.deepEqual(tabAnswers(tabs, 7, now + TAB_ANSWER_TTL_MS + 100), [], 'old answers are forgotten');
  assert.deepEqual(tabAnswers(tabs, 8, now), [], 'another tab has none');
  rememberTimeline(tabs, 9, 'https://x.com/h', { big: 'x'.repeat(1 << 20) }, now);
  rememberTimeline(tabs, 9, 'https://x.com/h', [1, 2], now);
  assert.deepEqual(tabAnswers(tabs, 9, now), [], 'an answer over 1 MiB or not an object is not kept');
});

test('mapLimit keeps the order and runs at most limit at once', async () => {
  let running = 0;
  let most = 0;
  const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, n));
    running--;
    return n * 10;
  });
  assert.deepEqual(out, [50, 10, 40, 20, 30, 0]);
  assert.equal(most, 2);
});

test('requests for finding: page.spaces, spaces.search, watch.add of a topic', async () => {
  const { validateRequest } = await import('../../lib/messages.js');
  assert.deepEqual(validateRequest({ id: 1, type: 'watch.add', payload: { search: 'rust async', min_listeners: 5 } }), []);
  assert.notDeepEqual(validateRequest({ id: 1, type: 'watch.add', payload: { min_listeners: 5 } }), [], 'a topic needs words');
  assert.deepEqual(validateRequest({ id: 2, type: 'page.spaces', payload: { answers: [{ data: {} }], links: ['https://x.com/i/spaces/1OyKAWgagpqJb'] } }), []);
  assert.notDeepEqual(validateRequest({ id: 2, type: 'page.spaces', payload: { answers: Array(21).fill({}) } }), [], 'at most 20 answers');
  assert.notDeepEqual(validateRequest({ id: 3, type: 'spaces.search', payload: { query: ' ' } }), [], 'no words');
  assert.notDeepEqual(validateRequest({ id: 3, type: 'spaces.search', payload: { query: 'x', filter: 'recorded' } }), [], 'an unknown filter');
});
