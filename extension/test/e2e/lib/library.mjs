// The Library page's end-to-end scenario, shared by Chromium and Firefox:
// a library seeded with `spacekeep library import` of generated info JSON
// files (SPACEKEEP_LIBRARY in the test's temp folder), then the page
// driven through its DOM: list, paging, statistics, search, host filter,
// transcript, delete.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spacekeep } from './host.mjs';
import { tmp } from './common.mjs';

export const HOSTS = ['alice', 'bob', 'carol'];
export const SPACES = 120; // 40 per host: more than two pages of 50
export const NEEDLE = 'NEEDLE';

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
    writeFileSync(join(dir, `${name}.m4a`), 'audio');
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
