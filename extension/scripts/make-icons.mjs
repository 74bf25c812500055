// Draws the toolbar icons (a microphone over a down arrow on a blue disc)
// as PNGs at 16, 32, 48 and 128 px. No dependencies: shapes are signed
// distance functions, supersampled, encoded with zlib.
//   node scripts/make-icons.mjs   (writes icons/icon-N.png)
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'icons');

// Shapes in a 0..1 unit square. Each returns the signed distance (<0 inside).
const sdCircle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
function sdBox(x, y, cx, cy, hw, hh) {
  const dx = Math.abs(x - cx) - hw;
  const dy = Math.abs(y - cy) - hh;
  return Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0);
}
function sdCapsule(x, y, cx, y0, y1, r) {
  const py = Math.max(y0, Math.min(y1, y));
  return Math.hypot(x - cx, y - py) - r;
}
// An arc (lower half of a ring) of radius R and thickness t around (cx, cy).
function sdLowerArc(x, y, cx, cy, R, t) {
  if (y < cy) return Math.min(Math.hypot(x - (cx - R), y - cy), Math.hypot(x - (cx + R), y - cy)) - t;
  return Math.abs(Math.hypot(x - cx, y - cy) - R) - t;
}
function sdTriangleDown(x, y, cx, top, hw, h) {
  // isoceles triangle pointing down: apex at (cx, top+h)
  const ny = (y - top) / h;
  if (ny < 0 || ny > 1) return 1;
  const half = hw * (1 - ny);
  return Math.abs(x - cx) <= half ? -0.01 : 1;
}

const BLUE = [29, 155, 240];
const BLUE_DARK = [18, 112, 190];
const WHITE = [255, 255, 255];

function shade(x, y) {
  // background disc with a soft vertical gradient
  const disc = sdCircle(x, y, 0.5, 0.5, 0.48);
  if (disc > 0) return null;
  const g = y;
  let col = BLUE.map((c, i) => Math.round(c * (1 - g * 0.35) + BLUE_DARK[i] * g * 0.35));
  // microphone: capsule head, U arc, stem; then a down arrow below
  const mic = Math.min(
    sdCapsule(x, y, 0.5, 0.24, 0.42, 0.105),
    sdLowerArc(x, y, 0.5, 0.40, 0.17, 0.028),
    sdBox(x, y, 0.5, 0.60, 0.028, 0.035),
  );
  const arrow = Math.min(
    sdBox(x, y, 0.5, 0.68, 0.03, 0.04),
    sdTriangleDown(x, y, 0.5, 0.69, 0.13, 0.13),
  );
  if (mic < 0 || arrow < 0) col = WHITE;
  return col;
}

function render(size) {
  const ss = 4;
  const px = Buffer.alloc(size * size * 4);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const c = shade((i + (sx + 0.5) / ss) / size, (j + (sy + 0.5) / ss) / size);
          if (!c) continue;
          r += c[0]; g += c[1]; b += c[2]; a++;
        }
      }
      const o = (j * size + i) * 4;
      if (a) {
        px[o] = Math.round(r / a); px[o + 1] = Math.round(g / a); px[o + 2] = Math.round(b / a);
        px[o + 3] = Math.round((255 * a) / (ss * ss));
      }
    }
  }
  return png(size, size, px);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(w, h, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const raw = Buffer.alloc((w * 4 + 1) * h);
  for (let y = 0; y < h; y++) rgba.copy(raw, y * (w * 4 + 1) + 1, y * w * 4, (y + 1) * w * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(outDir, { recursive: true });
for (const size of [16, 32, 48, 128]) writeFileSync(join(outDir, `icon-${size}.png`), render(size));
console.log('icons written to', outDir);
