import assert from 'node:assert/strict';
import { existsSync, statSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeDuration } from './host.mjs';

export const tmp = (/** @type {string} */ prefix) => mkdtempSync(join(tmpdir(), prefix));

/**
 * Environment for the browser, inherited by the host it starts: a private
 * HOME, and the fake x.com with its certificate.
 * @param {any} fake @param {string} home
 */
export function hostEnv(fake, home) {
  return {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    SPACEKEEP_API_BASE: fake.info.api_base,
    SSL_CERT_FILE: fake.info.cert_file,
    // A developer's running background service must not take the test over.
    SPACEKEEP_NO_SERVICE: '1',
  };
}

/** A Space of the fake's catalog. @param {any} fake @param {string} id */
export function spaceOf(fake, id) {
  const s = fake.info.spaces.find((/** @type {any} */ x) => x.id === id);
  assert.ok(s, `the fake has no Space ${id}`);
  return s;
}

/**
 * The file exists, is not empty and ffprobe reads its duration.
 * @param {string} path @param {number} [seconds] expected length (0: any)
 */
export function assertAudio(path, seconds = 60) {
  assert.ok(existsSync(path), `${path} exists`);
  assert.ok(statSync(path).size > 0, `${path} is not empty`);
  const d = probeDuration(path);
  if (seconds) assert.ok(Math.abs(d - seconds) < 3, `${path} lasts ${d} s, expected about ${seconds} s`);
  else assert.ok(d > 0, `${path} has a duration`);
}

/**
 * Polls fn until it returns something truthy.
 * @template T @param {() => Promise<T>} fn @param {string} what @param {number} [timeout]
 * @returns {Promise<NonNullable<T>>}
 */
export async function waitUntil(fn, what, timeout = 20000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return /** @type {any} */ (v);
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The last lines of the host's log under a test HOME, for failure messages.
 * @param {string} home
 */
export function hostLog(home, lines = 15) {
  for (const p of [join(home, '.cache', 'spacekeep', 'logs', 'spacekeep.log')]) {
    if (existsSync(p)) return `host.log (${p}):\n` + readFileSync(p, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }
  return '(no host.log)';
}
