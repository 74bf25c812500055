import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MESSAGES, EXT, protocolCodes, examples } from './helpers.mjs';
import { describeError, codeForDisconnect, HOST_CODES, EXT_CODES, INSTALL_COMMAND, toWire, CodedError } from '../../lib/errors.js';
import { t } from '../../lib/i18n.js';

test('every protocol code (protocol/testdata/codes.json) has words and a way out', () => {
  const codes = protocolCodes().map((/** @type {any} */ c) => c.code);
  assert.deepEqual([...HOST_CODES].sort(), [...codes].sort(), 'lib/errors.js HOST_CODES must list the protocol codes');
  for (const code of [...codes, ...EXT_CODES, 'unknown']) {
    assert.ok(MESSAGES[`err_${code}`], `messages.json lacks err_${code}`);
    assert.ok(MESSAGES[`errTitle_${code}`], `messages.json lacks errTitle_${code}`);
  }
});

test('error codes map to plain words and actions', () => {
  const auth = describeError('auth_required');
  assert.equal(auth.action, 'login');
  assert.match(auth.message, /Log in to x\.com in this browser/);
  const missing = describeError('host_missing');
  assert.equal(missing.action, 'install');
  assert.equal(missing.command, INSTALL_COMMAND);
  assert.equal(describeError('ffmpeg_missing').action, 'doctor');
  assert.match(describeError('rate_limited').message, /Wait a few minutes/);
  assert.match(describeError('not_replayable').message, /did not keep a replay/);
  assert.match(describeError('live').message, /live/);
  assert.match(describeError('not_started').message, /not started/);
  // An unknown code from a newer host: its own message is shown.
  const u = describeError('shiny_new_code', 'Do the new thing.');
  assert.equal(u.message, 'Do the new thing.');
  assert.equal(u.action, 'none');
});

test('ffmpeg_missing says, as the host does, that ffmpeg is needed for MP3 and for the picture', () => {
  const host = protocolCodes().find((/** @type {any} */ c) => c.code === 'ffmpeg_missing').message;
  for (const m of [host, describeError('ffmpeg_missing').message]) {
    assert.match(m, /mp3/i);
    assert.match(m, /picture/);
    assert.doesNotMatch(m, /only for mp3/i);
  }
});

test('a damaged settings file is damaged_file, in words that name the file, not a full disk', () => {
  const reply = examples().find((e) => e.name === 'watch.add.damaged.reply.json')?.data;
  assert.ok(reply, 'protocol/testdata has watch.add.damaged.reply.json');
  const view = describeError(reply.error.code, reply.error.message);
  assert.equal(view.code, 'damaged_file');
  assert.match(view.message, /watch\.json is damaged/, 'the host names the file');
  assert.doesNotMatch(view.message, /free space|Could not write/);
  assert.doesNotMatch(view.title, /write/);
  const own = describeError('damaged_file');
  assert.match(own.message, /damaged/);
  assert.doesNotMatch(own.message, /free space/);
});

test('disconnect messages from both browsers', () => {
  assert.equal(codeForDisconnect('Specified native messaging host not found.'), 'host_missing');
  assert.equal(codeForDisconnect('No such native application com.spacekeep.host'), 'host_missing');
  assert.equal(codeForDisconnect('Access to the specified native messaging host is forbidden.'), 'host_forbidden');
  assert.equal(codeForDisconnect('Native host has exited.'), 'host_exited');
  assert.equal(codeForDisconnect('Error when communicating with the native messaging host.'), 'host_exited');
  assert.equal(codeForDisconnect(undefined), 'host_exited');
});

test('toWire keeps codes and never invents secrets', () => {
  assert.deepEqual(toWire(new CodedError('disk', 'full')), { code: 'disk', message: 'full' });
  assert.deepEqual(toWire(new Error('boom')), { code: 'internal', message: 'boom' });
  assert.deepEqual(toWire('str'), { code: 'internal', message: 'str' });
});

test('every i18n key the pages and scripts use exists, with substitutions', () => {
  const used = new Set();
  const files = ['popup.html', 'options.html', 'popup.js', 'options.js', 'background.js', ...readdirSync(join(EXT, 'lib')).map((f) => `lib/${f}`)];
  for (const f of files) {
    const text = readFileSync(join(EXT, f), 'utf8');
    for (const m of text.matchAll(/data-i18n(?:-[a-z-]+)?="([A-Za-z0-9_]+)"/g)) used.add(m[1]);
    for (const m of text.matchAll(/\bt\('([A-Za-z0-9_]+)'/g)) used.add(m[1]);
    for (const m of text.matchAll(/__MSG_([A-Za-z0-9_]+)__/g)) used.add(m[1]);
  }
  const manifest = readFileSync(join(EXT, 'manifest.json'), 'utf8');
  for (const m of manifest.matchAll(/__MSG_([A-Za-z0-9_]+)__/g)) used.add(m[1]);
  // keys built at run time
  for (const s of ['live', 'scheduled', 'ended']) used.add(`state_${s}`);
  for (const s of ['queued', 'resolving', 'waiting', 'fetching', 'recording', 'merging', 'done', 'failed']) used.add(`stage_${s}`);
  const missing = [...used].filter((k) => !MESSAGES[k]);
  assert.deepEqual(missing, []);
  assert.equal(t('chunksOf', [3, 10]), '3 of 10 chunks');
  assert.equal(t('no_such_key'), 'no_such_key');
});

test('text-only pages get the install command with the words that announce it', async () => {
  const { errorMessage } = await import('../../lib/errors.js');
  for (const code of ['host_missing', 'host_forbidden']) {
    const m = errorMessage(code);
    assert.match(m, /this command in a terminal.*: spacekeep install$/i, code);
  }
  assert.equal(errorMessage('timeout'), describeError('timeout').message);
});
