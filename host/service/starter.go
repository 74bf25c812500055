package service

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Starter starts the service at login where no service manager does it
// for a user: an XDG autostart entry on Linux without a systemd user
// manager (containers, WSL, some desktops), the HKCU Run key on Windows
// (kardianos installs only administrator services there). Neither needs
// root or an administrator.
type Starter interface {
	// Kind says what it is and where, for people and for doctor.
	Kind() string
	// Install makes the session run `exe service run` at login.
	Install(exe string) error
	// Uninstall removes that; it is not an error when there was nothing.
	Uninstall() error
	// Installed tells whether the entry is there.
	Installed() bool
}

// EnvManager set to "none" makes 'spacekeep service' use the UserStarter
// even where a service manager runs (a systemd that does not start user
// sessions, as in some WSL set-ups; the tests).
const EnvManager = "SPACEKEEP_SERVICE_MANAGER"

// StartupCommand is the line a session's startup can run instead of any
// Starter: the service in the background, its output discarded (it logs
// to its own file).
func StartupCommand(exe string) string {
	return shellQuote(exe) + " " + strings.Join(RunArgs, " ") + " >/dev/null 2>&1 &"
}

// XDGAutostart is the freedesktop.org autostart entry
// (<config>/autostart/spacekeep.desktop) that desktop sessions (GNOME,
// KDE, Xfce, …) run at login.
type XDGAutostart struct {
	ConfigDir string // $XDG_CONFIG_HOME, or ~/.config
}

// Path is the entry's file.
func (x XDGAutostart) Path() string { return filepath.Join(x.ConfigDir, "autostart", Name+".desktop") }

// Kind implements Starter.
func (x XDGAutostart) Kind() string { return "XDG autostart entry " + x.Path() }

// Entry is the desktop file for exe. Exec follows the Desktop Entry
// specification's quoting: a path with spaces goes in double quotes.
func (x XDGAutostart) Entry(exe string) []byte {
	return []byte(fmt.Sprintf(`[Desktop Entry]
Type=Application
Name=spacekeep
Comment=spacekeep background downloads of X Spaces (keeps running when the browser closes)
Exec=%s %s
Terminal=false
NoDisplay=true
X-GNOME-Autostart-enabled=true
`, desktopQuote(exe), strings.Join(RunArgs, " ")))
}

// Install implements Starter.
func (x XDGAutostart) Install(exe string) error {
	if err := os.MkdirAll(filepath.Dir(x.Path()), 0o755); err != nil {
		return fmt.Errorf("create the autostart folder: %w", err)
	}
	if err := os.WriteFile(x.Path(), x.Entry(exe), 0o644); err != nil {
		return fmt.Errorf("write the autostart entry: %w", err)
	}
	return nil
}

// Uninstall implements Starter.
func (x XDGAutostart) Uninstall() error {
	if err := os.Remove(x.Path()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the autostart entry: %w", err)
	}
	return nil
}

// Installed implements Starter.
func (x XDGAutostart) Installed() bool {
	_, err := os.Stat(x.Path())
	return err == nil
}

// RunValues is the part of a registry key RunKey uses: named string values.
type RunValues interface {
	Set(name, value string) error
	Get(name string) (string, error)
	Delete(name string) error
}

// RunKeyPath is the key whose values Windows runs at the user's logon.
const RunKeyPath = `Software\Microsoft\Windows\CurrentVersion\Run`

// RunKey is the HKCU Run key entry that starts the service at logon.
type RunKey struct {
	Values RunValues
}

// Kind implements Starter.
func (r RunKey) Kind() string { return `HKCU\` + RunKeyPath + ` value "` + Name + `"` }

// Command is the value: the quoted binary and its arguments.
func (r RunKey) Command(exe string) string {
	return `"` + exe + `" ` + strings.Join(RunArgs, " ")
}

// Install implements Starter.
func (r RunKey) Install(exe string) error {
	if err := r.Values.Set(Name, r.Command(exe)); err != nil {
		return fmt.Errorf(`set HKCU\%s: %w`, RunKeyPath, err)
	}
	return nil
}

// Uninstall implements Starter.
func (r RunKey) Uninstall() error {
	if _, err := r.Values.Get(Name); err != nil {
		return nil // nothing there
	}
	if err := r.Values.Delete(Name); err != nil {
		return fmt.Errorf(`remove the value from HKCU\%s: %w`, RunKeyPath, err)
	}
	return nil
}

// Installed implements Starter.
func (r RunKey) Installed() bool {
	_, err := r.Values.Get(Name)
	return err == nil
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`&;|<>()*?[]#~!{}") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func desktopQuote(s string) string {
	if !strings.ContainsAny(s, " \t\n\"'\\$`") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\\\`, `"`, `\\"`, "`", "\\\\`", `$`, `\\$`)
	return `"` + r.Replace(s) + `"`
}
