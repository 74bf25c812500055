// Package installer registers the spacekeep host with every browser the
// user has: it copies the binary to a stable per-user place, writes a
// native-messaging manifest per browser (and on Windows the registry keys
// that point at it), remembers what it wrote so that uninstall removes
// exactly that, and checks it all for doctor. Every function takes an Env,
// so tests run against a temporary home for any OS.
package installer

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"path"
	"runtime"
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// Env is the part of the machine the installer reads and writes.
type Env struct {
	GOOS            string // runtime.GOOS unless testing another OS's paths
	Home            string
	XDGConfigHome   string // Linux; empty means {home}/.config
	XDGDataHome     string // Linux; empty means {home}/.local/share
	LocalAppData    string // Windows; empty means {home}\AppData\Local
	AppData         string // Windows; empty means {home}\AppData\Roaming
	ProgramFiles    string // Windows; empty means C:\Program Files
	ProgramFilesX86 string // Windows; empty means C:\Program Files (x86)
	// LookPath finds a browser's program (a name on PATH or an absolute
	// path); nil finds none, so tests of another OS's table see only folders.
	LookPath func(file string) (string, error)
	// SystemRoot is prepended to the system-wide folders (tests); empty is /.
	SystemRoot string
	Exe        string // the running binary, copied by Install
	Version    string // for doctor
	LogFile    string // for doctor
	FFmpeg     string // for doctor: $SPACEKEEP_FFMPEG; empty means the one on PATH
	Out        io.Writer
	Registry   Registry // Windows HKCU; nil means the system's (a no-op elsewhere)
}

// FromOS describes the running process to the installer, reading the
// environment through getenv (tests pass their own). home, when not empty,
// overrides the home folder, and the XDG and Windows folders then derive
// from it.
func FromOS(home string, getenv func(string) string) (Env, error) {
	env := Env{GOOS: runtime.GOOS, Home: home, FFmpeg: getenv("SPACEKEEP_FFMPEG")}
	if home == "" {
		env.Home = getenv("HOME")
		if runtime.GOOS == "windows" {
			env.Home = getenv("USERPROFILE")
		}
		if env.Home == "" {
			h, err := os.UserHomeDir()
			if err != nil {
				return env, fmt.Errorf("find your home folder: %w", err)
			}
			env.Home = h
		}
		env.XDGConfigHome = getenv("XDG_CONFIG_HOME")
		env.XDGDataHome = getenv("XDG_DATA_HOME")
		env.LocalAppData = getenv("LOCALAPPDATA")
		env.AppData = getenv("APPDATA")
	}
	env.ProgramFiles = getenv("ProgramFiles")
	env.ProgramFilesX86 = getenv("ProgramFiles(x86)")
	env.LookPath = lookPath
	exe, err := os.Executable()
	if err != nil {
		return env, fmt.Errorf("find the running binary: %w", err)
	}
	env.Exe = exe
	return env, nil
}

// join joins path elements with the separator of e.GOOS, whatever OS runs.
func (e Env) join(elem ...string) string {
	if e.GOOS != "windows" {
		return path.Join(elem...)
	}
	for i, s := range elem {
		elem[i] = strings.ReplaceAll(s, `\`, "/")
	}
	return strings.ReplaceAll(path.Join(elem...), "/", `\`)
}

// expand replaces the {root} a table path starts with.
func (e Env) expand(p string) string {
	if p == "" {
		return ""
	}
	roots := map[string]string{
		"{home}":            e.Home,
		"{config}":          cmp.Or(e.XDGConfigHome, e.join(e.Home, ".config")),
		"{appsupport}":      e.join(e.Home, "Library", "Application Support"),
		"{localappdata}":    cmp.Or(e.LocalAppData, e.join(e.Home, "AppData", "Local")),
		"{appdata}":         cmp.Or(e.AppData, e.join(e.Home, "AppData", "Roaming")),
		"{programfiles}":    cmp.Or(e.ProgramFiles, `C:\Program Files`),
		"{programfilesx86}": cmp.Or(e.ProgramFilesX86, `C:\Program Files (x86)`),
	}
	for k, v := range roots {
		if rest, ok := strings.CutPrefix(p, k); ok {
			return e.join(v, rest)
		}
	}
	return e.join(p)
}

// DataDir is spacekeep's per-user folder for the binary and the install state.
func (e Env) DataDir() string {
	switch e.GOOS {
	case "windows":
		return e.join(e.expand("{localappdata}"), "spacekeep")
	case "darwin":
		return e.join(e.expand("{appsupport}"), "spacekeep")
	default:
		return e.join(cmp.Or(e.XDGDataHome, e.join(e.Home, ".local", "share")), "spacekeep")
	}
}

// BinaryPath is where Install copies the host.
func (e Env) BinaryPath() string {
	if e.GOOS == "windows" {
		return e.join(e.DataDir(), "spacekeep.exe")
	}
	return e.join(e.DataDir(), "bin", "spacekeep")
}

// StatePath is the file that lists what Install wrote.
func (e Env) StatePath() string { return e.join(e.DataDir(), "installed.json") }

// ManifestName is the manifest's file name everywhere but in Windows' own
// folder, where one file per family sits side by side.
const ManifestName = protocol.HostName + ".json"

// ManifestPath is where Install writes b's manifest.
func (e Env) ManifestPath(b Browser) string {
	pl := b.Places[e.GOOS]
	if pl.ManifestDir == "" {
		return e.join(e.DataDir(), protocol.HostName+"-"+string(b.Family)+".json")
	}
	return e.join(e.expand(pl.ManifestDir), ManifestName)
}

// FoundDir is the folder whose existence says b has been run.
func (e Env) FoundDir(b Browser) string { return e.expand(b.Places[e.GOOS].FoundDir) }

// Program is b's program when it is installed, else "": a browser that was
// never started has no profile folder yet, but its program is there.
func (e Env) Program(b Browser) string {
	if e.LookPath == nil {
		return ""
	}
	for _, p := range b.Places[e.GOOS].Programs {
		if strings.HasPrefix(p, "{") {
			p = e.expand(p)
		}
		if found, err := e.LookPath(p); err == nil {
			return found
		}
	}
	return ""
}

// Found tells whether b is on this machine: its profile folder exists or
// its program is installed.
func (e Env) Found(b Browser) bool { return isDir(e.FoundDir(b)) || e.Program(b) != "" }

// RegistryKey is b's HKCU key for our host, or "" where there is none.
func (e Env) RegistryKey(b Browser) string {
	k := b.Places[e.GOOS].RegistryKey
	if k == "" {
		return ""
	}
	return k + protocol.HostName
}

// ProfileManifestPath is the manifest for a Chromium --user-data-dir, which
// reads hosts from <dir>/NativeMessagingHosts instead of the usual place.
func (e Env) ProfileManifestPath(dir string) string {
	return e.join(dir, "NativeMessagingHosts", ManifestName)
}

// Find returns the browser whose id or name is name (case-insensitive).
func Find(name string) (Browser, bool) {
	for _, b := range Browsers {
		if strings.EqualFold(b.ID, name) || strings.EqualFold(b.Name, name) {
			return b, true
		}
	}
	return Browser{}, false
}
