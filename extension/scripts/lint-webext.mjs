// web-ext lint over the extension, failing on any error and on any warning
// except the one a dual-browser manifest cannot avoid: Firefox ignores
// background.service_worker (it uses background.scripts, which we also have).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ALLOWED = new Set(['BACKGROUND_SERVICE_WORKER_IGNORED']);
const bin = join(root, 'node_modules', '.bin', 'web-ext');
let out;
try {
  out = execFileSync(bin, ['lint', '--source-dir', root, '--self-hosted', '--output', 'json',
    '--ignore-files', 'test', 'scripts', 'screenshots', 'node_modules', 'jsconfig.json', 'package.json', 'package-lock.json', 'README.md', 'dist'],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
} catch (e) {
  out = /** @type {any} */ (e).stdout; // web-ext exits non-zero on errors; the JSON says which
}
const report = JSON.parse(out);
const problems = [...report.errors, ...report.warnings.filter((/** @type {any} */ w) => !ALLOWED.has(w.code))];
for (const p of problems) console.error(`${p._type ?? 'problem'} ${p.code}: ${p.message} (${p.file ?? ''})`);
const ignored = report.warnings.length - problems.filter((/** @type {any} */ p) => report.warnings.includes(p)).length;
console.log(`web-ext lint: ${report.errors.length} errors, ${report.warnings.length - ignored} warnings (${ignored} expected: ${[...ALLOWED].join(', ')}), ${report.notices.length} notices`);
process.exit(problems.length ? 1 : 0);
