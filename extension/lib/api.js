// The WebExtension API of whichever browser runs us: Firefox's `browser`
// (promises), or Chrome's `chrome` (promises too in MV3). Looked up on each
// use, so that tests can install a fake `chrome` after importing.
/** @type {typeof chrome} */
export const api = /** @type {any} */ (new Proxy({}, {
  // @ts-ignore -- `browser` exists in Firefox only
  get: (_, key) => (globalThis.browser ?? globalThis.chrome)?.[key],
}));

/** True in Firefox (its runtime has getBrowserInfo; Chrome's has not). */
export function isFirefox() {
  // @ts-ignore -- Firefox-only API
  return typeof api.runtime?.getBrowserInfo === 'function';
}
