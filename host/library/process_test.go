package library

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/record"
)

// The test binary re-executes itself as a second (and third) process
// writing to the same library: real concurrent writers, and a writer that
// is killed with SIGKILL mid-write.
const childEnv = "SPACEKEEP_LIBRARY_TEST_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(child(mode, os.Getenv(EnvPath)))
	}
	os.Exit(m.Run())
}

// child writes records as the test asks: "write:PREFIX:N" adds N records,
// one transaction each; "loop:PREFIX" adds big records until killed,
// saying "wrote i" after each.
func child(mode, path string) int {
	ctx := context.Background()
	l, err := Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	parts := strings.Split(mode, ":")
	dir := filepath.Dir(path)
	switch parts[0] {
	case "write":
		n, _ := strconv.Atoi(parts[2])
		for i := range n {
			r := sample(i, parts[1])
			r.ID = fmt.Sprintf("%s-%d", parts[1], i)
			if err := l.Add(ctx, r, dir); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
		return 0
	case "loop":
		for i := 0; ; i++ {
			if err := l.Add(ctx, big(parts[1], i), dir); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			fmt.Printf("wrote %d\n", i)
		}
	}
	return 2
}

// big is a record whose write takes a while: many captions and turns.
func big(prefix string, i int) *record.Record {
	r := sample(i, prefix)
	r.ID = fmt.Sprintf("%s-%d", prefix, i)
	r.Captions, r.Turns = nil, nil
	for c := range 3000 {
		r.Captions = append(r.Captions, record.Caption{StartS: float64(c), EndS: float64(c) + 1, Handle: prefix,
			Text: fmt.Sprintf("caption %d of space %d says something long enough to index", c, i)})
		r.Turns = append(r.Turns, record.Turn{StartS: float64(c), EndS: float64(c) + 1, Handle: prefix})
	}
	return r
}

func childCmd(t *testing.T, path, mode string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, EnvPath+"="+path)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestConcurrentProcesses has two other processes and this one write to a
// new library at once: every write lands, none fails on a lock.
func TestConcurrentProcesses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "library.db")
	const n = 60
	var cmds []*exec.Cmd
	for _, p := range []string{"a", "b"} {
		cmd := childCmd(t, path, fmt.Sprintf("write:%s:%d", p, n))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	l, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := range n {
		r := sample(i, "c")
		r.ID = fmt.Sprintf("c-%d", i)
		if err := l.Add(ctx, r, filepath.Dir(path)); err != nil {
			t.Fatal(err)
		}
		// Read while the others write: WAL readers never wait.
		if _, err := l.List(ctx, Filter{Limit: 5}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("writer process: %v", err)
		}
	}
	p, err := l.List(ctx, Filter{})
	if err != nil || p.Total != 3*n {
		t.Fatalf("%d Spaces, want %d (%v)", p.Total, 3*n, err)
	}
	checkConsistent(t, l)
}

// TestKillDuringWrite kills a writer with SIGKILL in the middle of its
// writes, again and again: the library opens, passes SQLite's integrity
// check, and holds every Space either whole or not at all.
func TestKillDuringWrite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "library.db")
	for round := range 3 {
		cmd := childCmd(t, path, fmt.Sprintf("loop:r%d", round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		for i := 0; i < 2+round && sc.Scan(); i++ {
		}
		// Some writes are done; the next is under way. Kill it at a moment
		// that moves a little each round.
		time.Sleep(time.Duration(round*7) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		cmd.Wait()

		l, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("round %d: open after kill: %v", round, err)
		}
		checkConsistent(t, l)
		p, _ := l.List(ctx, Filter{Host: fmt.Sprintf("r%d", round)})
		if p.Total < 2+round {
			t.Errorf("round %d: %d Spaces kept, want at least the %d written", round, p.Total, 2+round)
		}
		l.Close()
	}
}

// checkConsistent runs SQLite's integrity check and checks that every
// Space has all its rows: its captions (caption_count), turns, files.
func checkConsistent(t *testing.T, l *Library) {
	t.Helper()
	var res string
	if err := l.db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q %v", res, err)
	}
	if err := l.db.QueryRow("INSERT INTO captions(captions) VALUES('integrity-check')").Err(); err != nil {
		t.Fatalf("captions index: %v", err)
	}
	rows, err := l.db.Query(`SELECT s.id, s.caption_count,
		(SELECT count(*) FROM captions c WHERE c.space_id = s.id),
		(SELECT count(*) FROM files f WHERE f.space_id = s.id),
		(SELECT count(*) FROM spaces_fts x WHERE x.space_id = s.id) FROM spaces s`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var want, caps, files, fts int
		rows.Scan(&id, &want, &caps, &files, &fts)
		if caps != want || files != 3 || fts != 1 {
			t.Errorf("%s: %d captions of %d, %d files, %d index rows", id, caps, want, files, fts)
		}
	}
	var orphans int
	l.db.QueryRow(`SELECT count(*) FROM captions WHERE space_id NOT IN (SELECT id FROM spaces)`).Scan(&orphans)
	if orphans != 0 {
		t.Errorf("%d captions of no Space", orphans)
	}
}
