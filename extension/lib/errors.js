// Error codes (protocol/errors.go, plus a few the extension itself raises)
// mapped to plain words and the way out.
import { t } from './i18n.js';

/** Codes of the protocol (protocol/errors.go). */
export const HOST_CODES = [
  'auth_required', 'forbidden', 'not_found', 'not_replayable', 'not_started', 'live', 'video_space',
  'rate_limited', 'network', 'bad_playlist', 'ffmpeg_missing', 'ffmpeg_failed', 'disk', 'cancelled',
  'bad_request', 'unknown_type', 'unknown_job', 'frame_too_large', 'api_changed', 'internal', 'busy',
  'search_unavailable', 'damaged_file',
];

/** Codes the extension raises itself. */
export const EXT_CODES = [
  'host_missing', // no native host manifest: spacekeep is not installed
  'host_forbidden', // the manifest does not allow this extension
  'host_exited', // the host stopped or crashed
  'timeout', // no reply in time
  'not_a_space', // the tab or link is not a Space
  'no_access', // the user took away our access to x.com (Firefox lets them)
  'guest_refused', // logged out, and X does not serve this Space to guests
];

export const INSTALL_COMMAND = 'spacekeep install';

/**
 * What to offer next to the message:
 * login: open x.com; install: show the install command; retry: a Try again button;
 * doctor: suggest `spacekeep doctor`; grant: ask for x.com access again; none.
 * @type {Record<string, 'login'|'install'|'retry'|'doctor'|'grant'|'none'>}
 */
const ACTIONS = {
  auth_required: 'login',
  guest_refused: 'login',
  no_access: 'grant',
  forbidden: 'login',
  host_missing: 'install',
  host_forbidden: 'install',
  host_exited: 'retry',
  timeout: 'retry',
  network: 'retry',
  rate_limited: 'none',
  ffmpeg_missing: 'doctor',
  ffmpeg_failed: 'doctor',
  internal: 'doctor',
  cancelled: 'retry',
  busy: 'retry',
  search_unavailable: 'none',
  damaged_file: 'none',
};

/** Codes whose host message is more use than our words: it names the file. */
const HOST_WORDS = new Set(['damaged_file']);

/**
 * @typedef {{code: string, title: string, message: string, action: 'login'|'install'|'retry'|'doctor'|'grant'|'none', command?: string}} ErrorView
 */

/**
 * Plain words for an error code. hostMessage is the host's own text, used
 * when the code is one this version does not know, and for a code whose
 * host words say more than ours (HOST_WORDS: which file is damaged).
 * @param {string} code @param {string} [hostMessage]
 * @returns {ErrorView}
 */
export function describeError(code, hostMessage) {
  const known = HOST_CODES.includes(code) || EXT_CODES.includes(code);
  const key = known ? code : 'unknown';
  const ours = known && !(HOST_WORDS.has(code) && hostMessage);
  /** @type {ErrorView} */
  const view = {
    code,
    title: t(`errTitle_${key}`),
    message: ours ? t(`err_${key}`) : (hostMessage || t('err_unknown')),
    action: ACTIONS[code] ?? 'none',
  };
  if (view.action === 'install') view.command = INSTALL_COMMAND;
  return view;
}

/**
 * The whole message for a page that shows text only (the library, the
 * options): the words and, when there is one, the command they end with.
 * @param {string} code @param {string} [hostMessage]
 */
export function errorMessage(code, hostMessage) {
  const view = describeError(code, hostMessage);
  return view.command ? `${view.message} ${view.command}` : view.message;
}

/**
 * The code for a native-port disconnect message (Chrome: runtime.lastError,
 * Firefox: port.error).
 * @param {string | undefined} msg
 */
export function codeForDisconnect(msg) {
  const m = (msg ?? '').toLowerCase();
  if (m.includes('not found') || m.includes('no such native application')) return 'host_missing';
  if (m.includes('forbidden') || m.includes('not allowed') || m.includes('access to the specified native messaging host')) return 'host_forbidden';
  return 'host_exited';
}

/** An Error carrying a protocol code. */
export class CodedError extends Error {
  /** @param {string} code @param {string} [message] */
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

/**
 * {code, message} of anything thrown.
 * @param {any} err
 */
export function toWire(err) {
  if (err && typeof err.code === 'string') return { code: err.code, message: String(err.message ?? err.code) };
  return { code: 'internal', message: String(err?.message ?? err) };
}
