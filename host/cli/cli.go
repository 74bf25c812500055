// Package cli is spacekeep's command line: it picks the native-messaging
// mode when a browser starts the binary, and otherwise dispatches the
// subcommands. All I/O is passed in so tests run on buffers.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/spacekeep/spacekeep/host/job"
)

// Version is set at build time with -ldflags "-X .../host/cli.Version=...".
var Version = "0.1.0-dev"

// Env is what a command may touch: its streams and its environment.
type Env struct {
	Ctx    context.Context
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment; tests replace it.
	Getenv func(string) string
}

// command is one subcommand; each lives in its own file.
type command struct {
	name    string
	summary string
	hidden  bool
	run     func(env *Env, args []string) int
}

// commands are the subcommands, by name.
var commands = byName(
	&command{name: "download", summary: "download a Space to an audio file", run: runDownload},
	&command{name: "install", summary: "register the host with your browsers (per user, no root)", run: runInstall},
	&command{name: "uninstall", summary: "remove what install wrote", run: runUninstall},
	&command{name: "doctor", summary: "check the browser registration and ffmpeg (for mp3)", run: runDoctor},
	&command{name: "version", summary: "print the version", run: runVersion},
	&command{name: "library", summary: "list, search and manage the Spaces kept (list|search|show|stats|export|import|remove)", run: runLibrary},
	&command{name: "search", summary: "search X's Spaces by words (--live, --upcoming, --json)", run: runSearch},
	&command{name: "watch", summary: "watch hosts and record their Spaces from the first second", run: runWatch},
	&command{name: "service", summary: "the optional background service: install, uninstall, start, stop, status, run", run: runService},
)

func byName(cs ...*command) map[string]*command {
	m := make(map[string]*command, len(cs))
	for _, c := range cs {
		m[c.name] = c
	}
	return m
}

// Exit codes shared by every command; download adds its own (see exitcodes.go).
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
	if isNativeInvocation(args[1:]) {
		return runNative(env, args[1:])
	}
	if len(args) < 2 {
		usage(env.Stderr)
		return exitUsage
	}
	name := args[1]
	switch name {
	case "-h", "--help", "help":
		usage(env.Stdout)
		return exitOK
	case "-v", "--version":
		name = "version"
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(env.Stderr, "spacekeep: unknown command %q\n\n", name)
		usage(env.Stderr)
		return exitUsage
	}
	return c.run(env, args[2:])
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

func usage(w io.Writer) {
	fmt.Fprintln(w, "spacekeep keeps X Spaces.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: spacekeep <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	names := make([]string, 0, len(commands))
	for n, c := range commands {
		if !c.hidden {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'spacekeep <command> -h' for a command's flags.")
}
