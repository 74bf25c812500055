//go:build darwin || windows

package library

import "os"

// dataDir is the user's configuration folder (~/Library/Application
// Support, %AppData%), where applications keep their own data.
func dataDir(func(string) string) (string, error) {
	return os.UserConfigDir()
}
