//go:build linux || freebsd || openbsd || netbsd || dragonfly

package nmhost

import (
	"os/exec"
	"path/filepath"
)

// xdg-open cannot select a file, so reveal opens its folder.
func revealCommand(path string) []string { return []string{"xdg-open", filepath.Dir(path)} }
func openCommand(path string) []string   { return []string{"xdg-open", path} }

func command(argv []string) *exec.Cmd { return exec.Command(argv[0], argv[1:]...) }
