package job

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

// windowEnv serves a live Space that, like X's dynamic playlist, offers
// only a sliding window of 4 chunks while it is live (no whole list), and
// gains a chunk every 30 ms.
func windowEnv(t *testing.T) *env {
	return newEnv(t, fakex.Options{}, fakex.SpaceSpec{ID: fakex.LiveID, Title: "On air", State: fakex.StateRunning,
		Chunks: 3, LiveInterval: 30 * time.Millisecond, LiveWindow: 4, HostName: "H", HostHandle: "h"})
}

// stall makes the CDN hang for d (about d/30ms chunks pass meanwhile, far
// more than the window holds) and returns once the recording has gone on
// past it.
func (e *env) stall(d time.Duration, events func() []protocol.Event) {
	e.t.Helper()
	if err := e.x.Stall(fakex.LiveID, d); err != nil {
		e.t.Fatal(err)
	}
	time.Sleep(d)
	// The recording goes on: wait until the job itself has taken in four
	// more chunks (a chunk file on disk may not be handed in yet, and a
	// stop keeps only what was).
	done := func() int {
		n := 0
		for _, ev := range events() {
			if ev.Type == protocol.TypeJobProgress && ev.ChunksDone > n {
				n = ev.ChunksDone
			}
		}
		return n
	}
	before := done()
	for deadline := time.Now().Add(30 * time.Second); done() < before+4; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			e.t.Fatalf("the recording did not go on after the stall (%d chunks taken in)", done())
		}
	}
}

func (e *env) wait(id string) protocol.Event {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ev, err := e.m.Wait(ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return ev
}

// A stall while the window slides on loses chunks; once the Space has
// ended its replay holds them, and the file is complete.
func TestLiveGapIsFilledFromTheReplay(t *testing.T) {
	e := windowEnv(t)
	id, events := e.startLive(6)
	e.stall(600*time.Millisecond, events)
	if err := e.x.EndSpace(fakex.LiveID); err != nil {
		t.Fatal(err)
	}
	ev := e.wait(id)
	if ev.Type != protocol.TypeJobDone || len(ev.Gaps) != 0 || len(ev.Warnings) != 0 {
		t.Fatalf("job ended with %+v, want done without gaps; log:\n%s", ev, e.logs)
	}
	n := chunksOf(t, e.x, fakex.LiveID)
	if err := testaudio.Verify(context.Background(), "ffmpeg", ev.Path, n); err != nil {
		t.Fatalf("the file is not the whole Space (%d chunks), in order: %v", n, err)
	}
	if !strings.Contains(e.logs.String(), "the gaps were filled") {
		t.Errorf("no gap was found and filled: the test did not stall the recording")
	}
}

// A gap that nothing can fill (the recording is stopped while the Space is
// still live, and X offers only the window) is not reported as success:
// the file is kept, job.done lists the gap and says so, and so does the
// info file.
func TestLiveGapThatCannotBeFilledIsReported(t *testing.T) {
	e := windowEnv(t)
	events := e.collect()
	id, err := e.m.Start(protocol.DownloadStart{Space: fakex.LiveID, Cookies: e.cookies,
		Options: protocol.Options{OutputDir: e.out, WriteInfoJSON: true}})
	if err != nil {
		t.Fatal(err)
	}
	onDisk := filepath.Join(e.cache, fakex.LiveID, "chunks", "chunk_*.aac")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if have, _ := filepath.Glob(onDisk); len(have) >= 6 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the recording did not start")
		}
	}
	e.stall(600*time.Millisecond, events)
	if err := e.m.Cancel(id); err != nil { // stop: keep the recording
		t.Fatal(err)
	}
	ev := e.wait(id)
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("job ended with %+v, want done: the file is kept", ev)
	}
	if len(ev.Gaps) == 0 || len(ev.Warnings) == 0 || !strings.Contains(ev.Warnings[0], "missing about") {
		t.Fatalf("job.done says nothing is missing: %+v", ev)
	}
	var missing int
	for _, g := range ev.Gaps {
		missing += g.Chunks
		if g.DurationS < float64(g.Chunks)*2.9 || g.StartS < 0 || g.StartS > ev.Duration+0.5 {
			t.Errorf("gap %+v: wrong place or length in a file of %.1f s", g, ev.Duration)
		}
	}
	// 600 ms at a chunk per 30 ms is 20 chunks, of which a window of 4 showed at most 4.
	if missing < 12 {
		t.Errorf("gaps %+v hold %d chunks, want at least 12", ev.Gaps, missing)
	}
	if _, err := os.Stat(ev.Path); err != nil {
		t.Fatalf("the file was not kept: %v", err)
	}
	// The file holds what was recorded: its chunks, not the gaps.
	if want := float64(ev.ChunksDone) * testaudio.ChunkDuration; ev.Duration < want-1 || ev.Duration > want+1 {
		t.Errorf("file of %.1f s for %d chunks", ev.Duration, ev.ChunksDone)
	}
	b, err := os.ReadFile(strings.TrimSuffix(ev.Path, filepath.Ext(ev.Path)) + ".info.json")
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Gaps []protocol.Gap `json:"gaps"`
	}
	if err := json.Unmarshal(b, &info); err != nil {
		t.Fatal(err)
	}
	if len(info.Gaps) != len(ev.Gaps) || info.Gaps[0] != ev.Gaps[0] {
		t.Errorf("info file gaps %+v, job.done gaps %+v", info.Gaps, ev.Gaps)
	}
	for _, got := range events() {
		if got.Job == id && got.Type == protocol.TypeJobDone && len(got.Gaps) == 0 {
			t.Errorf("a job.done event without the gaps went out: %+v", got)
		}
	}
}

// A complete recording's info file says so: an empty gaps list.
func TestInfoFileOfACompleteDownloadHasNoGaps(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	ev := e.download(fakex.DemoID, protocol.Options{WriteInfoJSON: true})
	b, err := os.ReadFile(strings.TrimSuffix(ev.Path, filepath.Ext(ev.Path)) + ".info.json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"gaps": []`) {
		t.Errorf("info file without an empty gaps list:\n%s", b)
	}
}
