import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXT, REPO } from './helpers.mjs';

const manifest = JSON.parse(readFileSync(join(EXT, 'manifest.json'), 'utf8'));

/** Chrome's extension id from a base64 DER public key. @param {string} key */
function chromeId(key) {
  const hex = createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode('a'.charCodeAt(0) + parseInt(c, 16))).join('');
}

test('the manifest fixes the ids of protocol/ids.go', () => {
  const ids = readFileSync(join(REPO, 'protocol', 'ids.go'), 'utf8');
  const goKey = /ChromeExtensionKey = "([^"]+)"/.exec(ids)?.[1];
  const goId = /ChromeExtensionID = "([^"]+)"/.exec(ids)?.[1];
  const gecko = /GeckoID = "([^"]+)"/.exec(ids)?.[1];
  assert.equal(manifest.key, goKey);
  assert.equal(chromeId(manifest.key), goId);
  assert.equal(manifest.browser_specific_settings.gecko.id, gecko);
});

test('one manifest for both browsers, with only the permissions we need', () => {
  assert.equal(manifest.manifest_version, 3);
  assert.equal(manifest.background.service_worker, 'background.js');
  assert.deepEqual(manifest.background.scripts, ['background.js']);
  assert.equal(manifest.background.type, 'module');
  assert.deepEqual([...manifest.host_permissions].sort(), ['https://*.twitter.com/*', 'https://*.x.com/*', 'https://twitter.com/*', 'https://x.com/*']);
  for (const p of ['nativeMessaging', 'cookies', 'contextMenus', 'storage', 'notifications']) assert.ok(manifest.permissions.includes(p), p);
  assert.ok(!manifest.permissions.includes('<all_urls>'));
});

test('every file the manifest and pages name exists', () => {
  const named = [
    manifest.background.service_worker, manifest.action.default_popup, manifest.options_ui.page,
    ...Object.values(manifest.icons), ...Object.values(manifest.action.default_icon),
  ];
  for (const page of ['popup.html', 'options.html', 'library.html']) {
    const html = readFileSync(join(EXT, page), 'utf8');
    for (const m of html.matchAll(/(?:src|href)="([^"]+)"/g)) named.push(m[1]);
  }
  for (const f of named) assert.ok(existsSync(join(EXT, /** @type {string} */ (f))), `${f} exists`);
  const png = readFileSync(join(EXT, 'icons', 'icon-128.png'));
  assert.equal(png.readUInt32BE(16), 128, 'icon-128.png is 128 px wide');
});

test('pack writes a Chrome zip and a Firefox xpi with per-browser manifests', () => {
  const out = mkdtempSync(join(tmpdir(), 'sk-pack-'));
  execFileSync(process.execPath, [join(EXT, 'scripts', 'pack.mjs'), out], { stdio: 'ignore' });
  for (const f of ['spacekeep-chrome.zip', 'spacekeep-firefox.xpi']) {
    const buf = readFileSync(join(out, f));
    assert.equal(buf.readUInt32LE(0), 0x04034b50, `${f} is a zip`);
    assert.ok(buf.includes(Buffer.from('manifest.json')));
    assert.ok(buf.includes(Buffer.from('lib/native.js')));
    assert.ok(buf.includes(Buffer.from('install.html')), `${f} holds the install page`);
    assert.ok(!buf.includes(Buffer.from('test/')), `${f} holds no tests`);
  }
});

test('content scripts: only on x.com and twitter.com pages (Spaces on any page); the page-world one reads no cookie and receives nothing', () => {
  const cs = manifest.content_scripts;
  assert.equal(cs.length, 2);
  for (const c of cs) {
    for (const m of c.matches) assert.match(m, /^https:\/\/(\*\.)?(x|twitter)\.com\/\*$/);
    for (const f of c.js) assert.ok(existsSync(join(EXT, f)), `${f} exists`);
    assert.equal(c.run_at, 'document_start');
  }
  const main = cs.find((/** @type {any} */ c) => c.world === 'MAIN');
  assert.deepEqual(main.js, ['content/page-main.js']);
  const src = readFileSync(join(EXT, main.js[0]), 'utf8');
  assert.ok(!/cookie/i.test(src.replace(/^\s*\/\/.*$/gm, '')), 'the page-world script never touches cookies');
  assert.ok(!/addEventListener\(\s*['"]message/.test(src) && !/onmessage/.test(src), 'the page-world script listens to no message: nothing flows into the page');
  assert.ok(!/runtime|chrome\.|browser\./.test(src.replace(/^\s*\/\/.*$/gm, '')), 'the page-world script has no extension API');
  const relay = cs.find((/** @type {any} */ c) => c.world !== 'MAIN');
  assert.deepEqual(relay.js, ['content/relay.js']);
  assert.ok(!/postMessage/.test(readFileSync(join(EXT, relay.js[0]), 'utf8')), 'the relay posts nothing into the page');
});
