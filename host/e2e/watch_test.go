package e2e

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/syncbuf"
	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

// Two `spacekeep watch run` processes watch one host; it goes live: one
// recording, from the Space's first chunk, complete when the Space ends.
func TestWatchRecordsOnceAcrossTwoProcesses(t *testing.T) {
	const id = fakex.NotStartedID
	f := newFixture(t, fakex.Options{}, fakex.SpaceSpec{ID: id, Title: "Coming up", State: fakex.StateNotStarted,
		HostName: "On Air", HostHandle: "OnAir"})
	stdout, stderr, code := f.run("watch", "add", "@onair")
	if code != 0 || !strings.Contains(stdout, "@OnAir ("+fakex.UserID("onair")+")") {
		t.Fatalf("watch add: exit %d, %q %q", code, stdout, stderr)
	}
	stdout, _, _ = f.run("watch", "list", "--json")
	var list []protocol.WatchedHost
	if err := json.Unmarshal([]byte(stdout), &list); err != nil || len(list) != 1 || list[0].ID != fakex.UserID("onair") {
		t.Fatalf("watch list: %q (%v)", stdout, err)
	}

	type proc struct {
		c        *exec.Cmd
		out, err *syncbuf.Buffer
		done     chan struct{}
	}
	var ps []*proc
	for range 2 {
		p := &proc{c: f.cmd("watch", "run", "-o", f.out, "--interval", "5s"), out: &syncbuf.Buffer{}, err: &syncbuf.Buffer{}, done: make(chan struct{})}
		p.c.Stdout, p.c.Stderr = p.out, p.err
		if err := p.c.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.c.Process.Kill() })
		go func() { p.c.Wait(); close(p.done) }()
		ps = append(ps, p)
	}
	waitFor := func(what string, d time.Duration, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(d)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("no %s after %v; stderr:\n%s\n%s", what, d, ps[0].err.String(), ps[1].err.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// Both have looked once while nothing was live.
	waitFor("first looks", 10*time.Second, func() bool { return f.x.AvatarCalls() >= 2 })
	if err := f.x.StartSpace(id, 3, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	recording := func() int {
		return strings.Count(ps[0].out.String(), "recording @OnAir: Coming up") + strings.Count(ps[1].out.String(), "recording @OnAir: Coming up")
	}
	waitFor("recording", 15*time.Second, func() bool { return recording() >= 1 })
	// Both have looked again while it was live.
	calls := f.x.AvatarCalls()
	waitFor("more looks", 15*time.Second, func() bool { return f.x.AvatarCalls() >= calls+2 })
	if err := f.x.EndSpace(id); err != nil {
		t.Fatal(err)
	}
	spec, _ := f.x.Space(id)
	saved := func() string {
		for _, p := range ps {
			for _, l := range strings.Split(p.out.String(), "\n") {
				if p, ok := strings.CutPrefix(l, "saved "); ok {
					return p
				}
			}
		}
		return ""
	}
	waitFor("saved file", 60*time.Second, func() bool { return saved() != "" })
	for _, p := range ps {
		p.c.Process.Signal(syscall.SIGINT)
	}
	for i, p := range ps {
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			t.Fatalf("watcher %d did not stop on Ctrl-C", i)
		}
		if c := p.c.ProcessState.ExitCode(); c != 0 {
			t.Errorf("watcher %d exit %d: %s", i, c, p.err.String())
		}
		f.noSecrets(p.out.String() + p.err.String())
	}
	if n := recording(); n != 1 {
		t.Fatalf("%d recordings started, want 1:\n%s\n%s", n, ps[0].out.String(), ps[1].out.String())
	}
	files, _ := filepath.Glob(filepath.Join(f.out, "*.m4a"))
	if len(files) != 1 || files[0] != saved() {
		t.Fatalf("files %v, saved %q: want exactly one", files, saved())
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", files[0], spec.Chunks); err != nil {
		t.Fatalf("the recording is not the Space from its first chunk to its last: %v", err)
	}
}
