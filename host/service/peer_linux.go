package service

import (
	"errors"
	"net"

	"golang.org/x/sys/unix"
)

// peerUID asks the kernel (SO_PEERCRED) which user is at the other end of
// c: the client for the service, the listener for the native host.
func peerUID(c net.Conn) (int, error) {
	cred, err := peerCred(c)
	if err != nil {
		return -1, err
	}
	return int(cred.Uid), nil
}

// ServicePID is the process id of the service answering on the socket at
// path: 'service stop' ends a service that no service manager started.
func ServicePID(path string) (int, error) {
	c, err := DialChecked(path)
	if err != nil {
		return -1, err
	}
	defer c.Close()
	cred, err := peerCred(c)
	if err != nil {
		return -1, err
	}
	return int(cred.Pid), nil
}

func peerCred(c net.Conn) (*unix.Ucred, error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return nil, errors.New("not a unix socket connection")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return nil, err
	}
	var (
		cred *unix.Ucred
		cerr error
	)
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return nil, err
	}
	return cred, cerr
}
