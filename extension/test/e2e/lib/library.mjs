// The Library page's end-to-end scenario, shared by Chromium and Firefox:
// a library seeded with `spacekeep library import` of generated info JSON
// files (SPACEKEEP_LIBRARY in the test's temp folder), then the page
// driven through its DOM: list, paging, statistics, search, host filter,
// transcript, delete.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { spacekeep } from './host.mjs';
import { tmp } from './common.mjs';

export const HOSTS = ['alice', 'bob', 'carol'];
export const SPACES = 120; // 40 per host: more than two pages of 50
export const NEEDLE = 'NEEDLE';
export const PLAYED_S = 120; // the played Space's audio, seconds

/**
 * Writes SPACES info JSON records (record schema 1) and stand-in audio
 * into a folder, imports them into a new library, and returns the
 * environment the browser (and so the host) needs, with the paths.
 * @param {string} home
 */
export function seedLibrary(home) {
  const dir = tmp('sk-kept-');
  const library = join(home, 'data', 'library.db');
  mkdirSync(join(home, 'data'), { recursive: true });
  for (let i = 0; i < SPACES; i++) {
    const host = HOSTS[i % HOSTS.length];
    const id = `1Lib${String(i).padStart(9, '0')}`;
    const name = `@${host} - Space ${i} [${id}]`;
    const start = new Date(Date.UTC(2025, i % 12, 1 + (i % 27), 18, 0, 0));
    const special = i === 7;
    const rec = {
      schema: 1, id, url: `https://x.com/i/spaces/${id}`, status: 'ended', replayable: true,
      title: special ? `The ${NEEDLE} talk: "quotes" AND (parens)` : `Weekly rust hour ${i}`,
      topics: ['Technology'], started_at: start.toISOString(), ended_at: new Date(start.getTime() + 3600e3).toISOString(),
      duration_s: 3600, host: { handle: host, name: host.toUpperCase() }, speakers: [{ handle: host }, { handle: 'guest' }],
      live_listeners: 100 + i, caption_count: special ? 3 : 1,
      // Recorded live: the listener curve, whose peak is the library's peak.
      ...(special ? { listener_curve: [{ t_s: 0, count: 100 }, { t_s: 95, count: 310 }, { t_s: 600, count: 200 }] } : {}),
      turns: [{ start_s: 0, end_s: 70, handle: host }, { start_s: 70, end_s: 100, handle: 'guest' }],
      captions: special
        ? [{ start_s: 5, end_s: 9, handle: host, text: 'welcome everyone' },
          { start_s: 75, end_s: 80, handle: 'guest', text: 'the borrow checker is my friend' },
          { start_s: 3599, end_s: 3600, handle: host, text: 'goodbye' }]
        : [{ start_s: 5, end_s: 9, handle: host, text: `hello from space ${i}` }],
      files: [{ name: `${name}.m4a`, kind: 'audio', size: 5 }, { name: `${name}.info.json`, kind: 'info' }],
    };
    writeFileSync(join(dir, `${name}.info.json`), JSON.stringify(rec, null, 2));
    if (special) {
      // The Space the player plays: two minutes of real AAC (ffmpeg), with
      // its index first so that seeking needs only a few Range requests.
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=f=220:r=8000:d=${PLAYED_S}`, '-ac', '1',
        '-c:a', 'aac', '-b:a', '12k', '-movflags', '+faststart', join(dir, `${name}.m4a`)], { stdio: ['ignore', 'ignore', 'inherit'] });
    } else {
      writeFileSync(join(dir, `${name}.m4a`), 'audio');
    }
  }
  const env = { SPACEKEEP_LIBRARY: library };
  const out = spacekeep(['library', 'import', dir], { ...env, HOME: home });
  assert.match(out, new RegExp(`imported ${SPACES} Spaces`));
  const special = join(dir, `@${HOSTS[7 % 3]} - Space 7 [1Lib000000007].m4a`);
  return { dir, library, env, special };
}

/**
 * The scenario. page: evaluate(expression) → its value, waitFor(expression, what).
 * @param {{evaluate: (e: string) => Promise<any>, waitFor: (e: string, what: string) => Promise<any>, screenshot?: (f: string) => Promise<any>}} page
 * @param {{special: string}} seed
 * @param {(name: string) => string} [shot]
 */
export async function libraryScenario(page, seed, shot) {
  const settled = `document.body.dataset.ready === 'true' && document.body.dataset.loading === 'false'`;
  await page.waitFor(settled, 'the Library page to load');
  const err = () => page.evaluate(`document.getElementById('error').hidden ? '' : document.getElementById('error').textContent`);
  assert.equal(await err(), '', 'no error on load');
  const count = () => page.evaluate(`document.querySelectorAll('#list > li.item').length`);
  assert.equal(await count(), 50, 'the first page holds 50 Spaces');
  await page.waitFor(`document.getElementById('st-spaces').textContent === '${SPACES}'`, 'the statistics');
  assert.equal(await page.evaluate(`document.getElementById('st-hours').textContent`), `${SPACES}.0`);
  assert.equal(await page.evaluate(`document.getElementById('st-peak').textContent`), '310', 'the peak of the one listener curve');
  assert.equal(await page.evaluate(`document.querySelectorAll('#chart rect.bar').length`), 12, 'a bar per month of 2025');
  assert.equal(await page.evaluate(`document.querySelectorAll('#host option').length`), HOSTS.length + 1, 'the hosts in the filter');
  // Newest first: December 2025's Spaces lead.
  const first = await page.evaluate(`document.querySelector('#list > li.item time').getAttribute('datetime')`);
  assert.ok(first.startsWith('2025-12'), `newest first, got ${first}`);
  if (shot) await page.screenshot?.(shot('library'));

  await page.evaluate(`(document.getElementById('more').click(), true)`);
  await page.waitFor(`document.querySelectorAll('#list > li.item').length === 100`, 'the second page');

  // Search: words in a caption, found with their time.
  const search = async (/** @type {string} */ q) => {
    await page.evaluate(`(() => { const q = document.getElementById('q'); q.value = ${JSON.stringify(q)}; document.getElementById('search-form').requestSubmit(); return true; })()`);
    // The submit starts the request at once (loading is 'true' from then on).
    await page.waitFor(`document.body.dataset.loading === 'false'`, `the search for ${q}`);
  };
  await search('borrow checker');
  assert.equal(await count(), 1, 'one Space says "borrow checker"');
  assert.equal(await page.evaluate(`document.querySelector('#list > li.item').dataset.id`), '1Lib000000007');
  assert.match(await page.evaluate(`document.querySelector('#list .hits li').textContent`), /1:15.*borrow checker/);
  // Operators and quotes are words, never an error.
  for (const q of ['"quotes" AND (parens', '"', 'AND', '*', '(', '-', ':', 'NEAR(x']) {
    await search(q);
    assert.equal(await err(), '', `searching ${q} shows no error`);
  }
  await search(`"quotes" AND (parens`);
  assert.equal(await count(), 1, 'the title with quotes and operators is found');

  // Host filter, with its statistics.
  await search('');
  await page.evaluate(`(() => { const s = document.getElementById('host'); s.value = 'bob'; s.dispatchEvent(new Event('change')); return true; })()`);
  await page.waitFor(`document.getElementById('st-spaces').textContent === '${SPACES / 3}' && document.body.dataset.loading === 'false'`, 'bob\'s statistics');
  const handles = await page.evaluate(`[...new Set([...document.querySelectorAll('#list .handle')].map((e) => e.textContent))]`);
  assert.deepEqual(handles, ['@bob']);
  assert.match(await page.evaluate(`document.getElementById('st-speakers').textContent`), /@bob/);
  await page.evaluate(`(() => { const s = document.getElementById('host'); s.value = ''; s.dispatchEvent(new Event('change')); return true; })()`);

  // The transcript of one Space, with speakers and times.
  await search(NEEDLE);
  // The Space recorded live shows its listener curve and its peak.
  assert.equal(await page.evaluate(`document.querySelector('#list > li.item .curve').hidden`), false, 'the listener curve is shown');
  assert.equal(await page.evaluate(`document.querySelectorAll('#list > li.item .curve polyline.listeners').length`), 1);
  assert.equal(await page.evaluate(`document.querySelector('#list > li.item .curve-peak').textContent`), 'Peak 310 listeners at 1:35');
  await page.evaluate(`(document.querySelector('#list > li.item .act-transcript').click(), true)`);
  await page.waitFor(`document.querySelectorAll('#list > li.item .transcript li').length === 3`, 'the transcript');
  const lines = await page.evaluate(`[...document.querySelectorAll('#list > li.item .transcript li')].map((e) => e.textContent)`);
  assert.match(lines[1], /^1:15@guestthe borrow checker is my friend$/);
  assert.match(lines[2], /^59:59/);
  assert.match(await page.evaluate(`document.querySelector('#list > li.item .talk').textContent`), /@bob 1:10/);
  if (shot) await page.screenshot?.(shot('library-transcript'));

  // Delete: the files go, and so does the Space.
  assert.ok(existsSync(seed.special));
  await page.evaluate(`(document.querySelector('#list > li.item .act-delete').click(), true)`);
  await page.evaluate(`(document.querySelector('#list > li.item .act-delete-yes').click(), true)`);
  await page.waitFor(`document.querySelectorAll('#list > li.item').length === 0`, 'the Space to go from the list');
  await page.waitFor(`document.getElementById('st-spaces').textContent === '${SPACES - 1}'`, 'the statistics to follow');
  assert.ok(!existsSync(seed.special), 'the audio file was deleted');
}

/**
 * The player: play the NEEDLE Space, jump by a speaker turn (chapter 2), a
 * transcript line and a search hit, each within 0.5 s of its start; the
 * audio really plays (time moves); the position is remembered and offered
 * as "Continue listening" after a reload. Screenshots light and dark.
 * @param {{evaluate: (e: string) => Promise<any>, waitFor: (e: string, what: string) => Promise<any>, click: (selector: string) => Promise<any>,
 *   screenshot?: (f: string) => Promise<any>, reload: () => Promise<any>, dark?: (on: boolean) => Promise<any>}} page
 * @param {(name: string) => string} [shot]
 */
export async function playerScenario(page, shot) {
  const settled = `document.body.dataset.ready === 'true' && document.body.dataset.loading === 'false'`;
  await page.waitFor(settled, 'the Library page to load');
  const search = async (/** @type {string} */ q) => {
    await page.evaluate(`(() => { const q = document.getElementById('q'); q.value = ${JSON.stringify(q)}; document.getElementById('search-form').requestSubmit(); return true; })()`);
    const n = q ? 1 : 50;
    await page.waitFor(`document.body.dataset.loading === 'false' && document.querySelectorAll('#list > li.item').length === ${n}`, `the search for ${q}`);
  };
  const time = () => page.evaluate(`document.getElementById('audio').currentTime`);
  const near = async (/** @type {number} */ want, /** @type {string} */ what) => {
    // Seeking is asynchronous: wait for it to land, then check where.
    await page.waitFor(`!document.getElementById('audio').seeking && Math.abs(document.getElementById('audio').currentTime - ${want}) < 0.5`, `${what}: the audio at ${want} s`);
    const t = await time();
    assert.ok(Math.abs(t - want) < 0.5, `${what}: currentTime ${t}, want ${want} ± 0.5`);
  };
  await search(NEEDLE);
  await page.click('#list > li.item .act-play');
  await page.waitFor(`document.getElementById('player').dataset.ready === 'true' || !document.getElementById('p-error').hidden`, 'the player to load the Space');
  assert.equal(await page.evaluate(`document.getElementById('p-error').hidden ? '' : document.getElementById('p-error').textContent`), '', 'the player loaded the audio');
  const src = await page.evaluate(`document.getElementById('audio').currentSrc`);
  assert.match(src, /^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/audio\/1Lib000000007\.m4a$/, 'the audio comes from the host\'s library server');
  const duration = await page.evaluate(`document.getElementById('audio').duration`);
  assert.ok(Math.abs(duration - PLAYED_S) < 1, `the audio's duration ${duration}`);
  // It plays: time moves.
  await page.waitFor(`document.getElementById('player').dataset.playing === 'true' && document.getElementById('audio').currentTime > 0.3`, 'the audio to play');

  // The turns, as marks and as a list; chapter 2 is the guest's turn at 70 s.
  assert.equal(await page.evaluate(`document.querySelectorAll('#p-marks .mark').length`), 2, 'a mark per turn on the seek bar');
  const turns = await page.evaluate(`[...document.querySelectorAll('#p-turns li')].map((e) => e.textContent)`);
  assert.deepEqual(turns, ['0:00@bob — BOB', '1:10@guest'], 'the host\'s turn named from the talk time');
  await page.click('#p-turns li:nth-child(2)');
  await near(70, 'chapter 2');
  await page.waitFor(`document.getElementById('p-speaking').textContent.includes('@guest')`, 'who is speaking');

  // A transcript line.
  assert.equal(await page.evaluate(`document.querySelectorAll('#p-lines li').length`), 3);
  await page.click('#p-lines li:nth-child(2)');
  await near(75, 'the transcript line at 1:15');
  await page.waitFor(`document.querySelector('#p-lines li.now')?.textContent.includes('borrow checker')`, 'the current line highlighted');
  if (shot) await page.screenshot?.(shot('player'));
  if (shot && page.dark) {
    await page.dark(true);
    await page.screenshot?.(shot('player-dark'));
    await page.dark(false);
  }

  // Back to the start, then a search hit plays from its second.
  await page.click('#p-turns li:nth-child(1)');
  await near(0, 'chapter 1');
  await search('borrow checker');
  await page.click('#list > li.item .hits li');
  await near(75, 'the search hit at 1:15');
  await page.waitFor(`document.getElementById('player').dataset.playing === 'true'`, 'the hit to play');

  // Speed.
  await page.evaluate(`(() => { const s = document.getElementById('p-rate'); s.value = '1.5'; s.dispatchEvent(new Event('change')); return true; })()`);
  assert.equal(await page.evaluate(`document.getElementById('audio').playbackRate`), 1.5, '1.5×');

  // Keys: space pauses, → skips 15 s, / goes to the search box.
  await page.evaluate(`(document.activeElement.blur(), document.body.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true })), true)`);
  await page.waitFor(`document.getElementById('audio').paused`, 'space to pause');
  const before = await time();
  await page.evaluate(`(document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true })), true)`);
  await near(before + 15, '→');
  await page.evaluate(`(document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true })), true)`);
  assert.equal(await page.evaluate(`document.activeElement?.id`), 'q', '/ focuses the search box');
  await page.evaluate(`(document.activeElement.blur(), true)`);

  // Remembered: after a reload, "Continue listening" offers it from there.
  const at = await time();
  await page.waitFor(`(async () => { const g = await (globalThis.browser ?? chrome).storage.local.get('listening'); return Math.abs((g.listening?.['1Lib000000007']?.t ?? -1) - ${at}) < 0.5; })()`, 'the position to be kept');
  await page.reload();
  await page.waitFor(settled, 'the page to load again');
  await page.waitFor(`!document.getElementById('continue').hidden`, 'Continue listening');
  assert.match(await page.evaluate(`document.getElementById('continue-list').textContent`), /NEEDLE/);
  await page.click('#continue-list button');
  await page.waitFor(`document.getElementById('player').dataset.ready === 'true'`, 'the player again');
  await near(at, 'continue listening');
  await page.click('#p-close');
  await search('');
}
