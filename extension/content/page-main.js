// Runs in the x.com page's own world (MAIN), before the page's scripts. It
// sees X's answers to the page's own AudioSpaceById and
// live_video_stream/status calls (fetch and XMLHttpRequest), and those of
// its other GraphQL calls (timelines: a profile, home, search, a list, a
// post) when they mention a Space ("audiospace" cards, /i/spaces/ links),
// and passes their JSON text, with the path of the call, to
// content/relay.js by window.postMessage. It reads nothing else (no cookies, no headers, no other
// call) and receives nothing from the extension: data only ever flows out of
// the page's world, never into it.
(() => {
  const TAG = 'spacekeep:x-answer';
  const MAX = 1 << 20; // real answers are a few KB
  const AUDIO = /^\/i\/api\/graphql\/[A-Za-z0-9_-]{5,64}\/AudioSpaceById\/?$/;
  const STATUS = /^\/i\/api\/1\.1\/live_video_stream\/status\/[^/]{1,64}$/;
  const GRAPHQL = /^\/i\/api\/graphql\/[A-Za-z0-9_-]{5,64}\/[A-Za-z0-9_]{1,64}\/?$/;

  /** 'audio_space', 'stream_status' or '' for a call we do not care about. @param {unknown} raw */
  function kindOf(raw) {
    let u;
    try {
      u = new URL(String(raw), location.href);
    } catch {
      return { kind: '', path: '' };
    }
    if (!/^(?:[a-z0-9-]+\.)*(?:x|twitter)\.com$/.test(u.hostname) && u.origin !== location.origin) return { kind: '', path: '' };
    const kind = AUDIO.test(u.pathname) ? 'audio_space' : STATUS.test(u.pathname) ? 'stream_status' : GRAPHQL.test(u.pathname) ? 'timeline' : '';
    return { kind, path: u.pathname + u.search };
  }

  /** @param {string} kind @param {string} path @param {unknown} text */
  function post(kind, path, text) {
    if (typeof text !== 'string' || text.length > MAX) return;
    // A timeline is passed on only when it shows a Space: the rest stays in the page.
    if (kind === 'timeline' && !text.includes('audiospace') && !text.includes('/i/spaces/')) return;
    window.postMessage({ [TAG]: 1, kind, url: path, text }, location.origin);
  }

  const origFetch = window.fetch;
  window.fetch = function fetch(...args) {
    const p = origFetch.apply(this, /** @type {any} */ (args));
    try {
      const req = args[0];
      const { kind, path } = kindOf(req instanceof Request ? req.url : req);
      if (kind) {
        p.then((res) => {
          if (res.status === 200) res.clone().text().then((t) => post(kind, path, t), () => {});
        }, () => {});
      }
    } catch { /* never break the page */ }
    return p;
  };

  const XHR = XMLHttpRequest.prototype;
  const origOpen = XHR.open;
  const origSend = XHR.send;
  /** @type {WeakMap<XMLHttpRequest, string>} */
  const urls = new WeakMap();
  /** @this {XMLHttpRequest} @param {any[]} args */
  function open(...args) {
    try { urls.set(this, String(args[1])); } catch { /* ignore */ }
    return origOpen.apply(this, /** @type {any} */ (args));
  }
  XHR.open = /** @type {any} */ (open);
  XHR.send = function send(...args) {
    try {
      const { kind, path } = kindOf(urls.get(this));
      if (kind) {
        this.addEventListener('load', () => {
          if (this.status !== 200) return;
          if (this.responseType === '' || this.responseType === 'text') post(kind, path, this.responseText);
          else if (this.responseType === 'json' && this.response) post(kind, path, JSON.stringify(this.response));
        });
      }
    } catch { /* never break the page */ }
    return origSend.apply(this, /** @type {any} */ (args));
  };
})();
