// The install page (install.html) in real browsers with no host: it names
// the release file for this machine and the command that follows; once the
// host is registered (the real installer), "Check again" turns green.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { launch, requireChromium, EXT_ORIGIN } from './lib/chromium.mjs';
import { launchFirefox, FxTab, requireFirefox, EXT_ORIGIN as FX_ORIGIN } from './lib/firefox.mjs';
import { requireBinaries } from './lib/fakex.mjs';
import { installForChromium, installForFirefox } from './lib/host.mjs';
import { tmp } from './lib/common.mjs';
import { waitForExpression } from './lib/poll.mjs';
import { SCREENSHOTS, EXT_DIR } from './lib/paths.mjs';

const VERSION = JSON.parse(readFileSync(join(EXT_DIR, 'manifest.json'), 'utf8')).version;
const ARCH = process.arch === 'arm64' ? 'arm64' : 'amd64';

/** The browser's environment: a private HOME; no developer's service takes over. @param {string} home */
const env = (home) => ({ HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), SPACEKEEP_NO_SERVICE: '1' });

/**
 * The same checks in both browsers, through an evaluate(expression) and a
 * waitFor(expression).
 * @param {{evaluate: (e: string) => Promise<any>, waitFor: (e: string, o?: any) => Promise<any>, screenshot: (f: string) => Promise<void>, navigate: (u: string) => Promise<any>}} page
 * @param {string} origin @param {() => void} register @param {string} browser
 */
async function checkInstallPage(page, origin, register, browser) {
  await page.navigate(`${origin}/install.html`);
  await page.waitFor(`document.body.dataset.ready === 'true'`, { what: 'the install page' });
  assert.equal(await page.evaluate(`document.getElementById('check-card').dataset.state`), 'missing');
  assert.equal(await page.evaluate(`document.getElementById('file').textContent`), `spacekeep_${VERSION}_${ARCH}.deb`);
  assert.equal(await page.evaluate(`document.getElementById('command').textContent`), `sudo apt install ./spacekeep_${VERSION}_${ARCH}.deb`);
  assert.match(await page.evaluate(`document.getElementById('steps-title').textContent`), /^On Linux \(/);
  await page.screenshot(join(SCREENSHOTS, `${browser}-install.png`));

  register();
  await page.evaluate(`(document.getElementById('check').click(), true)`);
  await page.waitFor(`document.getElementById('check-card').dataset.state === 'ok'`, { what: 'Check again to turn green', timeout: 20000 });
  assert.match(await page.evaluate(`document.getElementById('check-text').textContent`), /answers: all set/);
  assert.equal(await page.evaluate(`getComputedStyle(document.getElementById('check')).backgroundColor`),
    await page.evaluate(`getComputedStyle(document.getElementById('check-dot')).backgroundColor`), 'the button is the green of the dot');
  await page.screenshot(join(SCREENSHOTS, `${browser}-install-found.png`));

  // Another computer's steps.
  await page.navigate(`${origin}/install.html?os=win&arch=x86-64`);
  await page.waitFor(`document.body.dataset.ready === 'true'`, { what: 'the Windows steps' });
  assert.equal(await page.evaluate(`document.getElementById('file').textContent`), `spacekeep_${VERSION}_windows_amd64.zip`);
  assert.equal(await page.evaluate(`document.getElementById('command').textContent`), '.\\spacekeep.exe install');
  assert.equal(await page.evaluate(`document.getElementById('step-win').hidden`), false);
  await page.navigate(`${origin}/install.html?os=mac&arch=arm64`);
  await page.waitFor(`document.body.dataset.ready === 'true'`, { what: 'the macOS steps' });
  assert.match(await page.evaluate(`document.getElementById('command').textContent`), new RegExp(`spacekeep_${VERSION}_darwin_arm64/spacekeep install$`));
  await page.screenshot(join(SCREENSHOTS, `${browser}-install-mac.png`));
}

describe('The install page in Chromium', () => {
  /** @type {any} */ let b;
  const home = tmp('sk-insthome-');
  before(async () => {
    requireChromium();
    requireBinaries();
    b = await launch({ env: env(home) });
  });
  after(async () => { await b?.close(); });

  test('names the package and turns green once the host answers', async () => {
    const page = await b.context.newPage();
    await page.setViewportSize({ width: 600, height: 640 });
    await checkInstallPage({
      navigate: (u) => page.goto(u),
      evaluate: (e) => page.evaluate(e),
      waitFor: (e, o) => waitForExpression((x) => page.evaluate(x), e, { timeout: o?.timeout ?? 20000, what: o?.what }),
      screenshot: async (f) => { await page.screenshot({ path: f, fullPage: true }); },
    }, EXT_ORIGIN, () => installForChromium(b.userDataDir, home), 'chromium');
  });
});

describe('The install page in Firefox', () => {
  /** @type {any} */ let ff;
  const home = tmp('sk-ffinsthome-');
  before(async () => {
    requireFirefox();
    requireBinaries();
    ff = await launchFirefox({ home, env: env(home) });
  });
  after(async () => { await ff?.close(); });

  test('names the package and turns green once the host answers', async () => {
    const tab = await FxTab.first(ff.bidi);
    await ff.bidi.send('browsingContext.setViewport', { context: tab.context, viewport: { width: 560, height: 640 } });
    await checkInstallPage(tab, FX_ORIGIN, () => installForFirefox(home), 'firefox');
  });
});
