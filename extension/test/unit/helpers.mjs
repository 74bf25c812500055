import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { setMessages } from '../../lib/i18n.js';

export const EXT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO = resolve(EXT, '..');
export const TESTDATA = join(REPO, 'protocol', 'testdata');

export const MESSAGES = JSON.parse(readFileSync(join(EXT, '_locales', 'en', 'messages.json'), 'utf8'));
setMessages(MESSAGES);

/** Every example message under protocol/testdata/messages: [{name, data}]. */
export function examples() {
  const dir = join(TESTDATA, 'messages');
  if (!existsSync(dir)) throw new Error(`missing ${dir}: the protocol's example messages are the contract these tests check`);
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((name) => ({ name, data: JSON.parse(readFileSync(join(dir, name), 'utf8')) }));
}

export function protocolCodes() {
  return JSON.parse(readFileSync(join(TESTDATA, 'codes.json'), 'utf8')).codes;
}
