// Watching a host in headless Chromium: "Watch @host" on the Space card,
// then the fake x.com makes that host go live (its control endpoint): the
// browser's host records the Space from its start, the browser shows
// "Recording @host", and when the Space ends the file is saved.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { launch, openPopup, requireChromium } from './lib/chromium.mjs';
import { startFakex, requireBinaries } from './lib/fakex.mjs';
import { installForChromium } from './lib/host.mjs';
import { tmp, hostEnv, assertAudio, waitUntil, hostLog } from './lib/common.mjs';

const SPACE = '1RDGlAegVZmJL'; // @oldtimer's, ended: the host is not live

/**
 * POSTs to the fake's control endpoint (not part of X).
 * @param {any} fake @param {string} path
 * @returns {Promise<any>}
 */
function control(fake, path) {
  return new Promise((resolve, reject) => {
    const req = request(`${fake.info.api_base}${path}`, { method: 'POST', ca: readFileSync(fake.info.cert_file) }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${path}: ${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Chromium: watching a host', () => {
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
    b = await launch({ userDataDir: profile, port: fake.port, env: { ...hostEnv(fake, home), SPACEKEEP_WATCH_INTERVAL: '5s' } });
  });
  after(async () => {
    await b?.close();
    await fake?.stop();
  });

  const jobs = () => b.worker.evaluate(() => /** @type {any} */ (globalThis).spacekeep.snapshot().jobs);

  test('Watch @host, the host goes live: a notification, a recording from its start, the file when it ends', async () => {
    await b.worker.evaluate((out) => /** @type {any} */ (globalThis).spacekeep.native.request('settings.set', { output_dir: out }), out);
    const tab = b.context.pages()[0] ?? await b.context.newPage();
    await tab.goto(`https://x.com/i/spaces/${SPACE}`);
    const popup = await openPopup(b, `https://x.com/i/spaces/${SPACE}`);
    try {
      await popup.waitFor(`document.body.dataset.view === 'card'`, { what: 'the Space card' });
      await popup.waitFor(`!document.getElementById('watch-host').hidden`, { what: 'the Watch button' });
      assert.equal(await popup.evaluate(`document.getElementById('watch-host').textContent`), 'Watch @oldtimer');
      await popup.evaluate(`document.getElementById('watch-host').click()`);
      await popup.waitFor(`document.getElementById('watch-host').dataset.watched === 'true'`, { what: 'Watching @oldtimer' });
      assert.equal(await popup.evaluate(`document.getElementById('watch-host').textContent`), 'Watching @oldtimer');
    } finally {
      await popup.close();
    }
    const list = await b.worker.evaluate(() => /** @type {any} */ (globalThis).spacekeep.native.request('watch.list'));
    assert.equal(list.hosts.length, 1);
    assert.equal(list.hosts[0].handle, 'oldtimer');
    assert.match(list.hosts[0].id, /^[0-9]{19}$/, 'the id the Space card knew, exact');
    const status = await b.worker.evaluate(() => /** @type {any} */ (globalThis).spacekeep.native.request('watch.status'));
    assert.equal(status.session, true, 'the extension handed over the session');
    assert.equal(status.where, 'browser');

    const started = await control(fake, `/fakex/spaces/${SPACE}/start?chunks=3&interval=250ms`);
    assert.equal(started.host_id, list.hosts[0].id);
    // The notification and a recording job, within a look (5 s here).
    const rec = await waitUntil(async () => (await jobs()).find((/** @type {any} */ j) => j.space_id === SPACE), 'the recording job', 30000);
    const notes = await waitUntil(async () => {
      const all = await b.worker.evaluate(() => chrome.notifications.getAll());
      return Object.keys(all).includes(`live:${rec.job}`) && all;
    }, 'the Recording notification', 10000);
    assert.ok(notes, 'Recording @oldtimer shown');
    await waitUntil(async () => (await jobs()).find((/** @type {any} */ j) => j.job === rec.job && j.stage === 'recording' && j.chunks_done >= 6), 'recorded chunks', 30000);
    const ended = await control(fake, `/fakex/spaces/${SPACE}/end`);
    const done = await waitUntil(async () => (await jobs()).find((/** @type {any} */ j) => j.job === rec.job && ['done', 'failed'].includes(j.stage)), 'the saved recording', 90000);
    assert.equal(done.stage, 'done', `recording failed: ${done.code} ${done.message}\n${hostLog(home)}`);
    assert.ok(done.path.startsWith(out), `${done.path} is in ${out}`);
    // From its first chunk to its last: as long as the Space.
    assertAudio(done.path, ended.chunks * 3.008);
    await waitUntil(async () => Object.keys(await b.worker.evaluate(() => chrome.notifications.getAll())).includes(`done:${rec.job}`), 'the saved notification', 10000);
  });
});
