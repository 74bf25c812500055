// End to end in headless Firefox over WebDriver BiDi: the add-on installed
// temporarily, the real host registered under a private HOME by the real
// installer, the fake x.com on 127.0.0.1:443 (Firefox resolves every name to
// 127.0.0.1). The background is not reachable over BiDi, so the test drives
// the popup page in a tab (popup.html?tab=<id> names the x.com tab).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchFirefox, FxTab, requireFirefox, EXT_ORIGIN } from './lib/firefox.mjs';
import { startFakex, requireBinaries, fakeControl, hostCalls } from './lib/fakex.mjs';
import { installForFirefox } from './lib/host.mjs';
import { tmp, hostEnv, spaceOf, assertAudio, hostLog, waitUntil } from './lib/common.mjs';
import { SCREENSHOTS, DEMO_SPACE, GECKO_ID } from './lib/paths.mjs';

const shot = (/** @type {string} */ name) => join(SCREENSHOTS, `firefox-${name}.png`);

describe('Firefox with the host installed', () => {
  /** @type {any} */ let fake;
  /** @type {any} */ let ff;
  const home = tmp('sk-ffhome-');
  const out = tmp('sk-ffout-');

  before(async () => {
    requireFirefox();
    requireBinaries();
    fake = await startFakex({ addr: '127.0.0.1:443' }).catch((e) => {
      throw new Error(`the fake x.com must listen on 127.0.0.1:443 for Firefox (network.dns.forceResolve keeps the port): ${e.message}`);
    });
    const manifest = installForFirefox(home);
    assert.ok(manifest.allowed_extensions.includes(GECKO_ID), 'the installer allows our add-on id');
    ff = await launchFirefox({ home, env: hostEnv(fake, home) });
  });
  after(async () => {
    await ff?.close();
    await fake?.stop();
  });

  /** Opens popup.html in a tab, for the tab showing url. @param {string} url */
  async function popupFor(url) {
    const page = await FxTab.create(ff.bidi);
    await page.navigate(`${EXT_ORIGIN}/popup.html`);
    const id = await page.evaluate(`browser.tabs.query({}).then((ts) => ts.find((t) => t.url === ${JSON.stringify(url)})?.id)`);
    assert.ok(Number.isInteger(id), `a tab shows ${url}`);
    await page.navigate(`${EXT_ORIGIN}/popup.html?tab=${id}`);
    await page.waitFor(`document.body.dataset.ready === 'true'`, { what: 'the popup to be ready' });
    return page;
  }

  test('options page, Space page, popup → host → file', async () => {
    const tab = await FxTab.first(ff.bidi);
    await tab.navigate(`${EXT_ORIGIN}/options.html`);
    await tab.waitFor(`document.body.dataset.ready === 'true'`, { what: 'the options page' });
    await tab.evaluate(`(() => { document.getElementById('output_dir').value = ${JSON.stringify(out)}; document.getElementById('save').click(); return true; })()`);
    await tab.waitFor(`document.getElementById('status').classList.contains('ok')`, { what: 'settings saved in the host', timeout: 15000 });

    const url = `https://x.com/i/spaces/${DEMO_SPACE}`;
    await tab.navigate(url);
    const popup = await popupFor(url);
    try {
      await popup.waitFor(`document.body.dataset.view === 'card'`, { what: 'the Space card', timeout: 30000 });
      assert.equal(await popup.evaluate(`document.getElementById('space-title').textContent`), spaceOf(fake, DEMO_SPACE).title,
        `space.info failed: ${await popup.evaluate(`document.getElementById('space-note').textContent`)}\n${hostLog(home)}`);
      const hints = await popup.evaluate(`browser.storage.local.get('hints').then((r) => r.hints)`);
      assert.ok(hints?.query_id, 'the page\'s AudioSpaceById call was seen');
      await popup.screenshot(shot('space'));
      await popup.evaluate(`(document.getElementById('download').click(), true)`);
      await popup.waitFor(`document.querySelector('#jobs .job.done, #jobs .job.failed') || !document.getElementById('download-error').hidden`, { timeout: 90000, what: 'the job to finish' });
      await popup.screenshot(shot('done'));
      const err = await popup.evaluate(`document.getElementById('download-error').hidden ? document.querySelector('#jobs .job.failed .job-error')?.textContent : document.getElementById('download-error').textContent`);
      assert.ok(!err, `the download failed: ${err}\n${hostLog(home)}`);
      const path = await popup.evaluate(`document.querySelector('#jobs .job.done .job-path').dataset.path`);
      assert.ok(path.startsWith(out), `${path} is in ${out}`);
      assertAudio(path);
    } finally {
      await popup.close();
    }
    // X saw the host as the browser whose session it carried.
    const ua = await tab.evaluate('navigator.userAgent');
    const calls = (await hostCalls(fake)).filter((c) => c.path.startsWith('/i/api/'));
    assert.ok(calls.length > 0, 'the host called the API');
    for (const c of calls) assert.equal(c.user_agent, ua, `${c.path}: the browser's User-Agent`);
  });

  /** The popup's job list entry of a Space once it has finished. @param {FxTab} popup @param {string} id */
  const finished = (popup, id) => waitUntil(() => popup.evaluate(`(() => {
    const j = [...document.querySelectorAll('#jobs .job.done, #jobs .job.failed')].map((li) => ({ cls: li.className, path: li.querySelector('.job-path')?.dataset.path, err: li.querySelector('.job-error')?.textContent, title: li.querySelector('.job-title')?.textContent }));
    return j.find((x) => x.title === ${JSON.stringify(spaceOf(fake, id).title)});
  })()`), `the job of ${id}`, 90000);

  test('X drifted (every queryId we know refused): the download from the Space page uses the page\'s own answers', async () => {
    const id = '1YpKkgBNdmaKj';
    const url = `https://x.com/i/spaces/${id}`;
    const before = (await hostCalls(fake)).length;
    await fakeControl(fake, '/__fakex/mode?drift=on', 'POST');
    try {
      const tab = await FxTab.first(ff.bidi);
      await tab.navigate(url);
      await tab.waitFor(`document.getElementById('api-status').textContent.startsWith('200')`, { what: 'the page\'s own AudioSpaceById call' });
      await tab.evaluate(`(document.getElementById('play').click(), true)`);
      await tab.waitFor(`document.getElementById('play-status').textContent === '200 playing'`, { what: 'the player\'s status call' });
      const look = await popupFor(url);
      await look.waitFor(`browser.storage.session.get('answers').then(({ answers: a }) => !!a?.statuses?.[a?.spaces?.[${JSON.stringify(id)}]?.media_key])`,
        { what: 'the page\'s answers in the background' }).finally(() => look.close());
      const popup = await popupFor(url);
      try {
        await popup.waitFor(`document.body.dataset.view === 'card'`, { what: 'the Space card', timeout: 30000 });
        assert.equal(await popup.evaluate(`document.getElementById('space-title').textContent`), spaceOf(fake, id).title,
          `space.info failed: ${await popup.evaluate(`document.getElementById('space-note').textContent`)}\n${hostLog(home)}`);
        await popup.evaluate(`(document.getElementById('download').click(), true)`);
        const j = await finished(popup, id).catch(async (e) => {
          throw new Error(`${e.message}: ${await popup.evaluate(`document.getElementById('jobs').innerText + ' | ' + document.getElementById('download-error').textContent`)}\n${hostLog(home)}`);
        });
        assert.match(j.cls, /done/, `drifted download failed: ${j.err}\n${hostLog(home)}`);
        assertAudio(j.path, 0);
        const asked = (await hostCalls(fake)).slice(before).filter((c) => (c.path.includes('AudioSpaceById') || c.path.includes('live_video_stream'))
          // About this Space (the popup also looks up the other Spaces the page links to); a call
          // that names no Space counts too.
          && (!c.space || c.space === id));
        assert.equal(asked.length, 0, `the host asked X though the page had: ${JSON.stringify(asked)}`);
        // Nothing of the session reached the page's world or the log.
        const auth = await popup.evaluate(`browser.cookies.get({ url: 'https://x.com/', name: 'auth_token' }).then((c) => c?.value)`);
        assert.ok(auth && auth.length > 10, 'the session cookie exists');
        const seen = await tab.evaluate('window.__messages');
        assert.ok(seen.some((/** @type {string} */ m) => m.includes('AudioSpaceById')), 'the page-world script passed the answers on');
        assert.ok(!seen.some((/** @type {string} */ m) => m.includes(auth)), 'no cookie in any message the page saw');
        assert.ok(!hostLog(home, 100000).includes(auth), 'no cookie in the host log');
      } finally {
        await popup.close();
      }
    } finally {
      await fakeControl(fake, '/__fakex/mode?drift=off', 'POST');
    }
  });

  test('not logged in, X serves guests: the host asks as a guest, a file', async () => {
    const id = '1vOxwjaWEPgJB';
    const url = `https://x.com/i/spaces/${id}?logged_out=1`;
    const tab = await FxTab.first(ff.bidi);
    await tab.navigate(url);
    const popup = await popupFor(url);
    try {
      await popup.waitFor(`document.body.dataset.view === 'card'`, { what: 'the Space card', timeout: 30000 });
      assert.match(await popup.evaluate(`document.getElementById('space-note').textContent`), /not logged in.*logging in helps/,
        `space.info as a guest: ${hostLog(home)}`);
      await popup.screenshot(shot('guest'));
      await popup.evaluate(`(document.getElementById('download').click(), true)`);
      const j = await finished(popup, id);
      assert.match(j.cls, /done/, `guest download failed: ${j.err}\n${hostLog(home)}`);
      assertAudio(j.path, 0);
    } finally {
      await popup.close();
    }
    assert.ok((await hostCalls(fake)).some((c) => c.path === '/1.1/guest/activate.json'), 'the host asked for a guest token');
  });

  test('not logged in, X refuses guests: the popup says so in plain words', async () => {
    await fakeControl(fake, '/__fakex/mode?guests=refuse', 'POST');
    try {
      const tab = await FxTab.first(ff.bidi);
      const url = 'https://x.com/i/spaces/1OwxWXgyRWaJQ?logged_out=1'; // a Space whose page we have not seen logged in
      await tab.navigate(url);
      const popup = await popupFor(url);
      try {
        await popup.waitFor(`document.body.dataset.view === 'problem'`, { what: 'the problem panel', timeout: 30000 });
        assert.equal(await popup.evaluate(`document.getElementById('problem').dataset.code`), 'guest_refused');
        assert.match(await popup.evaluate(`document.getElementById('problem-message').textContent`), /did not let a guest.*Log in to x\.com/);
        await popup.screenshot(shot('logged-out'));
      } finally {
        await popup.close();
      }
    } finally {
      await fakeControl(fake, '/__fakex/mode?guests=allow', 'POST');
    }
  });
});
