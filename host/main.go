// Command spacekeep keeps X Spaces. Started by a browser it is the
// native-messaging host of the spacekeep extension; started by a person it
// is a command line (download, install, uninstall, doctor, version).
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/spacekeep/spacekeep/host/cli"
)

// memoryLimit keeps the heap small whatever the Space's length: the live
// data is a few MB, and without a limit the GC lets garbage grow to twice
// the peak (the playlist's parse) before collecting.
const memoryLimit = 16 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
