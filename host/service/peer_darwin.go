package service

import (
	"errors"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// checkPeer asks the kernel who connected (LOCAL_PEERCRED) and refuses any
// other user than ours.
func checkPeer(c net.Conn) error {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return errors.New("not a unix socket connection")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return err
	}
	var (
		cred *unix.Xucred
		cerr error
	)
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = unix.GetsockoptXucred(int(fd), unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
	}); err != nil {
		return err
	}
	if cerr != nil {
		return cerr
	}
	return checkUID(int(cred.Uid), os.Getuid())
}
