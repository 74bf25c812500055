import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexAt, speakerLabel, speakerHue, audioURL, clampTime, remember, toContinue, MAX_POSITIONS } from '../../lib/player.js';

test('indexAt finds the caption or turn playing at a time', () => {
  const caps = [{ start_s: 5, end_s: 9 }, { start_s: 75, end_s: 80 }, { start_s: 80, end_s: 0 }, { start_s: 3599, end_s: 3600 }];
  assert.equal(indexAt(caps, 0), -1, 'before the first');
  assert.equal(indexAt(caps, 5), 0);
  assert.equal(indexAt(caps, 8.99), 0);
  assert.equal(indexAt(caps, 9), -1, 'between two');
  assert.equal(indexAt(caps, 75.2), 1);
  assert.equal(indexAt(caps, 100), 2, 'no end: until the next one');
  assert.equal(indexAt(caps, 3599.5), 3);
  assert.equal(indexAt(caps, 3600), -1);
  assert.equal(indexAt([], 3), -1);
});

test('speakers are named and coloured the same way each time', () => {
  assert.equal(speakerLabel({ handle: 'ada', name: 'Ada L' }), '@ada — Ada L');
  assert.equal(speakerLabel({ handle: '@ada', name: 'ada' }), '@ada');
  assert.equal(speakerLabel({ handle: '', name: 'Someone' }), 'Someone');
  assert.equal(speakerHue('Ada'), speakerHue('ada'));
  assert.notEqual(speakerHue('ada'), speakerHue('bob'));
  assert.ok(speakerHue('x') >= 0 && speakerHue('x') < 360);
});

test('the audio URL is built from the id and the file\'s extension, never its path', () => {
  const base = 'http://127.0.0.1:4000/0123456789abcdef0123456789abcdef/';
  assert.equal(audioURL(base, { id: '1OyKAWgagpqJb', files: ['/home/a/x/../@bob - A [1OyKAWgagpqJb].M4A'] }), base + 'audio/1OyKAWgagpqJb.m4a');
  assert.equal(audioURL(base, { id: '1OyKAWgagpqJb', files: [] }), '');
  assert.equal(audioURL('', { id: '1OyKAWgagpqJb', files: ['a.mp3'] }), '');
  assert.equal(clampTime(-3, 100), 0);
  assert.equal(clampTime(130, 100), 100);
  assert.equal(clampTime(30, NaN), 30);
});

test('positions: remembered per Space, forgotten at the end, newest first, bounded', () => {
  const p = (/** @type {number} */ t, /** @type {number} */ updated) => ({ t, d: 3600, title: 'T', host: 'h', files: [], updated });
  let all = remember({}, 'a', p(100, 1));
  all = remember(all, 'b', p(200, 2));
  assert.deepEqual(toContinue(all).map((x) => x.id), ['b', 'a']);
  assert.equal(toContinue(all)[1].t, 100);
  all = remember(all, 'a', p(3595, 3));
  assert.deepEqual(Object.keys(all), ['b'], 'heard to the end: nothing to continue');
  all = remember(all, 'b', p(2, 4));
  assert.deepEqual(all, {}, 'barely started: nothing to continue');
  for (let i = 0; i < MAX_POSITIONS + 5; i++) all = remember(all, `s${i}`, p(60, i));
  assert.equal(Object.keys(all).length, MAX_POSITIONS);
  assert.ok(!('s0' in all) && 's54' in all);
});
