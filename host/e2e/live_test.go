package e2e

import (
	"bytes"
	"context"
	"math"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/merge"
	"github.com/spacekeep/spacekeep/host/syncbuf"
	"github.com/spacekeep/spacekeep/host/testaudio"
)

// startLiveDownload runs `spacekeep download` of a Space that is live and
// returns once the recording has fetched at least min chunks.
// The returned function waits for it to exit (after a Ctrl-C if interrupt).
func startLiveDownload(t *testing.T, min int) (*fixture, func(interrupt bool) (stdout, stderr string, code int)) {
	t.Helper()
	f := newFixture(t, fakex.Options{}, fakex.SpaceSpec{ID: fakex.LiveID, Title: "On air", State: fakex.StateRunning,
		Chunks: 4, LiveInterval: 100 * time.Millisecond, HostName: "H", HostHandle: "h"})
	c := f.cmd("download", "-o", f.out, fakex.LiveID)
	var o, e bytes.Buffer
	c.Stdout, c.Stderr = &o, &e
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Process.Kill() })
	// Chunks on disk, not chunks asked for: those in flight may be cut off.
	onDisk := filepath.Join(f.home, "cache", "spacekeep", "downloads", fakex.LiveID, "chunks", "chunk_*.aac")
	deadline := time.Now().Add(30 * time.Second)
	for {
		have, _ := filepath.Glob(onDisk)
		if len(have) >= min {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the recording had %d chunks on disk after 30 s", len(have))
		}
		time.Sleep(20 * time.Millisecond)
	}
	return f, func(interrupt bool) (string, string, int) {
		if interrupt {
			c.Process.Signal(syscall.SIGINT)
		}
		done := make(chan struct{})
		go func() { c.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			c.Process.Kill()
			<-done
		}
		return o.String(), e.String(), c.ProcessState.ExitCode()
	}
}

func TestDownloadOfLiveSpacePrintsThePathWhenItEnds(t *testing.T) {
	f, wait := startLiveDownload(t, 8)
	if err := f.x.EndSpace(fakex.LiveID); err != nil {
		t.Fatal(err)
	}
	spec, _ := f.x.Space(fakex.LiveID)
	// The CLI notices the end at its next poll of the playlist (X's target duration, 4 s).
	stdout, stderr, code := wait(false)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	path := lastLine(stdout)
	if !strings.HasSuffix(path, "["+fakex.LiveID+"].m4a") {
		t.Fatalf("stdout %q: want the recording's path last", stdout)
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", path, spec.Chunks); err != nil {
		t.Fatalf("the recording is not every chunk once, in order: %v", err)
	}
}

func TestCtrlCStopsALiveRecordingAndKeepsIt(t *testing.T) {
	f, stop := startLiveDownload(t, 8)
	stdout, stderr, code := stop(true)
	if code != 0 {
		t.Fatalf("exit %d after Ctrl-C: %s", code, stderr)
	}
	path := lastLine(stdout)
	if !strings.HasSuffix(path, "["+fakex.LiveID+"].m4a") {
		t.Fatalf("stdout %q: want the recording's path last", stdout)
	}
	if !strings.Contains(stderr, "Recording live") {
		t.Errorf("stderr shows no recording progress: %q", stderr)
	}
	// The file holds the chunks on disk at the stop, in order up to the
	// first one still in flight: every chunk once, in order.
	ffprobe, err := merge.FFprobeFor("/usr/bin/ffmpeg")
	if err != nil {
		t.Fatal(err)
	}
	info, err := merge.Probe(context.Background(), ffprobe, path)
	if err != nil {
		t.Fatal(err)
	}
	k := int(math.Round(info.Duration / testaudio.ChunkDuration))
	if k < 4 || k > len(f.x.ChunkHits(fakex.LiveID)) {
		t.Fatalf("kept %d chunks (%.1f s), the recording had fetched %d", k, info.Duration, len(f.x.ChunkHits(fakex.LiveID)))
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", path, k); err != nil {
		t.Fatalf("the kept recording is not its first chunks in order: %v", err)
	}
	assertFaststart(t, path)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestDownloadOfScheduledSpaceWaitsAndCtrlCCancels(t *testing.T) {
	at := time.Now().Add(12*time.Minute + 30*time.Second)
	f := newFixture(t, fakex.Options{}, fakex.SpaceSpec{ID: fakex.NotStartedID, Title: "Soon", State: fakex.StateNotStarted,
		ScheduledStart: at, HostName: "H", HostHandle: "h"})
	c := f.cmd("download", "-o", f.out, fakex.NotStartedID)
	var o, e syncbuf.Buffer
	c.Stdout, c.Stderr = &o, &e
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Process.Kill() })
	want := "Waiting for the Space to start (scheduled " + at.Local().Format("15:04") + ", in 12 min) Soon"
	if at.Local().Day() != time.Now().Day() {
		want = "Waiting for the Space to start (scheduled " + at.Local().Format("Mon 2 Jan 15:04") + ", in 12 min) Soon"
	}
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(e.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("stderr %q: want %q", e.String(), want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.Process.Signal(syscall.SIGINT)
	done := make(chan struct{})
	go func() { c.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		c.Process.Kill()
		<-done
		t.Fatal("Ctrl-C did not end the wait")
	}
	if code := c.ProcessState.ExitCode(); code != 130 {
		t.Errorf("Ctrl-C while waiting: exit %d, want 130; stderr %q", code, e.String())
	}
	if o.String() != "" {
		t.Errorf("stdout %q after a cancelled wait", o.String())
	}
	if hits := f.x.ChunkHits(fakex.NotStartedID); len(hits) != 0 {
		t.Errorf("a cancelled wait fetched chunks: %v", hits)
	}
}

func TestDownloadOfScheduledSpaceThatNeverStartedExits7(t *testing.T) {
	f := newFixture(t, fakex.Options{}, fakex.SpaceSpec{ID: fakex.NotStartedID, Title: "Never", State: fakex.StateNotStarted,
		ScheduledStart: time.Now().Add(-13 * time.Hour), HostName: "H", HostHandle: "h"})
	stdout, stderr, code := f.run("download", "-o", f.out, fakex.NotStartedID)
	if code != 7 || stdout != "" || !strings.Contains(stderr, "did not start; try again later") {
		t.Fatalf("exit %d, stdout %q, stderr %q: want exit 7 and the reason", code, stdout, stderr)
	}
}
