//go:build !linux && !darwin && !windows

package browsercookies

import "errors"

func safeStorage(string) (string, error) {
	return "", errors.New("spacekeep knows no keyring on this system")
}
