//go:build linux || darwin

package service

import (
	"fmt"
	"net"
	"os"
)

// checkPeer refuses a client that is not the user the service runs as.
func checkPeer(c net.Conn) error {
	uid, err := peerUID(c)
	if err != nil {
		return err
	}
	return checkUID(uid, os.Getuid())
}

// checkListener refuses a service run by another user than ours: it would
// receive the extension's frames, the x.com session among them.
func checkListener(c net.Conn) error {
	uid, err := peerUID(c)
	if err != nil {
		return fmt.Errorf("cannot tell who listens there: %w", err)
	}
	if self := os.Getuid(); uid != self {
		return fmt.Errorf("its listener runs as uid %d, not as this user (uid %d)", uid, self)
	}
	return nil
}
