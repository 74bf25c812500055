// Runs in the extension's isolated world on x.com pages. It relays what
// content/page-main.js saw (X's own answers, as JSON) to the background,
// after checking that it comes from this very window and has the expected
// shape. It never posts anything back into the page.
(() => {
  const TAG = 'spacekeep:x-answer';
  const MAX = 1 << 20;
  // @ts-ignore -- `browser` exists in Firefox only
  const runtime = (globalThis.browser ?? globalThis.chrome).runtime;
  window.addEventListener('message', (e) => {
    if (e.source !== window || e.origin !== location.origin) return;
    const d = e.data;
    if (!d || typeof d !== 'object' || d[TAG] !== 1) return;
    if (d.kind !== 'audio_space' && d.kind !== 'stream_status' && d.kind !== 'timeline') return;
    if (typeof d.url !== 'string' || d.url.length > 16384 || typeof d.text !== 'string' || d.text.length > MAX) return;
    let answer;
    try {
      answer = JSON.parse(d.text);
    } catch {
      return;
    }
    if (!answer || typeof answer !== 'object' || Array.isArray(answer)) return;
    Promise.resolve(runtime.sendMessage({ type: 'x-answer', kind: d.kind, url: d.url, answer })).catch(() => {});
  });
  // The popup's "Spaces on this page": the Space links the page shows now
  // (absolute hrefs; the host checks each). Only our extension can ask.
  runtime.onMessage.addListener((/** @type {any} */ msg, /** @type {any} */ sender, /** @type {any} */ reply) => {
    if (msg?.type !== 'spacekeep:links' || sender?.id !== runtime.id) return undefined;
    const links = new Set();
    for (const a of document.querySelectorAll('a[href*="/i/spaces/"]')) {
      if (links.size >= 1000) break;
      const href = /** @type {HTMLAnchorElement} */ (a).href;
      if (typeof href === 'string' && href.length <= 2048) links.add(href);
    }
    reply({ links: [...links] });
    return undefined;
  });
})();
