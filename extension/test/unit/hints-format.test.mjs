import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hintsFromUrl } from '../../lib/hints.js';
import { formatBytes, formatDuration, formatWhen, normalizeState, spaceLength, formatSpeed } from '../../lib/format.js';

test('AudioSpaceById hints from the page request', () => {
  const features = { spaces_2022_h2_clipping: true, a_enabled: false };
  const url = `https://x.com/i/api/graphql/rC2zlE1t7SHbVG8obPZliQ/AudioSpaceById?variables=${encodeURIComponent('{"id":"1OyKAWgagpqJb"}')}&features=${encodeURIComponent(JSON.stringify(features))}`;
  assert.deepEqual(hintsFromUrl(url), { query_id: 'rC2zlE1t7SHbVG8obPZliQ', features });
  assert.deepEqual(hintsFromUrl('https://x.com/i/api/graphql/Uv5R_-Chxbn1FEkyUkSW2w/AudioSpaceById?features=notjson'), { query_id: 'Uv5R_-Chxbn1FEkyUkSW2w' });
  assert.equal(hintsFromUrl('https://x.com/i/api/graphql/abcdef/UserByScreenName?features=%7B%7D'), null);
  assert.equal(hintsFromUrl('not a url'), null);
});

test('formatting for people', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1500), '1.5 KB');
  assert.equal(formatBytes(115343360), '115 MB');
  assert.equal(formatSpeed(2_000_000), '2.0 MB/s');
  assert.equal(formatDuration(42), '0:42');
  assert.equal(formatDuration(7200.5), '2:00:01');
  assert.equal(formatDuration(undefined), '');
  assert.equal(normalizeState('Running'), 'live');
  assert.equal(normalizeState('NotStarted'), 'scheduled');
  assert.equal(normalizeState('TimedOut'), 'ended');
  assert.equal(normalizeState('Ended'), 'ended');
  assert.equal(normalizeState(undefined), 'unknown');
  assert.equal(spaceLength({ started_at: 1719590400000, ended_at: 1719597600000 }), 7200);
  assert.equal(spaceLength({}), undefined);
});

test('when a scheduled Space starts: the time today, the day too otherwise', () => {
  const now = new Date(2025, 2, 1, 17, 48).getTime();
  const today = formatWhen(new Date(2025, 2, 1, 18, 0).getTime(), now);
  assert.match(today, /18[:.]00|6[:.]00/);
  assert.doesNotMatch(today, /Mar/);
  const tomorrow = formatWhen(new Date(2025, 2, 2, 18, 0).getTime(), now);
  assert.match(tomorrow, /2/);
  assert.notEqual(tomorrow, today);
  assert.equal(formatWhen(undefined, now), '');
  assert.equal(formatWhen(0, now), '');
});

test('a scheduled start in another year shows the year', () => {
  const now = new Date(2025, 11, 30, 17, 48).getTime();
  assert.match(formatWhen(new Date(2100, 0, 1, 0, 0).getTime(), now), /2100/);
  assert.match(formatWhen(new Date(2026, 0, 1, 18, 0).getTime(), now), /2026/);
  assert.doesNotMatch(formatWhen(new Date(2025, 11, 31, 18, 0).getTime(), now), /2025/);
});
