//go:build !darwin && !windows

package library

import (
	"errors"
	"path/filepath"
)

// dataDir is $XDG_DATA_HOME, else ~/.local/share (where the installer
// also puts the host).
func dataDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return d, nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share"), nil
	}
	return "", errors.New("neither $XDG_DATA_HOME nor $HOME is set")
}
