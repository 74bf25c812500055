// Command spacekeep keeps X Spaces. Started by a browser it is the
// native-messaging host of the spacekeep extension; started by a person it
// is a command line (download, install, uninstall, doctor, version).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/spacekeep/spacekeep/host/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
