import { test } from 'node:test';
import assert from 'node:assert/strict';
import './helpers.mjs';
import { installStep, versionAdvice, goArch, parseVersion, ffmpegWarning } from '../../lib/install.js';
import { PROTOCOL_VERSION } from '../../lib/messages.js';

test('the install step names the release file for each OS and architecture', () => {
  const deb = installStep({ os: 'linux', arch: 'x86-64' }, '0.1.0');
  assert.equal(deb.file, 'spacekeep_0.1.0_amd64.deb');
  assert.equal(deb.command, 'sudo apt install ./spacekeep_0.1.0_amd64.deb');
  assert.deepEqual(deb.also?.map((a) => a.file), ['spacekeep-0.1.0-1.x86_64.rpm', 'spacekeep_0.1.0_linux_amd64.tar.gz']);
  assert.equal(installStep({ os: 'linux', arch: 'arm64' }, '0.1.0').file, 'spacekeep_0.1.0_arm64.deb');
  assert.equal(installStep({ os: 'linux', arch: 'aarch64' }, '0.1.0').also?.[0].file, 'spacekeep-0.1.0-1.aarch64.rpm');
  const mac = installStep({ os: 'mac', arch: 'arm64' }, '0.2.0');
  assert.equal(mac.file, 'spacekeep_0.2.0_darwin_arm64.tar.gz');
  assert.match(mac.command, /xattr -dr com\.apple\.quarantine spacekeep_0\.2\.0_darwin_arm64 && \.\/spacekeep_0\.2\.0_darwin_arm64\/spacekeep install$/);
  const win = installStep({ os: 'win', arch: 'x86-64' }, '0.1.0');
  assert.equal(win.file, 'spacekeep_0.1.0_windows_amd64.zip');
  assert.equal(win.command, '.\\spacekeep.exe install');
  assert.equal(goArch('x86-32'), 'amd64');
});

test('a version mismatch says which side to update', () => {
  const P = PROTOCOL_VERSION;
  assert.equal(versionAdvice({ version: '0.1.0', protocol: P }, '0.1.0'), null);
  assert.equal(versionAdvice({ version: '43fcdb6', protocol: P }, '0.1.0'), null, 'a build from source');
  assert.equal(versionAdvice({ version: '0.1.0-dev', protocol: P }, '0.1.0'), null);
  assert.deepEqual(versionAdvice({ version: '0.1.0', protocol: P }, '0.2.0'), { update: 'host', host: '0.1.0', extension: '0.2.0' });
  assert.equal(versionAdvice({ version: 'v0.3.1', protocol: P }, '0.3.0')?.update, 'extension');
  assert.equal(versionAdvice({ version: 'dev', protocol: P + 1 }, '0.1.0')?.update, 'extension', 'the protocol decides first');
  assert.equal(versionAdvice({ version: '9.0.0', protocol: P - 1 }, '0.1.0')?.update, 'host');
  assert.equal(versionAdvice(null, '0.1.0'), null);
  assert.deepEqual(parseVersion('v1.2.3-rc1'), [1, 2, 3]);
});

test('the missing-ffmpeg warning shows for mp3 and for a kept picture, not for m4a audio', () => {
  const none = { ffmpeg: false };
  assert.equal(ffmpegWarning(none, 'm4a', false), false, 'm4a audio is merged in Go');
  assert.equal(ffmpegWarning(none, 'mp3', false), true);
  assert.equal(ffmpegWarning(none, 'm4a', true), true, 'the picture (mp4) needs ffmpeg');
  assert.equal(ffmpegWarning(none, 'mp3', true), true);
  assert.equal(ffmpegWarning({ ffmpeg: true }, 'mp3', true), false, 'the host has ffmpeg');
  assert.equal(ffmpegWarning({}, 'mp3', true), false, 'a host that does not say');
  assert.equal(ffmpegWarning(null, 'mp3', true), false);
});
