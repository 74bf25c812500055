// The install page: the file of the release for this OS and architecture
// (runtime.getPlatformInfo), the one command that follows, and a "Check
// again" that asks the background to reach the host and turns green when it
// answers. ?os=linux|mac|win&arch=… shows another computer's steps.
import { api } from './lib/api.js';
import { t, localize } from './lib/i18n.js';
import { UiClient } from './lib/uiclient.js';
import { installStep, versionAdvice } from './lib/install.js';

localize(document);

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const ui = new UiClient();
const version = api.runtime.getManifest().version;

const OS_NAMES = { linux: 'Linux', mac: 'macOS', win: 'Windows', cros: 'ChromeOS (Linux apps)', openbsd: 'OpenBSD' };

async function platform() {
  const q = new URLSearchParams(location.search);
  const info = await api.runtime.getPlatformInfo();
  return { os: q.get('os') ?? info.os, arch: q.get('arch') ?? info.arch };
}

/** @param {{os: string, arch: string}} p */
function showSteps(p) {
  const step = installStep(p, version);
  $('steps-title').textContent = t('installOn', [/** @type {any} */ (OS_NAMES)[p.os] ?? p.os, p.arch]);
  $('file').textContent = step.file;
  $('command').textContent = step.command;
  $('step-win').hidden = step.how !== 'zip';
  $('run-label').textContent = step.how === 'zip' ? t('installRunHere') : t('installRun');
  const list = $('also-list');
  list.replaceChildren(...(step.also ?? []).map((a) => {
    const li = document.createElement('li');
    const f = document.createElement('code');
    f.textContent = a.file;
    const c = document.createElement('code');
    c.textContent = a.command;
    li.append(f, ': ', c);
    return li;
  }));
  $('also').hidden = !step.also?.length;
  document.body.dataset.os = p.os;
}

/** @param {any} s the background's state */
function showState(s) {
  const n = s?.native;
  const card = $('check-card');
  const dot = $('check-dot');
  if (n?.connected) {
    card.dataset.state = 'ok';
    dot.className = 'status ok';
    $('check-text').textContent = t('installFound', n.hello?.version ?? '');
  } else if (n?.error) {
    card.dataset.state = 'missing';
    dot.className = 'status bad';
    $('check-text').textContent = t('installNotFound');
  } else {
    card.dataset.state = 'checking';
    dot.className = 'status';
    $('check-text').textContent = t('installChecking');
  }
  const advice = versionAdvice(n?.connected ? n.hello : null, version);
  $('version-advice').hidden = !advice;
  if (advice) {
    $('version-advice').textContent = t(advice.update === 'host' ? 'versionUpdateHost' : 'versionUpdateExtension', [advice.host, advice.extension]);
  }
}

async function check() {
  $('check-card').dataset.state = 'checking';
  $('check-text').textContent = t('installChecking');
  await ui.call('retryHost').catch(() => {});
  // The background reconnects and pushes its state; wait for an answer.
  for (let i = 0; i < 50; i++) {
    const n = ui.lastState?.native;
    if (n?.connected || (n?.error && !n.connecting)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  showState(ui.lastState);
}

ui.onState(showState);
$('check').addEventListener('click', () => { check(); });
$('copy').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText($('command').textContent ?? '');
    $('copy').textContent = t('copied');
  } catch {
    const range = document.createRange();
    range.selectNodeContents($('command'));
    getSelection()?.removeAllRanges();
    getSelection()?.addRange(range);
  }
});

(async () => {
  showSteps(await platform());
  await check();
  document.body.dataset.ready = 'true';
})();
