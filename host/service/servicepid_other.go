//go:build !linux

package service

import "errors"

// ServicePID is known on Linux only (SO_PEERCRED).
func ServicePID(string) (int, error) {
	return -1, errors.New("the service's process id is known on Linux only")
}
