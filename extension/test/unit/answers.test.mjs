// lib/answers.js: X's own answers from the page, checked and kept a few
// minutes per Space; the protocol example's answers are what it produces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { examples } from './helpers.mjs';
import { readAnswer, rememberAnswer, pageFor, emptyAnswers, isXPage, ANSWER_TTL_MS, MAX_ANSWER_CHARS } from '../../lib/answers.js';

const ex = examples().find((e) => e.name === 'download.start.request.json')?.data.payload;
const ID = '1OyKAWgagpqJb';
const audioUrl = `/i/api/graphql/zZdRiFtEdQuErYiD0nLy/AudioSpaceById?variables=${encodeURIComponent(JSON.stringify({ id: ID }))}&features=%7B%7D`;
const statusUrl = `/i/api/1.1/live_video_stream/status/${ex.page.media_key}?client=web`;

test('the page\'s answers become the protocol\'s `page`', () => {
  const a = readAnswer('audio_space', audioUrl, ex.page.audio_space);
  assert.ok(a && a.kind === 'audio_space');
  assert.equal(a.spaceId, ID);
  const s = readAnswer('stream_status', statusUrl, ex.page.stream_status);
  assert.ok(s);
  let st = rememberAnswer(undefined, s, 1000); // play may come before we saw the Space's answer
  st = rememberAnswer(st, a, 1001);
  assert.deepEqual(pageFor(st, ID, 2000), ex.page);
  assert.equal(pageFor(st, '1RDGlAegVZmJL', 2000), undefined);
  // A few minutes, then forgotten.
  assert.equal(pageFor(st, ID, 1001 + ANSWER_TTL_MS), undefined);
  assert.deepEqual(rememberAnswer(st, s, 2 + 1001 + ANSWER_TTL_MS).spaces, {});
});

test('answers that are not what they claim are refused', () => {
  const other = structuredClone(ex.page.audio_space);
  other.data.audioSpace.metadata.rest_id = '1RDGlAegVZmJL';
  assert.equal(readAnswer('audio_space', audioUrl, other), null, 'about another Space than the call asked for');
  assert.equal(readAnswer('audio_space', '/i/api/graphql/QID_12345/UserByScreenName', ex.page.audio_space), null);
  assert.equal(readAnswer('audio_space', audioUrl, { errors: [{ code: 32 }] }), null, 'an error answer');
  assert.equal(readAnswer('audio_space', audioUrl, [ex.page.audio_space]), null);
  assert.equal(readAnswer('stream_status', '/i/api/1.1/live_video_stream/status/28_1/extra', ex.page.stream_status), null);
  assert.equal(readAnswer('stream_status', statusUrl, { source: {} }), null);
  assert.equal(readAnswer('cookies', audioUrl, ex.page.audio_space), null);
  const big = structuredClone(ex.page.audio_space);
  big.data.audioSpace.metadata.title = 'x'.repeat(MAX_ANSWER_CHARS);
  assert.equal(readAnswer('audio_space', audioUrl, big), null, 'too big');
});

test('only x.com and twitter.com pages over https', () => {
  for (const u of ['https://x.com/i/spaces/1', 'https://mobile.twitter.com/i/spaces/1']) assert.ok(isXPage(u), u);
  for (const u of ['http://x.com/', 'https://x.com.evil.example/', 'https://notx.com/', 'nonsense', undefined]) assert.ok(!isXPage(u), String(u));
  assert.deepEqual(emptyAnswers(), { spaces: {}, statuses: {} });
});
