// Package cachelock gives one process at a time a cache entry: an exclusive
// lock on a small file beside it (flock on Linux and macOS, LockFileEx on
// Windows), which the system releases when the holder exits, even killed.
// The holder writes who it is into the file, so that another process can
// say which download it waits for.
package cachelock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// BusyError says that another process holds the lock.
type BusyError struct {
	// Owner is what the holder wrote: its pid, what it is, since when.
	Owner string
}

func (e *BusyError) Error() string {
	if e.Owner == "" {
		return "held by another process"
	}
	return "held by " + e.Owner
}

// Lock is a held lock; Release lets it go.
type Lock struct {
	f *os.File
}

// TryAcquire takes the lock at path without waiting, and writes who into
// it. If another process (or another open of it in this one) holds it,
// the error is a *BusyError naming the holder.
func TryAcquire(path, who string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the lock file: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errBusy) {
			return nil, &BusyError{Owner: Owner(path)}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// Who holds it, for the next one to tell; a failure here only loses that.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(who), 0) //nolint:errcheck // see above
	}
	return &Lock{f: f}, nil
}

// Acquire takes the lock at path, waiting while another process holds it:
// it calls waiting once with the holder, then tries again every poll until
// it has the lock or ctx is done.
func Acquire(ctx context.Context, path, who string, poll time.Duration, waiting func(owner string)) (*Lock, error) {
	told := false
	for {
		l, err := TryAcquire(path, who)
		var busy *BusyError
		if !errors.As(err, &busy) {
			return l, err
		}
		if !told && waiting != nil {
			waiting(busy.Owner)
			told = true
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// Owner reads who holds (or last held) the lock at path; "" when unknown.
func Owner(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// Release lets the lock go. The file stays: removing it would let a
// process that opened it before the removal and one that opens it after
// both hold "the" lock.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unlockFile(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
