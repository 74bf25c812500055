package e2e

import (
	"bytes"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
)

// A live Space whose playlist is only a sliding window of 4 chunks, at ten
// times X's pace (a chunk every 100 ms), read every 4 s as X's target
// duration says: every read finds the window moved past chunks never seen.
// Stopped while still live, nothing can fill them: the file is kept, the
// path printed, the loss said on stderr, and the exit status is 17, not 0.
func TestLiveRecordingWithGapsExits17(t *testing.T) {
	f := newFixture(t, fakex.Options{}, fakex.SpaceSpec{ID: fakex.LiveID, Title: "On air", State: fakex.StateRunning,
		Chunks: 4, LiveInterval: 100 * time.Millisecond, LiveWindow: 4, HostName: "H", HostHandle: "h"})
	c := f.cmd("download", "-o", f.out, fakex.LiveID)
	var o, e bytes.Buffer
	c.Stdout, c.Stderr = &o, &e
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Process.Kill() })
	onDisk := filepath.Join(f.home, "cache", "spacekeep", "downloads", fakex.LiveID, "chunks", "chunk_*.aac")
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if have, _ := filepath.Glob(onDisk); len(have) >= 8 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the recording did not read its playlist twice in 60 s")
		}
	}
	c.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		c.Process.Kill()
		t.Fatal("spacekeep did not exit after Ctrl-C")
	}
	f.noSecrets(o.String() + e.String())
	if code := c.ProcessState.ExitCode(); code != 17 {
		t.Fatalf("exit %d, want 17 (file kept with gaps); stderr:\n%s", code, e.String())
	}
	path := lastLine(o.String())
	if !strings.HasSuffix(path, "["+fakex.LiveID+"].m4a") {
		t.Fatalf("stdout %q: want the recording's path last", o.String())
	}
	if !strings.Contains(e.String(), "missing about") {
		t.Errorf("stderr does not say audio is missing:\n%s", e.String())
	}
}
