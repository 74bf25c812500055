package cli

import (
	"fmt"

	"github.com/spacekeep/spacekeep/protocol"
)

func runVersion(env *Env, _ []string) int {
	fmt.Fprintf(env.Stdout, "spacekeep %s (protocol %d)\n", Version, protocol.Version)
	return exitOK
}
