// The Library page in headless Firefox over WebDriver BiDi, against a
// library seeded with `spacekeep library import` (lib/library.mjs). No fake
// x.com: the page only talks to the host. Needs `make build`.
import { describe, test, before, after } from 'node:test';
import { join } from 'node:path';
import { launchFirefox, FxTab, requireFirefox, EXT_ORIGIN } from './lib/firefox.mjs';
import { requireBinaries } from './lib/fakex.mjs';
import { installForFirefox } from './lib/host.mjs';
import { tmp } from './lib/common.mjs';
import { seedLibrary, libraryScenario, playerScenario } from './lib/library.mjs';
import { SCREENSHOTS } from './lib/paths.mjs';

describe('Firefox: the Library page', () => {
  /** @type {any} */ let ff;
  /** @type {any} */ let seed;
  const home = tmp('sk-fflibhome-');

  before(async () => {
    requireFirefox();
    requireBinaries();
    seed = seedLibrary(home);
    installForFirefox(home);
    ff = await launchFirefox({ home, env: {
      XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), SPACEKEEP_NO_SERVICE: '1', ...seed.env,
    } });
  });
  after(async () => {
    await ff?.close();
  });

  test('lists, pages, searches, filters, shows a transcript, deletes', async () => {
    const tab = await FxTab.first(ff.bidi);
    await tab.navigate(`${EXT_ORIGIN}/library.html`);
    const driver = {
      evaluate: (/** @type {string} */ e) => tab.evaluate(e),
      waitFor: (/** @type {string} */ e, /** @type {string} */ what) => tab.waitFor(e, { what }),
      screenshot: (/** @type {string} */ f) => tab.screenshot(f),
      // evaluate runs with user activation: the page may start audio on it.
      click: (/** @type {string} */ sel) => tab.evaluate(`(document.querySelector(${JSON.stringify(sel)}).click(), true)`),
      reload: () => tab.navigate(`${EXT_ORIGIN}/library.html`),
    };
    await playerScenario(driver, (name) => join(SCREENSHOTS, `firefox-${name}.png`));
    await libraryScenario(driver, seed, (name) => join(SCREENSHOTS, `firefox-${name}.png`));
  });
});
