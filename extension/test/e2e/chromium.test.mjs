// End to end in headless Chromium: the unpacked extension, the real host
// installed into the test profile by the real installer, the fake x.com
// (bin/fakex) over TLS. Needs `make build fakex` first.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync, readFileSync, existsSync, chmodSync } from 'node:fs';
import { launch, openPopup, requireChromium, EXT_ORIGIN } from './lib/chromium.mjs';
import { startFakex, requireBinaries, fakeControl, hostCalls } from './lib/fakex.mjs';
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
  // The host opens files with xdg-open: a stand-in on its PATH notes what it was asked to open.
  const bin = tmp('sk-bin-');
  const opened = join(bin, 'opened.txt');
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`);
  chmodSync(join(bin, 'xdg-open'), 0o755);

  before(async () => {
    requireChromium();
    requireBinaries();
    fake = await startFakex();
    const profile = tmp('sk-chromium-');
    const manifest = installForChromium(profile, home);
    assert.ok(manifest.allowed_origins.includes(`${EXT_ORIGIN}/`), 'the installer allows our extension id');
    b = await launch({ userDataDir: profile, port: fake.port, env: { ...hostEnv(fake, home), PATH: `${bin}:${process.env.PATH}` } });
    tab = b.context.pages()[0] ?? await b.context.newPage();
  });
  after(async () => {
    await b?.close();
    await fake?.stop();
  });

  /** The id of the x.com tab, as the extension sees it. */
  const tabId = () => b.worker.evaluate(async () => (await chrome.tabs.query({ url: 'https://x.com/*' }))[0]?.id);
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
      // Who spoke and what was said: the card counts them and opens the transcript.
      const meta = await popup.evaluate(`document.querySelector('#jobs .job.done .job-meta').textContent`);
      assert.match(meta, / · 3 speakers · captions$/);
      await popup.evaluate(`document.querySelector('#jobs .job.done .job-transcript').click()`);
      const txt = path.replace(/\.m4a$/, '.txt');
      await waitUntil(() => existsSync(opened) && readFileSync(opened, 'utf8').trim() === txt, `xdg-open of ${txt}`);
      assert.match(readFileSync(txt, 'utf8'), /^\[00:00:01\] @spacekeeper: Welcome to Keeping Spaces, a demo\.\n/);
      assert.ok(existsSync(path.replace(/\.m4a$/, '.info.json')), 'the record is written by default');
    } finally {
      await popup.close();
    }
    // X saw the host as the browser whose session it carried.
    const ua = await tab.evaluate(() => navigator.userAgent);
    const calls = (await hostCalls(fake)).filter((c) => c.path.startsWith('/i/api/'));
    assert.ok(calls.length > 0, 'the host called the API');
    for (const c of calls) assert.equal(c.user_agent, ua, `${c.path}: the browser's User-Agent`);
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

  test('X drifted (every queryId we know refused): the download from the Space page uses the page\'s own answers', async () => {
    const id = '1YpKkgBNdmaKj'; // tw_playlist_<n>.m3u8
    const before = (await hostCalls(fake)).length;
    await fakeControl(fake, '/__fakex/mode?drift=on', 'POST');
    try {
      await tab.goto(`https://x.com/i/spaces/${id}`);
      await tab.waitForFunction(() => document.getElementById('api-status')?.textContent?.startsWith('200'));
      await tab.click('#play'); // the player asks for the stream: its answer is what the host needs
      await tab.waitForFunction(() => document.getElementById('play-status')?.textContent === '200 playing');
      await waitUntil(() => b.worker.evaluate(async (id) => {
        const a = /** @type {any} */ ((await chrome.storage.session.get('answers')).answers);
        const key = a?.spaces?.[id]?.media_key;
        return key && a.statuses?.[key];
      }, id), 'the page\'s answers in the background');
      const popup = await openPopup(b, `https://x.com/i/spaces/${id}`);
      try {
        await popup.waitFor(`document.body.dataset.view === 'card'`, { what: 'the Space card' });
        assert.equal(await popup.evaluate(`document.getElementById('space-title').textContent`), spaceOf(fake, id).title,
          `space.info failed: ${await popup.evaluate(`document.getElementById('space-note').textContent`)}\n${hostLog(home)}`);
        await popup.evaluate(`document.getElementById('download').click()`);
        const j = await waitUntil(async () => (await jobs()).find((/** @type {any} */ x) => x.space_id === id && ['done', 'failed'].includes(x.stage)), 'the drifted job', 90000);
        assert.equal(j.stage, 'done', `drifted download failed: ${j.code} ${j.message}\n${hostLog(home)}`);
        assertAudio(j.path, 0);
      } finally {
        await popup.close();
      }
      const asked = (await hostCalls(fake)).slice(before).filter((c) => (c.path.includes('AudioSpaceById') || c.path.includes('live_video_stream'))
          // About this Space (the popup also looks up the other Spaces the page links to); a call
          // that names no Space counts too.
          && (!c.space || c.space === id));
      assert.equal(asked.length, 0, `the host asked X though the page had: ${JSON.stringify(asked)}`);
      // Nothing of the session reached the page's world or the log.
      const auth = await b.worker.evaluate(async () => (await chrome.cookies.get({ url: 'https://x.com/', name: 'auth_token' }))?.value);
      assert.ok(auth && auth.length > 10, 'the session cookie exists');
      const seen = await tab.evaluate(() => /** @type {any} */ (window).__messages);
      assert.ok(seen.some((/** @type {string} */ m) => m.includes('AudioSpaceById')), 'the page-world script passed the answers on');
      assert.ok(!seen.some((/** @type {string} */ m) => m.includes(auth)), 'no cookie in any message the page saw');
      assert.ok(!hostLog(home, 100000).includes(auth), 'no cookie in the host log');
    } finally {
      await fakeControl(fake, '/__fakex/mode?drift=off', 'POST');
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

  test('a Space with video: a camera mark, and Keep the picture gives an mp4', async () => {
    const id = '1xVdeoAudQxPm'; // fakex.VideoAudioID: an audio-only variant between two video ones
    await tab.goto(`https://x.com/i/spaces/${id}`);
    const popup = await openPopup(b, `https://x.com/i/spaces/${id}`);
    try {
      await popup.waitFor(`document.body.dataset.view === 'card'`, { what: 'the Space card' });
      await popup.waitFor(`!document.getElementById('space-video').hidden`, { what: 'the camera mark' });
      assert.equal(await popup.evaluate(`document.getElementById('video-option').hidden`), false, 'the video option is offered');
      await popup.screenshot(shot('video-space'));
      await popup.evaluate(`document.getElementById('keep-video').click()`);
      // This host has ffmpeg: keeping the picture raises no missing-ffmpeg
      // banner (ffmpegWarning, unit-tested with a host without it).
      assert.equal(await popup.evaluate(`document.getElementById('host-banner').hidden`), true,
        `banner: ${await popup.evaluate(`document.getElementById('host-banner').textContent`)}`);
      await popup.evaluate(`document.getElementById('download').click()`);
      const j = await waitUntil(async () => (await jobs()).find((/** @type {any} */ x) => x.space_id === id && ['done', 'failed'].includes(x.stage)), 'the video job', 90000);
      assert.equal(j.stage, 'done', `the job failed: ${j.message}\n${hostLog(home)}`);
      const path = j.path;
      assert.ok(path.endsWith('.mp4'), `${path}: an mp4`);
      assert.equal(j.space?.video, true, 'the job says the Space has video');
      assert.ok(existsSync(path), `${path} was written`);
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

  test('not logged in, X serves guests: the popup offers the download, the host asks as a guest, a file', async () => {
    const id = '1vOxwjaWEPgJB'; // TimedOut, with a replay
    await tab.goto(`https://x.com/i/spaces/${id}?logged_out=1`);
    const popup = await openPopup(b, `https://x.com/i/spaces/${id}`);
    try {
      await popup.waitFor(`document.body.dataset.view === 'card'`, { what: 'the Space card' });
      assert.equal(await popup.evaluate(`document.getElementById('space-title').textContent`), spaceOf(fake, id).title,
        `space.info as a guest failed: ${await popup.evaluate(`document.getElementById('space-note').textContent`)}\n${hostLog(home)}`);
      assert.match(await popup.evaluate(`document.getElementById('space-note').textContent`), /not logged in.*logging in helps/);
      await popup.screenshot(shot('guest'));
      await popup.evaluate(`document.getElementById('download').click()`);
      const j = await waitUntil(async () => (await jobs()).find((/** @type {any} */ x) => x.space_id === id && ['done', 'failed'].includes(x.stage)), 'the guest job', 90000);
      assert.equal(j.stage, 'done', `guest download failed: ${j.code} ${j.message}\n${hostLog(home)}`);
      assertAudio(j.path, 0);
    } finally {
      await popup.close();
    }
    const calls = await hostCalls(fake);
    assert.ok(calls.some((c) => c.path === '/1.1/guest/activate.json'), 'the host asked for a guest token');
    assert.ok(calls.some((c) => c.guest && !c.has_cookie), 'and called the API with it, without cookies');
  });

  test('not logged in, X refuses guests: the popup says so in plain words and offers the login', async () => {
    const id = '1OwxWXgyRWaJQ';
    await fakeControl(fake, '/__fakex/mode?guests=refuse', 'POST');
    try {
      await tab.goto(`https://x.com/i/spaces/${id}?logged_out=1`);
      const popup = await openPopup(b, `https://x.com/i/spaces/${id}`);
      try {
        await popup.waitFor(`document.body.dataset.view === 'problem'`, { what: 'the problem panel' });
        assert.equal(await popup.evaluate(`document.getElementById('problem').dataset.code`), 'guest_refused');
        assert.match(await popup.evaluate(`document.getElementById('problem-message').textContent`), /did not let a guest.*Log in to x\.com/);
        assert.equal(await popup.evaluate(`document.getElementById('problem-login').hidden`), false);
        await popup.screenshot(shot('logged-out'));
      } finally {
        await popup.close();
      }
    } finally {
      await fakeControl(fake, '/__fakex/mode?guests=allow', 'POST');
    }
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
      assert.equal(await popup.evaluate(`document.getElementById('problem-install-page').hidden`), false, 'the popup links to the install page');
      assert.equal(await popup.evaluate(`document.getElementById('open-install').getAttribute('href')`), 'install.html');
      await popup.screenshot(shot('host-missing'));
    } finally {
      await popup.close();
    }
  });
});
