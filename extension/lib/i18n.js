// Every user-visible text comes from _locales/<lang>/messages.json.
import { api } from './api.js';

/** @type {Record<string, {message: string}> | null} */
let override = null;

/**
 * For tests outside a browser: use this messages.json content instead.
 * @param {Record<string, {message: string}> | null} messages
 */
export function setMessages(messages) {
  override = messages;
}

/**
 * The localized text for key; $1..$9 are replaced by subs.
 * @param {string} key @param {(string|number)[] | string | number} [subs]
 */
export function t(key, subs) {
  const list = subs === undefined ? [] : (Array.isArray(subs) ? subs : [subs]).map(String);
  if (override) {
    const m = override[key]?.message;
    if (m === undefined) return key;
    return m.replace(/\$(\d)/g, (_, d) => list[Number(d) - 1] ?? '');
  }
  const s = api?.i18n?.getMessage(key, list);
  return s || key;
}

/**
 * Fills elements marked with data-i18n (text), data-i18n-title,
 * data-i18n-aria-label and data-i18n-placeholder.
 * @param {ParentNode} root
 */
export function localize(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(/** @type {string} */ (el.getAttribute('data-i18n')));
  for (const attr of ['title', 'aria-label', 'placeholder']) {
    for (const el of root.querySelectorAll(`[data-i18n-${attr}]`)) {
      el.setAttribute(attr, t(/** @type {string} */ (el.getAttribute(`data-i18n-${attr}`))));
    }
  }
}
