//go:build linux || freebsd || openbsd || netbsd || dragonfly

package settings

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParseUserDirs(t *testing.T) {
	for in, want := range map[string]string{
		`XDG_DOWNLOAD_DIR="$HOME/Téléchargements"`: "/h/Téléchargements",
		`XDG_DOWNLOAD_DIR="/data/dl"`:              "/data/dl",
		`XDG_DOWNLOAD_DIR="$HOME/"`:                "",
		`XDG_DOWNLOAD_DIR=$HOME/x`:                 "",
		`XDG_DOWNLOAD_DIR="relative"`:              "",
		"# comment\nXDG_MUSIC_DIR=\"$HOME/M\"":     "",
	} {
		if got := parseUserDirs([]byte(in), "/h"); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestDefaultsForReadsUserDirs(t *testing.T) {
	home := t.TempDir()
	cfg := filepath.Join(home, "cfg")
	os.MkdirAll(cfg, 0o755)
	os.WriteFile(filepath.Join(cfg, "user-dirs.dirs"), []byte("XDG_DOWNLOAD_DIR=\"$HOME/DL\"\n"), 0o644)
	if got := DefaultsFor(home, cfg).OutputDir; got != filepath.Join(home, "DL") {
		t.Fatalf("got %q", got)
	}
	if got := DefaultsFor(home, filepath.Join(home, "none")).OutputDir; got != filepath.Join(home, "Downloads") {
		t.Fatalf("got %q", got)
	}
}
