// End to end in headless Chromium: the unpacked extension, the real host
// installed into the test profile by the real installer, the fake x.com
// (bin/fakex) over TLS. Needs `make build fakex` first.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launch, openPopup, requireChromium, EXT_ORIGIN } from './lib/chromium.mjs';
import { startFakex, requireBinaries } from './lib/fakex.mjs';
import { installForChromium } from './lib/host.mjs';
import { tmp, hostEnv, spaceOf, assertAudio, waitUntil, hostLog } from './lib/common.mjs';
import { SCREENSHOTS, DEMO_SPACE } from './lib/paths.mjs';

const shot = (/** @type {string} */ name) => join(SCREENSHOTS, `chromium-${name}.png`);

describe('Chromium with the host installed', () => {
  /** @type {any} */ let fake;
  /** @type {any} */ let b;
  /** @type {import('playwright-core').Page} */ let tab;
  const home = tmp('sk-home-');
  const out = tmp('sk-out-');

  before(async () => {
    requireChromium();
    requireBinaries();
    fake = await startFakex();
    const profile = tmp('sk-chromium-');
    const manifest = installForChromium(profile, home);
    assert.ok(manifest.allowed_origins.includes(`${EXT_ORIGIN}/`), 'the installer allows our extension id');
    b = await launch({ userDataDir: profile, port: fake.port, env: hostEnv(fake, home) });
    tab = b.context.pages()[0] ?? await b.context.newPage();
  });
  after(async () => {
    await b?.close();
    await fake?.stop();
  });

  /** The id of the x.com tab, as the extension sees it. */
  const tabId = () => b.worker.evaluate(async () => (await chrome.tabs.query({ url: 'https://x.com/*' }))[0]?.id);
  /** Requests sent to the host so far. */
  const sentToHost = () => b.worker.evaluate(() => /** @type {any} */ (globalThis).spacekeep.native.nextId);
  /** The background's jobs. */
  const jobs = () => b.worker.evaluate(() => /** @type {any} */ (globalThis).spacekeep.snapshot().jobs);

  test('options: the output folder goes to the host and comes back', async () => {
    const page = await b.context.newPage();
    await page.goto(`${EXT_ORIGIN}/options.html`);
    await page.waitForSelector('body[data-ready=true]');
    // A template the host refuses: the page says why, nothing is kept.
    await page.fill('#name_template', '{nosuchfield}');
    await page.click('#save');
    await page.waitForSelector('#status.warn', { timeout: 15000 });
    assert.match(await page.textContent('#status') ?? '', /Not saved: .*nosuchfield/);
    await page.fill('#name_template', '');
    await page.fill('#output_dir', out);
    await page.selectOption('#format', 'm4a');
    await page.click('#save');
    await page.waitForSelector('#status.ok', { timeout: 15000 });
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    assert.equal(await page.inputValue('#output_dir'), out);
    const fromHost = await b.worker.evaluate(() => /** @type {any} */ (globalThis).spacekeep.native.request('settings.get'));
    assert.equal(fromHost.output_dir, out);
    await page.close();
  });

  test('popup: shows the Space, downloads it, the file is complete', async () => {
    const space = spaceOf(fake, DEMO_SPACE);
    await tab.goto(`https://x.com/i/spaces/${DEMO_SPACE}`);
    // The page's own AudioSpaceById call gives us hints.
    await waitUntil(() => b.worker.evaluate(async () => (await chrome.storage.local.get('hints')).hints?.query_id), 'AudioSpaceById hints');
    const popup = await openPopup(b, `https://x.com/i/spaces/${DEMO_SPACE}`);
    try {
      await popup.waitFor(`document.body.dataset.view === 'card'`, { what: 'the Space card' });
      const note = await popup.evaluate(`document.getElementById('space-note').hidden ? '' : document.getElementById('space-note').textContent`);
      assert.equal(await popup.evaluate(`document.getElementById('space-title').textContent`), space.title, `space.info failed: ${note}\n${hostLog(home)}`);
      assert.equal(await popup.evaluate(`document.getElementById('space-replay').className`), 'replay yes');
      await popup.screenshot(shot('space'));
      await popup.evaluate(`document.getElementById('download').click()`);
      await popup.waitFor(`document.querySelector('#jobs .job') || !document.getElementById('download-error').hidden`, { what: 'a job in the list' });
      assert.equal(await popup.evaluate(`document.getElementById('download-error').hidden`), true,
        `download.start failed: ${await popup.evaluate(`document.getElementById('download-error').textContent`)}\n${hostLog(home)}`);
      await popup.screenshot(shot('progress'));
      await popup.waitFor(`document.querySelector('#jobs .job.done, #jobs .job.failed')`, { timeout: 90000, what: 'the job to finish' });
      await popup.screenshot(shot('done'));
      await popup.send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-color-scheme', value: 'dark' }] });
      await popup.screenshot(shot('done-dark'));
      const failed = await popup.evaluate(`document.querySelector('#jobs .job.failed .job-error')?.textContent`);
      assert.ok(!failed, `the job failed: ${failed}\n${hostLog(home)}`);
      const path = await popup.evaluate(`document.querySelector('#jobs .job.done .job-path').dataset.path`);
      assert.ok(path.startsWith(out), `${path} is in ${out}`);
      assertAudio(path);
    } finally {
      await popup.close();
    }
  });

  test('popup: closing and reopening keeps the jobs', async () => {
    const popup = await openPopup(b, `https://x.com/i/spaces/${DEMO_SPACE}`);
    try {
      await popup.waitFor(`document.querySelector('#jobs .job.done')`, { what: 'the finished job' });
      assert.equal(await popup.evaluate(`!!document.querySelector('#jobs .job.done .job-reveal') && !!document.querySelector('#jobs .job.done .job-open')`), true);
    } finally {
      await popup.close();
    }
  });

  test('context menu on a Space link downloads it with the tab\'s cookies', async () => {
    const id = '1RDGlAegVZmJL';
    const linked = `https://x.com/i/spaces/${id}`;
    const id0 = await tabId();
    await b.worker.evaluate(async ({ linked, id0 }) => {
      const t = await chrome.tabs.get(id0);
      /** @type {any} */ (chrome.contextMenus.onClicked).dispatch({ menuItemId: 'spacekeep-download-link', linkUrl: linked, pageUrl: t.url, editable: false }, t);
    }, { linked, id0 });
    const done = await waitUntil(async () => {
      const err = await b.worker.evaluate(() => /** @type {any} */ (globalThis).spacekeep.lastMenuError);
      if (err) return { stage: 'failed', ...err };
      return (await jobs()).find((/** @type {any} */ j) => j.space_id === id && ['done', 'failed'].includes(j.stage));
    }, 'the context-menu job', 90000);
    assert.equal(done.stage, 'done', `job failed: ${done.code} ${done.message}\n${hostLog(home)}`);
    assertAudio(done.path, 0);
  });

  test('cancel from the popup', async () => {
    const id = '1jMJgLdVWjQxL'; // the playlist 404s for a while: the job is slow to start
    await tab.goto(`https://x.com/i/spaces/${id}`);
    const popup = await openPopup(b, `https://x.com/i/spaces/${id}`);
    try {
      await popup.waitFor(`document.body.dataset.view === 'card'`, { what: 'the Space card' });
      await popup.evaluate(`document.getElementById('download').click()`);
      await popup.waitFor(`document.querySelector('#jobs .job .job-cancel') || !document.getElementById('download-error').hidden`, { what: 'a Cancel button' });
      assert.equal(await popup.evaluate(`document.getElementById('download-error').hidden`), true,
        `download.start failed: ${await popup.evaluate(`document.getElementById('download-error').textContent`)}`);
      await popup.evaluate(`document.querySelector('#jobs .job .job-cancel').click()`);
      const j = await waitUntil(async () => (await jobs()).find((/** @type {any} */ x) => x.space_id === id && ['done', 'failed'].includes(x.stage)), 'the cancelled job', 30000);
      assert.equal(j.stage, 'failed');
      assert.equal(j.code, 'cancelled');
      await popup.waitFor(`document.querySelector('#jobs .job.failed .job-error')`, { what: 'the cancelled job in the popup' });
    } finally {
      await popup.close();
    }
  });

  test('a Space without a replay: the popup says why, no Download', async () => {
    const id = '1BRKjPnNrzAKw';
    await tab.goto(`https://x.com/i/spaces/${id}`);
    const popup = await openPopup(b, `https://x.com/i/spaces/${id}`);
    try {
      await popup.waitFor(`document.body.dataset.view === 'card'`, { what: 'the Space card' });
      assert.equal(await popup.evaluate(`document.getElementById('space-replay').className`), 'replay no',
        `space.info failed: ${await popup.evaluate(`document.getElementById('space-note').textContent`)}`);
      assert.equal(await popup.evaluate(`document.getElementById('download').disabled`), true);
      assert.match(await popup.evaluate(`document.getElementById('space-note').textContent`), /did not keep a replay/);
      await popup.screenshot(shot('no-replay'));
    } finally {
      await popup.close();
    }
  });

  test('a live Space: Record live, then Stop keeps what was recorded', async () => {
    const id = '1yNGaYdPkErKj'; // Running in the fake: it gains a chunk every 3 s
    await tab.goto(`https://x.com/i/spaces/${id}`);
    const popup = await openPopup(b, `https://x.com/i/spaces/${id}`);
    try {
      await popup.waitFor(`document.body.dataset.view === 'card'`, { what: 'the Space card' });
      assert.equal(await popup.evaluate(`document.getElementById('download').disabled`), false);
      assert.equal(await popup.evaluate(`document.querySelector('#download span').textContent`), 'Record live');
      assert.match(await popup.evaluate(`document.getElementById('space-note').textContent`), /records it from its start/);
      await popup.evaluate(`document.getElementById('download').click()`);
      await popup.waitFor(`document.querySelector('#jobs .job.recording .job-cancel')`, { timeout: 30000, what: 'the recording job with Stop' });
      assert.equal(await popup.evaluate(`document.querySelector('#jobs .job.recording .job-cancel').textContent`), 'Stop');
      // Let a few chunks arrive, then stop: the file holds what was recorded.
      await waitUntil(async () => (await jobs()).find((/** @type {any} */ x) => x.space_id === id && x.stage === 'recording' && x.chunks_done >= 3), 'recorded chunks', 30000);
      await popup.screenshot(shot('recording'));
      await popup.evaluate(`document.querySelector('#jobs .job.recording .job-cancel').click()`);
      const j = await waitUntil(async () => (await jobs()).find((/** @type {any} */ x) => x.space_id === id && ['done', 'failed'].includes(x.stage)), 'the stopped recording', 60000);
      assert.equal(j.stage, 'done', `stop failed: ${j.code} ${j.message}\n${hostLog(home)}`);
      assertAudio(j.path, 0);
    } finally {
      await popup.close();
    }
  });

  test('a scheduled Space: Record when it starts waits, Cancel ends the wait', async () => {
    const id = '1kvJpvPLzRqGE'; // NotStarted in the fake, scheduled for tomorrow
    await tab.goto(`https://x.com/i/spaces/${id}`);
    const popup = await openPopup(b, `https://x.com/i/spaces/${id}`);
    try {
      await popup.waitFor(`document.body.dataset.view === 'card'`, { what: 'the Space card' });
      assert.equal(await popup.evaluate(`document.getElementById('space-state').className`), 'pill scheduled',
        `space.info failed: ${await popup.evaluate(`document.getElementById('space-note').textContent`)}`);
      assert.equal(await popup.evaluate(`document.getElementById('download').disabled`), false);
      assert.equal(await popup.evaluate(`document.querySelector('#download span').textContent`), 'Record when it starts');
      assert.match(await popup.evaluate(`document.getElementById('space-note').textContent`), /waits for the Space to start/);
      assert.match(await popup.evaluate(`document.getElementById('space-length').textContent`), /^Scheduled /);
      await popup.screenshot(shot('scheduled'));
      await popup.evaluate(`document.getElementById('download').click()`);
      await popup.waitFor(`document.querySelector('#jobs .job.waiting .job-cancel') || !document.getElementById('download-error').hidden`,
        { timeout: 30000, what: 'the waiting job with Cancel' });
      assert.equal(await popup.evaluate(`document.getElementById('download-error').hidden`), true,
        `download.start failed: ${await popup.evaluate(`document.getElementById('download-error').textContent`)}\n${hostLog(home)}`);
      assert.equal(await popup.evaluate(`document.querySelector('#jobs .job.waiting .job-stage').textContent`), 'Waiting to start');
      assert.equal(await popup.evaluate(`document.querySelector('#jobs .job.waiting .job-cancel').textContent`), 'Cancel');
      assert.match(await popup.evaluate(`document.querySelector('#jobs .job.waiting .job-meta').textContent`), /^Scheduled /);
      const waiting = (await jobs()).find((/** @type {any} */ x) => x.space_id === id && x.stage === 'waiting');
      assert.ok(waiting?.space?.started_at > Date.now(), `the waiting job knows the scheduled start: ${JSON.stringify(waiting)}`);
      await popup.screenshot(shot('waiting'));
      await popup.evaluate(`document.querySelector('#jobs .job.waiting .job-cancel').click()`);
      const j = await waitUntil(async () => (await jobs()).find((/** @type {any} */ x) => x.space_id === id && ['done', 'failed'].includes(x.stage)), 'the cancelled wait', 30000);
      assert.equal(j.stage, 'failed');
      assert.equal(j.code, 'cancelled');
      await popup.waitFor(`!document.querySelector('#jobs .job.waiting')`, { what: 'the wait gone from the popup' });
    } finally {
      await popup.close();
    }
  });

  test('not logged in: the popup says to log in and asks the host nothing', async () => {
    await tab.goto(`https://x.com/i/spaces/${DEMO_SPACE}?logged_out=1`);
    const before = await sentToHost();
    const popup = await openPopup(b, `https://x.com/i/spaces/${DEMO_SPACE}`);
    try {
      await popup.waitFor(`document.body.dataset.view === 'problem'`, { what: 'the problem panel' });
      assert.equal(await popup.evaluate(`document.getElementById('problem').dataset.code`), 'auth_required');
      assert.match(await popup.evaluate(`document.getElementById('problem-message').textContent`), /Log in to x\.com/);
      assert.equal(await popup.evaluate(`document.getElementById('problem-login').hidden`), false);
      await popup.screenshot(shot('logged-out'));
    } finally {
      await popup.close();
    }
    assert.equal(await sentToHost(), before, 'no request reached the host');
  });
});

describe('Chromium without the host', () => {
  /** @type {any} */ let fake;
  /** @type {any} */ let b;
  before(async () => {
    requireChromium();
    requireBinaries();
    fake = await startFakex();
    b = await launch({ port: fake.port, env: { HOME: tmp('sk-home-') } });
  });
  after(async () => {
    await b?.close();
    await fake?.stop();
  });

  test('the popup shows the one command that installs it', async () => {
    const tab = b.context.pages()[0] ?? await b.context.newPage();
    await tab.goto(`https://x.com/i/spaces/${DEMO_SPACE}`);
    const popup = await openPopup(b, `https://x.com/i/spaces/${DEMO_SPACE}`);
    try {
      await popup.waitFor(`document.body.dataset.view === 'problem'`, { what: 'the problem panel' });
      assert.equal(await popup.evaluate(`document.getElementById('problem').dataset.code`), 'host_missing');
      assert.equal(await popup.evaluate(`document.getElementById('install-command').textContent`), 'spacekeep install');
      assert.equal(await popup.evaluate(`document.getElementById('problem-install').hidden`), false);
      await popup.screenshot(shot('host-missing'));
    } finally {
      await popup.close();
    }
  });
});
