// Finding Spaces in headless Chromium: a profile page on the fake x.com
// whose timeline (X's UserTweets answer, seen by the page script) shows
// three Space cards, ended, live and scheduled. The popup lists all three
// with their states; Keep all keeps the ended one (and only it). X's Space
// search in the popup's box finds by title, and when X refuses, the popup
// says so and the page list stays. Needs `make build fakex`.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launch, openPopup, requireChromium, EXT_ORIGIN } from './lib/chromium.mjs';
import { startFakex, requireBinaries, fakeControl } from './lib/fakex.mjs';
import { installForChromium } from './lib/host.mjs';
import { tmp, hostEnv, assertAudio, waitUntil, hostLog } from './lib/common.mjs';
import { SCREENSHOTS } from './lib/paths.mjs';

const ENDED = '1OyKAWgagpqJb'; // the demo: ended, with a replay
const LIVE = '1yNGaYdPkErKj';
const SCHEDULED = '1kvJpvPLzRqGE';

describe('Chromium: Spaces on this page, search, watched topics', () => {
  /** @type {any} */ let fake;
  /** @type {any} */ let b;
  const home = tmp('sk-home-');
  const out = tmp('sk-out-');

  before(async () => {
    requireChromium();
    requireBinaries();
    fake = await startFakex();
    const profile = tmp('sk-chromium-');
    installForChromium(profile, home);
    b = await launch({ userDataDir: profile, port: fake.port, env: hostEnv(fake, home) });
  });
  after(async () => {
    await b?.close();
    await fake?.stop();
  });

  const jobs = () => b.worker.evaluate(() => /** @type {any} */ (globalThis).spacekeep.snapshot().jobs);

  test('a profile with three Space cards: all three listed, Keep all keeps the ended one', async () => {
    await b.worker.evaluate((out) => /** @type {any} */ (globalThis).spacekeep.native.request('settings.set', { output_dir: out }), out);
    const tab = b.context.pages()[0] ?? await b.context.newPage();
    const url = `https://x.com/spacekeeper?spaces=${ENDED},${LIVE},${SCHEDULED}`;
    await tab.goto(url);
    await tab.waitForFunction(() => document.getElementById('tweets-status')?.textContent === '200 6');
    const popup = await openPopup(b, 'https://x.com/spacekeeper');
    try {
      await popup.waitFor(`document.getElementById('find').dataset.ready === 'true'`, { what: 'the page list' });
      const rows = await popup.evaluate(`[...document.querySelectorAll('#page-spaces > li')].map((li) => [li.dataset.id, li.dataset.status])`);
      assert.deepEqual(Object.fromEntries(rows), { [ENDED]: 'ended', [LIVE]: 'live', [SCHEDULED]: 'scheduled' }, `rows ${JSON.stringify(rows)}\n${hostLog(home)}`);
      assert.match(await popup.evaluate(`document.querySelector('#page-spaces li[data-id="${LIVE}"] .row-meta').textContent`), /12 listening/);
      assert.equal(await popup.evaluate(`document.querySelector('#page-spaces li[data-id="${SCHEDULED}"] .act-keep').textContent`), 'Record when it starts');
      assert.match(await popup.evaluate(`document.querySelector('#page-spaces li[data-id="${ENDED}"] .act-watch').textContent`), /Watch @spacekeeper/);
      await popup.screenshot(join(SCREENSHOTS, 'chromium-page-spaces.png'));
      assert.equal(await popup.evaluate(`document.getElementById('keep-all').hidden`), false);
      await popup.evaluate(`document.getElementById('keep-all').click()`);
      const j = await waitUntil(async () => (await jobs()).find((/** @type {any} */ x) => x.space_id === ENDED && ['done', 'failed'].includes(x.stage)), 'the ended Space kept', 90000);
      assert.equal(j.stage, 'done', `Keep all failed: ${j.code} ${j.message}\n${hostLog(home)}`);
      assert.ok(j.path.startsWith(out));
      assertAudio(j.path);
      const started = (await jobs()).map((/** @type {any} */ x) => x.space_id);
      assert.deepEqual(started, [ENDED], 'Keep all keeps the ended Space only');

      // X's Space search: by title, live only.
      await popup.evaluate(`(() => { document.getElementById('find-q').value = 'live right'; document.getElementById('find-filter').value = 'live';
        document.getElementById('find-form').requestSubmit(); return true; })()`);
      await popup.waitFor(`document.getElementById('find').dataset.searching === 'false'`, { what: 'the search' });
      assert.equal(await popup.evaluate(`document.getElementById('find-error').hidden`), true,
        `search failed: ${await popup.evaluate(`document.getElementById('find-error').textContent`)}`);
      assert.deepEqual(await popup.evaluate(`[...document.querySelectorAll('#found > li')].map((li) => li.dataset.id)`), [LIVE]);

      // X refuses the search: plain words, never "no Spaces"; the page list stays.
      await fakeControl(fake, '/fakex/search?refuse=gone', 'POST');
      await popup.evaluate(`(document.getElementById('find-form').requestSubmit(), true)`);
      await popup.waitFor(`document.getElementById('find').dataset.searching === 'false' && !document.getElementById('find-error').hidden`, { what: 'the refusal' });
      assert.equal(await popup.evaluate(`document.getElementById('find-error').dataset.code`), 'search_unavailable');
      assert.match(await popup.evaluate(`document.getElementById('find-error').textContent`), /does not mean there are no such Spaces/);
      assert.equal(await popup.evaluate(`document.getElementById('find-none').hidden`), true);
      assert.equal(await popup.evaluate(`document.querySelectorAll('#page-spaces > li').length`), 3);
    } finally {
      await popup.close();
    }
  });

  test('a topic is added with its listeners, listed beside the hosts, removed', async () => {
    const page = await b.context.newPage();
    await page.goto(`${EXT_ORIGIN}/options.html`);
    await page.waitForSelector('body[data-ready=true]');
    await page.fill('#topic-search', 'rust  async');
    await page.fill('#topic-min', '25');
    await page.click('#topic-add');
    await page.waitForSelector('#topic-list[data-count="1"]', { timeout: 15000 });
    assert.equal(await page.textContent('#topic-list .watch-name'), '“rust async”, at least 25 listeners');
    assert.equal(await page.isHidden('#topic-problem'), true);
    const listed = await b.worker.evaluate(() => /** @type {any} */ (globalThis).spacekeep.native.request('watch.list'));
    assert.deepEqual(listed.topics, [{ search: 'rust async', min_listeners: 25, max_parallel: 2 }]);
    await page.click('#topic-list button');
    await page.waitForSelector('#topic-list[data-count="0"]', { state: 'attached', timeout: 15000 });
    await page.close();
  });
});
