//go:build unix

package library

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A FIFO named *.info.json is skipped, not opened for a read that never
// ends; the rest is imported.
func TestImportSkipsAFIFO(t *testing.T) {
	ctx := context.Background()
	l := open(t)
	dir := t.TempDir()
	writeInfo(t, dir, sample(1, "alice"))
	if err := syscall.Mkfifo(filepath.Join(dir, "trap.info.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var rep *ImportReport
	var err error
	go func() {
		defer close(done)
		rep, err = l.Import(ctx, dir)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		// Let the goroutine go: a writer ends its open.
		if f, err := os.OpenFile(filepath.Join(dir, "trap.info.json"), os.O_WRONLY, 0); err == nil {
			f.Close()
		}
		t.Fatal("import hangs on a FIFO")
	}
	if err != nil || rep.Added != 1 || len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0], "trap.info.json") {
		t.Fatalf("report %+v, %v", rep, err)
	}
}

// The library holds titles, people, transcripts and paths: only its owner
// reads it, also when an older spacekeep made it readable to all.
func TestLibraryIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spacekeep")
	path := filepath.Join(dir, "library.db")
	check := func(when string) {
		t.Helper()
		for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
			if st, err := os.Stat(p); err != nil || st.Mode().Perm() != want {
				t.Errorf("%s: %s is %v, want %v (%v)", when, p, st.Mode().Perm(), want, err)
			}
		}
		for _, p := range []string{path + "-wal", path + "-shm"} {
			if st, err := os.Stat(p); err == nil && st.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s: %s is %v", when, p, st.Mode().Perm())
			}
		}
	}
	l, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	l.Add(context.Background(), sample(1, "alice"), t.TempDir())
	check("new")
	l.Close()
	os.Chmod(dir, 0o755)
	os.Chmod(path, 0o644)
	l, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	l.Add(context.Background(), sample(2, "alice"), t.TempDir())
	check("reopened")
	l.Close()
}
