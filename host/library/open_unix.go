//go:build unix

package library

import (
	"os"
	"syscall"
)

// openNoWait opens path for reading without waiting for a FIFO's writer or
// a device; reading a regular file is not changed by O_NONBLOCK.
func openNoWait(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
