// Starts bin/fakex (the project's fake x.com) and reads its one JSON line:
// {api_base, cdn_base, cert_file, auth_token, ct0, spaces: [{id, title, state, replayable, url}]}.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BIN } from './paths.mjs';

export function requireBinaries() {
  for (const b of ['spacekeep', 'fakex']) {
    if (!existsSync(join(BIN, b))) throw new Error(`${join(BIN, b)} is missing: run 'make build fakex' at the top of the repo first`);
  }
}

/**
 * @param {{addr?: string, args?: string[]}} [opts] addr: API listen address (127.0.0.1:0 by default)
 * @returns {Promise<{info: any, port: number, stop: () => Promise<void>, stderr: () => string}>}
 */
export async function startFakex({ addr = '127.0.0.1:0', args = [] } = {}) {
  requireBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'sk-fakex-'));
  const child = spawn(join(BIN, 'fakex'), ['-tls', '-api-addr', addr, '-cert-out', join(dir, 'cert.pem'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => { err = (err + d).slice(-20000); });
  const rl = createInterface({ input: child.stdout });
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fakex printed nothing in 30 s; stderr:\n${err}`)), 30000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`fakex exited (${code}); stderr:\n${err}`)); });
    rl.once('line', (line) => {
      clearTimeout(timer);
      try { resolve(JSON.parse(line)); } catch (e) { reject(new Error(`fakex said ${line}`)); }
    });
  });
  const port = Number(new URL(info.api_base).port || 443);
  return {
    info,
    port,
    stderr: () => err,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
