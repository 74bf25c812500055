// The WebExtension API of whichever browser runs us: Firefox's `browser`
// (promises), or Chrome's `chrome` (promises too in MV3).
/** @type {typeof chrome} */
// @ts-ignore -- `browser` exists in Firefox only
export const api = globalThis.browser ?? globalThis.chrome;

/** True in Firefox (its runtime has getBrowserInfo; Chrome's has not). */
export function isFirefox() {
  // @ts-ignore -- Firefox-only API
  return typeof api?.runtime?.getBrowserInfo === 'function';
}
