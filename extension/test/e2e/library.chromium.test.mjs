// The Library page in headless Chromium, against a library seeded with
// `spacekeep library import` (lib/library.mjs). Needs `make build`.
import { describe, test, before, after } from 'node:test';
import { join } from 'node:path';
import { launch, requireChromium, EXT_ORIGIN } from './lib/chromium.mjs';
import { requireBinaries } from './lib/fakex.mjs';
import { installForChromium } from './lib/host.mjs';
import { tmp } from './lib/common.mjs';
import { seedLibrary, libraryScenario, playerScenario } from './lib/library.mjs';
import { SCREENSHOTS } from './lib/paths.mjs';
import { waitForExpression } from './lib/poll.mjs';

describe('Chromium: the Library page', () => {
  /** @type {any} */ let b;
  /** @type {any} */ let seed;
  const home = tmp('sk-libhome-');

  before(async () => {
    requireChromium();
    requireBinaries();
    seed = seedLibrary(home);
    const profile = tmp('sk-chromium-');
    installForChromium(profile, home);
    b = await launch({ userDataDir: profile, env: {
      HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'),
      SPACEKEEP_NO_SERVICE: '1', ...seed.env,
    } });
  });
  after(async () => {
    await b?.close();
  });

  test('lists, pages, searches, filters, shows a transcript, deletes', async () => {
    const page = await b.context.newPage();
    await page.goto(`${EXT_ORIGIN}/library.html`);
    const driver = {
      evaluate: (/** @type {string} */ e) => page.evaluate(e),
      // Polled with evaluate: waitForFunction would eval a string, which the page's CSP forbids.
      waitFor: (/** @type {string} */ e, /** @type {string} */ what) => waitForExpression((x) => page.evaluate(x), e, { timeout: 20000, what, every: 100 }),
      screenshot: (/** @type {string} */ f) => page.screenshot({ path: f, fullPage: true }),
      // A real click (CDP input): the page may start audio on it.
      click: (/** @type {string} */ sel) => page.click(sel),
      reload: () => page.reload(),
      dark: (/** @type {boolean} */ on) => page.emulateMedia({ colorScheme: on ? 'dark' : 'light' }),
    };
    await playerScenario(driver, (name) => join(SCREENSHOTS, `chromium-${name}.png`));
    await libraryScenario(driver, seed, (name) => join(SCREENSHOTS, `chromium-${name}.png`));
    await page.close();
  });
});
