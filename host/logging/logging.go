// Package logging sets up zerolog for the host: JSON lines in a log file
// under the user's cache folder, optionally a human-readable console, and
// a Redactor in front of both so that secrets (the x.com cookies) never
// reach a log.
package logging

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
)

// EnvLevel names the environment variable that callers pass as Options.Level.
const EnvLevel = "SPACEKEEP_LOG"

// FileName is the log file's name inside Options.Dir.
const FileName = "spacekeep.log"

// rotateSize: a log bigger than this at start is moved to FileName+".1".
const rotateSize = 5 << 20

// Options configure New.
type Options struct {
	// Dir holds the log file; default os.UserCacheDir()/spacekeep/logs.
	Dir string
	// Console, if set, also gets human-readable lines (e.g. os.Stderr for CLI
	// commands). Never os.Stdout in the native host: stdout carries frames.
	Console io.Writer
	// Level is debug, info, warn or error (usually os.Getenv(EnvLevel));
	// empty means info.
	Level string
	// ConsoleLevel, if set, is the least level the console shows (say
	// "warn", so that a command shows what goes wrong and the file keeps
	// the rest); empty means Level.
	ConsoleLevel string
	// ConsoleWords makes the console show each line's message alone, in
	// words (with its error, if any): no time, level or fields. A command
	// line shows its warnings so; -v shows the log lines themselves.
	ConsoleWords bool
	// Redactor filters every sink. Pass the one the job engine adds the
	// cookie values to; nil makes a private one (no secrets can be added).
	Redactor *Redactor
}

// DefaultDir returns the default folder of the log file.
func DefaultDir() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the user cache folder: %w", err)
	}
	return filepath.Join(cache, "spacekeep", "logs"), nil
}

// New returns the logger and a Closer for its file. When the file cannot
// be made (a read-only cache folder, say) the logger still writes to the
// console, in the console's format (to nowhere without one), and the error
// says why: the caller decides whether to mention it.
func New(opts Options) (zerolog.Logger, io.Closer, error) {
	level, levelErr := ParseLevel(opts.Level)
	var sinks []io.Writer
	f, ferr := openFile(opts.Dir)
	if ferr == nil {
		sinks = append(sinks, f)
	}
	if opts.Console != nil {
		var console zerolog.LevelWriter = zerolog.LevelWriterAdapter{Writer: zerolog.ConsoleWriter{
			Out:        opts.Console,
			NoColor:    !isTerminal(opts.Console),
			TimeFormat: "15:04:05",
		}}
		if opts.ConsoleWords {
			console = zerolog.LevelWriterAdapter{Writer: words{opts.Console}}
		}
		if opts.ConsoleLevel != "" {
			cl, err := ParseLevel(opts.ConsoleLevel)
			if err == nil {
				console = &zerolog.FilteredLevelWriter{Writer: console, Level: cl}
			}
		}
		sinks = append(sinks, console)
	}
	red := opts.Redactor
	if red == nil {
		red = NewRedactor()
	}
	log := zerolog.Nop()
	if len(sinks) > 0 {
		log = zerolog.New(red.Wrap(zerolog.MultiLevelWriter(sinks...))).Level(level).With().Timestamp().Logger()
	}
	if levelErr != nil {
		log.Warn().Err(levelErr).Msg("using log level info")
	}
	if ferr != nil {
		return log, io.NopCloser(nil), ferr
	}
	return log, f, nil
}

// openFile opens (creating, rotating) the log file in dir (default DefaultDir).
func openFile(dir string) (*os.File, error) {
	if dir == "" {
		d, err := DefaultDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create log folder: %w", err)
	}
	path := filepath.Join(dir, FileName)
	if err := rotate(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open log file: %w", err)
	}
	return f, nil
}

// ParseLevel reads debug, info, warn or error (any case); empty is info.
func ParseLevel(s string) (zerolog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return zerolog.InfoLevel, nil
	case "debug", "trace":
		return zerolog.DebugLevel, nil
	case "info":
		return zerolog.InfoLevel, nil
	case "warn", "warning":
		return zerolog.WarnLevel, nil
	case "error":
		return zerolog.ErrorLevel, nil
	}
	return zerolog.InfoLevel, fmt.Errorf("unknown %s level %q (want debug, info, warn or error)", EnvLevel, s)
}

// rotate moves a log over rotateSize aside, replacing the previous one.
func rotate(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check log file: %w", err)
	}
	if fi.Size() <= rotateSize {
		return nil
	}
	if err := os.Rename(path, path+".1"); err != nil {
		return fmt.Errorf("rotate log file: %w", err)
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// words writes a JSON log line as its message in words: "message: error".
type words struct{ out io.Writer }

func (w words) Write(p []byte) (int, error) {
	var line struct {
		Message string `json:"message"`
		Error   string `json:"error"`
	}
	if json.Unmarshal(p, &line) != nil || line.Message == "" {
		return len(p), nil
	}
	s := line.Message
	if line.Error != "" {
		s += ": " + line.Error
	}
	if _, err := io.WriteString(w.out, s+"\n"); err != nil {
		return 0, err
	}
	return len(p), nil
}
