package cli

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/logging"
)

// logDir is where the log file goes: $SPACEKEEP_LOG_DIR, else the user's
// cache folder (spacekeep/logs).
func logDir(env *Env) string {
	if d := env.Getenv("SPACEKEEP_LOG_DIR"); d != "" {
		return d
	}
	d, err := logging.DefaultDir()
	if err != nil {
		return ""
	}
	return d
}

// logFilePath is the log file's path, for doctor and error messages.
func logFilePath(env *Env) string {
	d := logDir(env)
	if d == "" {
		return ""
	}
	return filepath.Join(d, logging.FileName)
}

// openLog starts a command's logging: JSON lines in the log file, and human
// lines on stderr when console is set (never stdout). Everything passes the
// returned secret function's redactor, which the job engine feeds the
// cookie values as soon as it receives them.
func openLog(env *Env, console bool, mode string) (zerolog.Logger, func(), func(string)) {
	var w io.Writer
	if console {
		w = env.Stderr
	}
	return openLogTo(env, w, "", mode, nil)
}

// openLogTo is openLog with the console's writer and least level chosen
// (nil: no console; "": the file's level). Without a console, a log file
// that cannot be opened is said in words on warn (when not nil).
func openLogTo(env *Env, console io.Writer, consoleLevel, mode string, warn io.Writer) (zerolog.Logger, func(), func(string)) {
	return openLogWith(env, logging.Options{Console: console, ConsoleLevel: consoleLevel}, mode, warn)
}

// openLogWith is openLogTo with the console's options given whole.
func openLogWith(env *Env, opts logging.Options, mode string, warn io.Writer) (zerolog.Logger, func(), func(string)) {
	red := logging.NewRedactor()
	console := opts.Console
	opts.Dir, opts.Level, opts.Redactor = logDir(env), env.Getenv(logging.EnvLevel), red
	log, closer, err := logging.New(opts)
	if err != nil {
		// No log file (a read-only home, say): the console alone, in its
		// own format and level, says so once.
		if console != nil {
			log.Warn().Msgf("no log file: %v", err)
		} else if warn != nil {
			fmt.Fprintf(warn, "spacekeep: no log file (%s); going on without one\n", oneLine(err.Error()))
		}
	}
	return log.With().Str("mode", mode).Logger(), func() { closer.Close() }, red.AddSecret
}
