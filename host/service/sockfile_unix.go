//go:build unix

package service

import (
	"fmt"
	"os"
	"syscall"
)

// checkSocketFile refuses a socket file that is not ours alone: owned by
// another user, or reachable by others (group or world bits), as one
// planted in a world-writable folder named by SPACEKEEP_SOCKET would be.
func checkSocketFile(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if fi.Mode().Type() != os.ModeSocket {
		return fmt.Errorf("%s is not a socket", path)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if self := os.Getuid(); int(st.Uid) != self {
			return fmt.Errorf("%s is owned by uid %d, not by this user (uid %d)", path, st.Uid, self)
		}
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("%s has mode %04o: other users can reach it (the service makes it 0600)", path, perm)
	}
	return nil
}
