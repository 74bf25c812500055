// End to end in headless Firefox over WebDriver BiDi: the add-on installed
// temporarily, the real host registered under a private HOME by the real
// installer, the fake x.com on 127.0.0.1:443 (Firefox resolves every name to
// 127.0.0.1). The background is not reachable over BiDi, so the test drives
// the popup page in a tab (popup.html?tab=<id> names the x.com tab).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchFirefox, FxTab, requireFirefox, EXT_ORIGIN } from './lib/firefox.mjs';
import { startFakex, requireBinaries } from './lib/fakex.mjs';
import { installForFirefox } from './lib/host.mjs';
import { tmp, hostEnv, spaceOf, assertAudio, hostLog } from './lib/common.mjs';
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
  });

  test('not logged in: the popup says to log in', async () => {
    const tab = await FxTab.first(ff.bidi);
    await tab.navigate(`https://x.com/i/spaces/${DEMO_SPACE}?logged_out=1`);
    const popup = await popupFor(`https://x.com/i/spaces/${DEMO_SPACE}?logged_out=1`);
    try {
      await popup.waitFor(`document.body.dataset.view === 'problem'`, { what: 'the problem panel' });
      assert.equal(await popup.evaluate(`document.getElementById('problem').dataset.code`), 'auth_required');
      await popup.screenshot(shot('logged-out'));
    } finally {
      await popup.close();
    }
  });
});
