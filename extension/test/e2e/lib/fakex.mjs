// Starts bin/fakex (the project's fake x.com) and reads its one JSON line:
// {api_base, cdn_base, cert_file, auth_token, ct0, spaces: [{id, title, state, replayable, url}]}.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
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

/**
 * Calls the fake's test control (/__fakex/…) from node, trusting its certificate.
 * @param {{info: any, port: number}} fake @param {string} path e.g. '/__fakex/mode?drift=on' @param {string} [method]
 * @returns {Promise<any>}
 */
export function fakeControl(fake, path, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port: fake.port, path, method, ca: readFileSync(fake.info.cert_file) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`fakex ${path}: HTTP ${res.statusCode} ${body}`));
        try { resolve(JSON.parse(body)); } catch (e) { reject(e); }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The API calls the host made (not the page's own: those carry Sec-Fetch-Mode).
 * @param {{info: any, port: number}} fake
 * @returns {Promise<{method: string, path: string, user_agent: string, accept_language: string, has_cookie: boolean, guest: boolean, from_page: boolean}[]>}
 */
export async function hostCalls(fake) {
  return (await fakeControl(fake, '/__fakex/requests')).filter((/** @type {any} */ r) => !r.from_page);
}
