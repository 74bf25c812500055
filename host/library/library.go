// Package library is the index of every kept Space: a SQLite database
// (modernc.org/sqlite, pure Go) of the Spaces' records, their files,
// speaker turns and talk time, and their captions in a full-text index.
// It is only an index: every Space's record is also its <name>.info.json
// beside the audio (package record), and Import rebuilds the library from
// those. Writes are transactions in WAL mode with a busy timeout, so
// several processes (the CLI, the browser's host, the service) may write
// at once, and a process killed at any moment leaves it consistent.
package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// EnvPath names the environment variable that overrides the library's path.
const EnvPath = "SPACEKEEP_LIBRARY"

// Library is an open library database. It is safe for concurrent use.
type Library struct {
	db   *sql.DB
	path string
}

// Path is where the library lives: $SPACEKEEP_LIBRARY, else
// spacekeep/library.db in the user's data folder (see dataDir).
func Path(getenv func(string) string) (string, error) {
	if p := getenv(EnvPath); p != "" {
		return filepath.Abs(p)
	}
	d, err := dataDir(getenv)
	if err != nil {
		return "", fmt.Errorf("no folder for the library: set %s (%w)", EnvPath, err)
	}
	return filepath.Join(d, "spacekeep", "library.db"), nil
}

// busyTimeout is how long a write waits for another writer (in ms):
// writes are short, so a long wait means a stuck process, not contention.
const busyTimeout = 15000

// Open opens (creating if needed) the library at path and migrates its
// schema forward. A library written by a newer spacekeep is refused.
func Open(ctx context.Context, path string) (*Library, error) {
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("open the library: the path %q may not hold a '?'", path)
	}
	if err := private(path); err != nil {
		return nil, fmt.Errorf("open the library: %w", err)
	}
	// WAL lets readers go on while one process writes; immediate
	// transactions take the write lock up front, so two writers queue on
	// the busy timeout instead of one failing to upgrade its read lock.
	dsn := fmt.Sprintf("%s?_busy_timeout=%d&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate", path, busyTimeout)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open the library %s: %w", path, err)
	}
	l := &Library{db: db, path: path}
	if err := l.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open the library %s: %w", path, err)
	}
	// SQLite gives its journal files the database's mode; those an older
	// spacekeep left readable to all are tightened too.
	for _, j := range []string{path + "-wal", path + "-shm"} {
		if st, err := os.Stat(j); err == nil && st.Mode().Perm()&0o077 != 0 {
			os.Chmod(j, 0o600)
		}
	}
	return l, nil
}

// private makes the library's file readable by its owner only (it holds
// titles, people, transcripts and paths), in a folder of its own that is
// the owner's only, like the log: it creates the file 0600 before SQLite
// does (SQLite would follow the umask) and tightens one made before. The
// folder is tightened when it is spacekeep's own (named spacekeep, as the
// default one is), never a folder $SPACEKEEP_LIBRARY merely points into.
func private(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if filepath.Base(dir) == "spacekeep" {
		if st, err := os.Stat(dir); err == nil && st.Mode().Perm() != 0o700 {
			if err := os.Chmod(dir, 0o700); err != nil {
				return err
			}
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err == nil && st.Mode().Perm() != 0o600 {
		err = f.Chmod(0o600)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Close closes the database.
func (l *Library) Close() error { return l.db.Close() }

// File is the database file's path.
func (l *Library) File() string { return l.path }

// ErrNotFound is returned for a Space the library does not hold.
var ErrNotFound = errors.New("no such Space in the library")

// tx runs fn in a write transaction.
func (l *Library) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
