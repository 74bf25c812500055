//go:build linux || freebsd || openbsd || netbsd || dragonfly

package settings

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
)

// downloadsDir returns XDG_DOWNLOAD_DIR from user-dirs.dirs when it is one
// of the two simple forms the spec allows ("$HOME/x" or "/abs"), else ~/Downloads.
func downloadsDir(home, xdgConfig string) string {
	if xdgConfig == "" {
		xdgConfig = filepath.Join(home, ".config")
	}
	if data, err := os.ReadFile(filepath.Join(xdgConfig, "user-dirs.dirs")); err == nil {
		if d := parseUserDirs(data, home); d != "" {
			return d
		}
	}
	return filepath.Join(home, "Downloads")
}

func parseUserDirs(data []byte, home string) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		v, ok := strings.CutPrefix(line, "XDG_DOWNLOAD_DIR=")
		if !ok {
			continue
		}
		v, ok = strings.CutPrefix(v, `"`)
		if !ok {
			return ""
		}
		v, ok = strings.CutSuffix(v, `"`)
		if !ok || strings.ContainsAny(v, `"\`) {
			return ""
		}
		if rest, ok := strings.CutPrefix(v, "$HOME"); ok {
			v = home + rest
		}
		// "$HOME/" alone means the home folder itself: the spec's way to disable it.
		if !filepath.IsAbs(v) || filepath.Clean(v) == filepath.Clean(home) {
			return ""
		}
		return filepath.Clean(v)
	}
	return ""
}
