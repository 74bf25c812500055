//go:build !linux

package service

import "net"

// checkPeer accepts every peer: off Linux the socket's 0700 folder and 0600
// mode keep other users out (LOCAL_PEERCRED on macOS is not checked yet).
func checkPeer(net.Conn) error { return nil }
