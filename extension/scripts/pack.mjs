// Packs the extension: dist/spacekeep-chrome.zip and dist/spacekeep-firefox.xpi
// (at the top of the repo). Each gets a manifest trimmed for its browser:
// Chrome's (the Web Store's) without key, browser_specific_settings and background.scripts,
// Firefox's without key and background.service_worker. Deterministic: files
// sorted, fixed timestamps. No dependencies (zlib's raw deflate + a small zip writer).
//   node scripts/pack.mjs [outDir]
import { readFileSync, readdirSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.argv[2] ?? join(root, '..', 'dist'));
const INCLUDE = ['manifest.json', 'background.js', 'content', 'popup.html', 'popup.js', 'popup.css', 'options.html', 'options.js', 'options.css', 'library.html', 'library.js', 'library.css', 'install.html', 'install.js', 'install.css', 'lib', '_locales', 'icons'];

/** @param {string} p @returns {string[]} */
function walk(p) {
  const abs = join(root, p);
  if (statSync(abs).isDirectory()) return readdirSync(abs).flatMap((f) => walk(join(p, f)));
  return [p];
}
const files = INCLUDE.flatMap(walk).map((f) => f.split(sep).join('/')).sort();
const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));

function chromeManifest() {
  const m = structuredClone(manifest);
  // The Web Store refuses a key: it keeps the id of the key.pem sent with the first upload.
  delete m.key;
  delete m.browser_specific_settings;
  delete m.background.scripts;
  return m;
}
function firefoxManifest() {
  const m = structuredClone(manifest);
  delete m.key;
  delete m.background.service_worker;
  return m;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
/** @param {Buffer} buf */
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** @param {{name: string, data: Buffer}[]} entries */
function zip(entries) {
  const DOS_TIME = 0; // 00:00:00
  const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1; // 2024-01-01
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBuf = Buffer.from(name, 'utf8');
    const deflated = deflateRawSync(data, { level: 9 });
    const useDeflate = deflated.length < data.length;
    const body = useDeflate ? deflated : data;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(useDeflate ? 8 : 0, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBuf, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: unix, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(useDeflate ? 8 : 0, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** @param {object} m */
function entriesWith(m) {
  return files.map((name) => ({
    name,
    data: name === 'manifest.json' ? Buffer.from(JSON.stringify(m, null, 2) + '\n') : readFileSync(join(root, name)),
  }));
}

mkdirSync(outDir, { recursive: true });
const chrome = join(outDir, 'spacekeep-chrome.zip');
const firefox = join(outDir, 'spacekeep-firefox.xpi');
writeFileSync(chrome, zip(entriesWith(chromeManifest())));
writeFileSync(firefox, zip(entriesWith(firefoxManifest())));
console.log(`${relative(process.cwd(), chrome)} (${files.length} files)`);
console.log(`${relative(process.cwd(), firefox)} (${files.length} files)`);
