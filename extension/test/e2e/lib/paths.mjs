import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
export const EXT_DIR = resolve(here, '..', '..', '..');
export const REPO = resolve(EXT_DIR, '..');
export const BIN = join(REPO, 'bin');
export const SCREENSHOTS = join(REPO, 'artifacts', 'screenshots');
export const CHROME_ID = 'efehkolbclmbcjnainpmphlfeomgbhcd';
export const GECKO_ID = 'spacekeep@spacekeep.app';
export const DEMO_SPACE = '1OyKAWgagpqJb';
