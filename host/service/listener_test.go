package service

import (
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

// peerListenerEnv makes the test binary a listener at the socket it names:
// it prints "ready", then for each connection the bytes it received.
const peerListenerEnv = "SPACEKEEP_TEST_PEER_LISTENER"

func peerListener(path string) int {
	ln, err := net.Listen("unix", path)
	if err != nil {
		fmt.Println("listen:", err)
		return 1
	}
	os.Chmod(path, 0o666)
	fmt.Println("ready")
	for {
		c, err := ln.Accept()
		if err != nil {
			return 0
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		n, _ := io.Copy(io.Discard, c)
		c.Close()
		fmt.Printf("got %d bytes\n", n)
	}
}
