//go:build windows

package installer

import "os"

// Windows has no execute bit: an existing regular file will do.
func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
