package cli

import (
	"fmt"

	"github.com/spacekeep/spacekeep/protocol"
)

func init() {
	register(&command{name: "version", summary: "print the version", run: runVersion})
}

func runVersion(env *Env, _ []string) int {
	fmt.Fprintf(env.Stdout, "spacekeep %s (protocol %d)\n", Version, protocol.Version)
	return exitOK
}
