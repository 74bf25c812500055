// What the install page tells a person on one OS and architecture: the file
// of the release to get (the names `make dist` writes, host/cmd/mkdist) and
// the one command or double-click that follows. Also whether the host and
// the extension differ in version, and which of them to update.
import { PROTOCOL_VERSION } from './messages.js';

/**
 * @typedef {{file: string, command: string, how: string, also?: {file: string, command: string}[]}} InstallStep
 * how: 'deb' | 'tar' | 'mac' | 'zip'
 */

/**
 * The Go architecture for runtime.getPlatformInfo's arch (Chrome: x86-64,
 * arm64; Firefox: x86-64, aarch64).
 * @param {string} arch
 */
export function goArch(arch) {
  return arch === 'arm64' || arch === 'aarch64' ? 'arm64' : 'amd64';
}

/**
 * @param {{os: string, arch: string}} platform runtime.getPlatformInfo()
 * @param {string} version the extension's version: a release's host has the same
 * @returns {InstallStep}
 */
export function installStep(platform, version) {
  const arch = goArch(platform.arch);
  const v = version;
  switch (platform.os) {
    case 'mac': {
      const dir = `spacekeep_${v}_darwin_${arch}`;
      return {
        how: 'mac',
        file: `${dir}.tar.gz`,
        command: `cd ~/Downloads && tar xzf ${dir}.tar.gz && xattr -dr com.apple.quarantine ${dir} && ./${dir}/spacekeep install`,
      };
    }
    case 'win':
      return { how: 'zip', file: `spacekeep_${v}_windows_${arch}.zip`, command: '.\\spacekeep.exe install' };
    default: { // linux, openbsd, cros (Linux apps): the packages first
      const rpmArch = arch === 'arm64' ? 'aarch64' : 'x86_64';
      const tar = `spacekeep_${v}_linux_${arch}`;
      return {
        how: 'deb',
        file: `spacekeep_${v}_${arch}.deb`,
        command: `sudo apt install ./spacekeep_${v}_${arch}.deb`,
        also: [
          { file: `spacekeep-${v}-1.${rpmArch}.rpm`, command: `sudo dnf install ./spacekeep-${v}-1.${rpmArch}.rpm` },
          { file: `${tar}.tar.gz`, command: `tar xzf ${tar}.tar.gz && ./${tar}/spacekeep install` },
        ],
      };
    }
  }
}

/**
 * [major, minor, patch] of a release version ("0.1.0", "v0.2.0-rc1"), or
 * null for a build from source ("43fcdb6", "dev").
 * @param {string | undefined} v
 */
export function parseVersion(v) {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/**
 * Which side to update when the host and the extension differ: the
 * protocol number decides first (they cannot talk), then the release
 * versions. null when they match or a side is a build from source.
 * @param {{version?: string, protocol?: number} | null | undefined} hello the host's hello
 * @param {string} extVersion
 * @returns {{update: 'host' | 'extension', host: string, extension: string} | null}
 */
export function versionAdvice(hello, extVersion) {
  if (!hello) return null;
  const host = String(hello.version ?? '');
  const out = (/** @type {'host' | 'extension'} */ update) => ({ update, host, extension: extVersion });
  if (typeof hello.protocol === 'number' && hello.protocol !== PROTOCOL_VERSION) {
    return out(hello.protocol < PROTOCOL_VERSION ? 'host' : 'extension');
  }
  const h = parseVersion(host);
  const e = parseVersion(extVersion);
  if (!h || !e) return null;
  for (let i = 0; i < 3; i++) {
    if (h[i] !== e[i]) return out(h[i] < e[i] ? 'host' : 'extension');
  }
  return null;
}

/**
 * Whether the popup warns that the host has no ffmpeg: the download chosen
 * needs it. M4A audio is merged in Go; MP3 is encoded by ffmpeg, and a
 * Space's picture (mp4, "Keep the picture") is muxed by it.
 * @param {{ffmpeg?: boolean} | null | undefined} hello the host's hello
 * @param {string | undefined} format the format chosen
 * @param {boolean} video whether the picture is to be kept (offered and ticked)
 */
export function ffmpegWarning(hello, format, video) {
  return hello?.ffmpeg === false && (format === 'mp3' || video);
}
