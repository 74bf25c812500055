// Package cli is spacekeep's command line: it picks the native-messaging
// mode when a browser starts the binary, and otherwise runs the commands
// (github.com/spf13/cobra, in the style of GitHub's gh: one NewCmdX per
// command filling an Options struct, and the work in a separate run
// function). All I/O is passed in (Env) so tests run on buffers.
package cli

import (
	"context"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/spacekeep/spacekeep/host/job"
)

// Version and Commit are set at build time with
// -ldflags "-X .../host/cli.Version=... -X .../host/cli.Commit=...".
var (
	Version = "0.1.0-dev"
	Commit  = ""
)

// Env is what a command may touch: its streams and its environment. It is
// every command's factory (gh's cmdutil.Factory): tests hand in buffers
// and their own Getenv.
type Env struct {
	Ctx    context.Context
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment; tests replace it.
	Getenv func(string) string
}

// Exit codes shared by every command; download adds its own (protocol.ExitCodes).
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// Run runs spacekeep with args (args[0] is the program name) and returns the exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &Env{Ctx: ctx, Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: os.Getenv}
	return run(env, args)
}

// setTool names this build in the files jobs write, once.
var setTool sync.Once

func run(env *Env, args []string) int {
	setTool.Do(func() { job.Tool = "spacekeep " + Version })
	// A browser's start comes first and builds no command tree: the
	// extension's hello waits on it.
	if isNativeInvocation(args[1:]) {
		return runNative(env, args[1:])
	}
	return execute(env, args[1:])
}

// isNativeInvocation tells a browser's start from a person's: Chrome passes
// the caller's origin (and --parent-window=N on Windows); Firefox passes the
// host manifest's path and the add-on id.
func isNativeInvocation(args []string) bool {
	if len(args) == 0 {
		return false
	}
	if strings.HasPrefix(args[0], "chrome-extension://") {
		return true
	}
	return len(args) >= 2 && strings.HasSuffix(strings.ToLower(args[0]), ".json")
}
