package cli

import (
	"errors"
	"fmt"

	"github.com/spacekeep/spacekeep/host/termtext"
	"github.com/spacekeep/spacekeep/protocol"
)

// FlagError is a usage error: a bad flag, a missing or extra argument. It
// is printed with a pointer to the command's help, and exits 2.
type FlagError struct{ err error }

func (e *FlagError) Error() string { return e.err.Error() }
func (e *FlagError) Unwrap() error { return e.err }

// FlagErrorf is the one way commands report a usage error.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{err: fmt.Errorf(format, args...)}
}

// exitStatus is an error that only carries an exit status: the command has
// already said why on stderr.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// status turns a command's exit code into its RunE error.
func status(code int) error {
	if code == exitOK {
		return nil
	}
	return exitStatus(code)
}

// exitCodeOf is the process's exit code for what a command returned; it
// prints what was not printed yet.
func exitCodeOf(env *Env, path string, err error) int {
	if err == nil {
		return exitOK
	}
	var st exitStatus
	if errors.As(err, &st) {
		return int(st)
	}
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return fail(env, err)
	}
	// A FlagError, or cobra's own words for an unknown command or flag.
	fmt.Fprintf(env.Stderr, "spacekeep: %s\n", oneLine(err.Error()))
	fmt.Fprintf(env.Stderr, "Run '%s --help' for usage.\n", path)
	return exitUsage
}

// fail prints err's one-line reason and returns its exit code.
func fail(env *Env, err error) int {
	fmt.Fprintf(env.Stderr, "spacekeep: %s\n", oneLine(protocol.AsError(err).Error()))
	return protocol.ExitCode(err)
}

// oneLine is external or long text made one safe line for a terminal.
func oneLine(s string) string { return termtext.Line(s) }

// clean is external text made safe for a terminal, spacing kept.
func clean(s string) string { return termtext.Clean(s) }
