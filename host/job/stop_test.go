package job

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

var storedChunkRE = regexp.MustCompile(`_(\d+)_a\.aac$`)

// storedPrefix is how many chunks from the first the cache index records
// without a gap.
func storedPrefix(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ".lengths"))
	if err != nil {
		return 0
	}
	have := map[int]bool{}
	for line := range strings.Lines(string(b)) {
		if m := storedChunkRE.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			i, _ := strconv.Atoi(m[1])
			have[i] = true
		}
	}
	n := 0
	for have[n] {
		n++
	}
	return n
}

// A stop that comes after chunks are stored and recorded in the cache, but
// before the download has handed them in, keeps them: the recording holds
// everything on disk up to the first missing chunk. The download is held
// inside its progress report after its first chunk (the test's subscriber
// blocks), so the other chunks it is fetching are stored but cannot be
// handed in; the stop then cancels them, and only the cache tells of them.
func TestStopKeepsChunksStoredButNotHandedIn(t *testing.T) {
	e := liveEnv(t)
	gate := make(chan struct{})
	held := make(chan struct{})
	var once sync.Once
	unsub := e.m.Subscribe(func(ev protocol.Event) {
		// Only the download reports recording progress with chunks done.
		if ev.Stage == protocol.StageRecording && ev.ChunksDone >= 1 {
			once.Do(func() {
				close(held)
				<-gate
			})
		}
	})
	t.Cleanup(unsub)
	released := false
	release := func() {
		if !released {
			released = true
			close(gate)
		}
	}
	t.Cleanup(release)

	id, err := e.m.Start(protocol.DownloadStart{Space: fakex.LiveID, Cookies: e.cookies, Options: protocol.Options{OutputDir: e.out}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-held:
	case <-time.After(30 * time.Second):
		t.Fatal("no recording progress with a chunk done")
	}
	// The first chunk was handed in; its three companions of the
	// opening playlist are being stored meanwhile.
	dir := filepath.Join(e.cache, fakex.LiveID, "chunks")
	deadline := time.Now().Add(30 * time.Second)
	for storedPrefix(t, dir) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the cache records %d chunks in order: none stored beyond the one handed in", storedPrefix(t, dir))
		}
		time.Sleep(5 * time.Millisecond)
	}
	stored := storedPrefix(t, dir)
	if err := e.m.Cancel(id); err != nil {
		t.Fatal(err)
	}
	// Released only once the download is told to stop (logged after it),
	// so that it can no longer hand in what it stored.
	for !strings.Contains(e.logs.String(), "recording stopped") {
		if time.Now().After(deadline) {
			t.Fatal("the recording did not stop")
		}
		time.Sleep(5 * time.Millisecond)
	}
	release()
	ev, err := e.m.Wait(t.Context(), id)
	if err != nil || ev.Type != protocol.TypeJobDone {
		t.Fatalf("stop ended with %+v %v", ev, err)
	}
	if ev.ChunksDone < stored {
		t.Errorf("kept %d chunks; %d were stored in order before the stop", ev.ChunksDone, stored)
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", ev.Path, ev.ChunksDone); err != nil {
		t.Fatalf("the kept recording is not its chunks once, in order: %v", err)
	}
}
