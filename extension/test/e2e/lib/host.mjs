// Installs the real native host into a test profile with the real installer.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync, existsSync } from 'node:fs';
import { BIN } from './paths.mjs';

/**
 * Runs bin/spacekeep with args; throws with its output on failure.
 * @param {string[]} args @param {Record<string, string>} [env]
 */
export function spacekeep(args, env = {}) {
  try {
    return execFileSync(join(BIN, 'spacekeep'), args, { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = /** @type {any} */ (e);
    throw new Error(`spacekeep ${args.join(' ')} failed (${err.status}):\n${err.stdout}\n${err.stderr}`);
  }
}

/**
 * Registers the host for Chromium in userDataDir (NativeMessagingHosts/).
 * @param {string} userDataDir @param {string} home
 */
export function installForChromium(userDataDir, home) {
  spacekeep(['install', '--browser', 'chromium', '--profile-dir', userDataDir, '--home', home], { HOME: home });
  const manifest = join(userDataDir, 'NativeMessagingHosts', 'com.spacekeep.host.json');
  if (!existsSync(manifest)) throw new Error(`spacekeep install wrote no ${manifest}`);
  return JSON.parse(readFileSync(manifest, 'utf8'));
}

/**
 * Registers the host for Firefox under home (~/.mozilla/native-messaging-hosts/).
 * @param {string} home
 */
export function installForFirefox(home) {
  spacekeep(['install', '--browser', 'firefox', '--home', home], { HOME: home });
  const manifest = join(home, '.mozilla', 'native-messaging-hosts', 'com.spacekeep.host.json');
  if (!existsSync(manifest)) throw new Error(`spacekeep install wrote no ${manifest}`);
  return JSON.parse(readFileSync(manifest, 'utf8'));
}

/** Duration in seconds of an audio file (ffprobe). @param {string} file */
export function probeDuration(file) {
  try {
    execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new Error('ffprobe not found: install ffmpeg (apt-get install -y ffmpeg)');
  }
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', file], { encoding: 'utf8' });
  return Number(out.trim());
}
