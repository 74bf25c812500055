//go:build !(linux || freebsd || openbsd || netbsd || dragonfly)

package settings

import "path/filepath"

// downloadsDir is ~/Downloads on macOS and Windows (the folder's usual place).
func downloadsDir(home, _ string) string { return filepath.Join(home, "Downloads") }
