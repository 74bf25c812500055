package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// NewCmdVersion prints the same line as --version.
func NewCmdVersion(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version, the commit and the Go version",
		Long:    "Print which build of spacekeep this is: its version, the commit it was built from, the Go version, the platform and the native-messaging protocol's number.",
		Example: "  spacekeep version\n  spacekeep --version",
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintln(env.Stdout, versionLine())
			return nil
		},
	}
}
