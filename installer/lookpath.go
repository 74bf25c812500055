package installer

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// lookPath finds a program by name on PATH, or checks an absolute path.
// A macOS application is a folder (Foo.app), so an existing folder counts.
func lookPath(file string) (string, error) {
	if filepath.IsAbs(file) && strings.HasSuffix(file, ".app") {
		if isDir(file) {
			return file, nil
		}
		return "", os.ErrNotExist
	}
	return exec.LookPath(file)
}
