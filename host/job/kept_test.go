package job

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/syncbuf"
	"github.com/spacekeep/spacekeep/protocol"
)

func hitsTotal(x *fakex.Server, id string) int {
	n := 0
	for _, h := range x.ChunkHits(id) {
		n += h
	}
	return n
}

// A Space already kept in the output folder is not fetched again: the job
// ends at once with its file; Force fetches it anew.
func TestAlreadyKeptIsNotFetchedAgain(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	first := e.download(fakex.DemoID, protocol.Options{})
	if first.Type != protocol.TypeJobDone {
		t.Fatalf("first: %+v", first)
	}
	hits := hitsTotal(e.x, fakex.DemoID)
	e.x.ResetRequests()
	again := e.download(fakex.DemoID, protocol.Options{})
	if !AlreadyKept(again) || again.Path != first.Path {
		t.Fatalf("again: %+v, want done with %s and a message", again, first.Path)
	}
	if n := hitsTotal(e.x, fakex.DemoID); n != hits {
		t.Errorf("the kept Space was fetched again: %d chunk requests, then %d", hits, n)
	}
	for _, r := range e.x.Requests() {
		if r.Listener != "api" {
			t.Errorf("a kept Space made a request beyond the Space's lookup: %s %s", r.Listener, r.Path)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(e.out, "*.m4a")); len(m) != 1 {
		t.Errorf("files %v", m)
	}
	// An mp3 is another file: not kept yet.
	if p := e.m.alreadyKept(context.Background(), fakex.DemoID, protocol.Options{OutputDir: e.out, Format: "mp3"}); p != "" {
		t.Errorf("an m4a counts as the mp3: %s", p)
	}

	e.m.cfg.Force = true
	forced := e.download(fakex.DemoID, protocol.Options{})
	if forced.Type != protocol.TypeJobDone || forced.Path == first.Path || AlreadyKept(forced) {
		t.Fatalf("forced: %+v", forced)
	}
	if n := hitsTotal(e.x, fakex.DemoID); n <= hits {
		t.Errorf("--force fetched nothing")
	}
}

// The library's word counts, whatever the file's name; a name carrying the
// id counts without the library, and only as a whole word.
func TestAlreadyKeptByLibraryOrName(t *testing.T) {
	dir := t.TempDir()
	renamed := filepath.Join(dir, "my talk.m4a")
	os.WriteFile(renamed, []byte("audio"), 0o644)
	m := NewManager(Config{CacheDir: t.TempDir(), Log: zerolog.Nop(),
		Kept: func(_ context.Context, id string) []string {
			if id == "1AbcDEFghIJKL" {
				return []string{renamed}
			}
			return nil
		}})
	defer m.Close()
	opt := protocol.Options{OutputDir: dir, Format: "m4a"}
	ctx := context.Background()
	if p := m.alreadyKept(ctx, "1AbcDEFghIJKL", opt); p != renamed {
		t.Errorf("library: %q", p)
	}
	if p := m.alreadyKept(ctx, "1AbcDEFghIJKL", protocol.Options{OutputDir: t.TempDir(), Format: "m4a"}); p != "" {
		t.Errorf("a file in another folder counts: %q", p)
	}
	named := filepath.Join(dir, "2024-06-28 @ann - Talk [1ZyxWVutSRQPo].m4a")
	os.WriteFile(named, []byte("audio"), 0o644)
	os.WriteFile(filepath.Join(dir, "x1YyyyyyyyyyyyY.m4a"), []byte("audio"), 0o644)
	os.Mkdir(filepath.Join(dir, "[1DirDirDirDir].m4a"), 0o755)
	if p := m.alreadyKept(ctx, "1ZyxWVutSRQPo", opt); p != named {
		t.Errorf("by name: %q", p)
	}
	for _, id := range []string{"1YyyyyyyyyyyyY", "1DirDirDirDir"} {
		if p := m.alreadyKept(ctx, id, opt); p != "" {
			t.Errorf("%s: %q counts", id, p)
		}
	}
}

// Two processes download one Space at once: the second waits for the
// first, then finds the file kept and fetches no chunk again.
func TestTwoDownloadsOfOneSpaceFetchOnce(t *testing.T) {
	e := newEnv(t, fakex.Options{Latency: 20 * time.Millisecond, ConnBandwidth: 100 << 10})
	var otherLog syncbuf.Buffer
	other := NewManager(Config{APIBase: e.x.APIBase(), CacheDir: e.cache, Log: zerolog.New(&otherLog), WaitForCache: true})
	defer other.Close()
	e.m.cfg.WaitForCache = true

	fetching := make(chan struct{})
	var once sync.Once
	unsub := e.m.Subscribe(func(ev protocol.Event) {
		if ev.Stage == protocol.StageFetching {
			once.Do(func() { close(fetching) })
		}
	})
	defer unsub()
	id1, err := e.m.Start(protocol.DownloadStart{Space: fakex.DemoID, Cookies: e.cookies, Options: protocol.Options{OutputDir: e.out}})
	if err != nil {
		t.Fatal(err)
	}
	<-fetching // the first holds the cache's lock
	id2, err := other.Start(protocol.DownloadStart{Space: fakex.DemoID, Cookies: e.cookies, Options: protocol.Options{OutputDir: e.out}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ev1, err1 := e.m.Wait(ctx, id1)
	ev2, err2 := other.Wait(ctx, id2)
	if err1 != nil || err2 != nil || ev1.Type != protocol.TypeJobDone || ev2.Type != protocol.TypeJobDone {
		t.Fatalf("%+v %v / %+v %v", ev1, err1, ev2, err2)
	}
	if !strings.Contains(otherLog.String(), "waiting for it to finish") || !AlreadyKept(ev2) {
		t.Errorf("the second did not wait for the first, then find the Space kept: %+v\n%s", ev2, otherLog.String())
	}
	if ev2.Path != ev1.Path {
		t.Errorf("second download wrote %s, the first %s", ev2.Path, ev1.Path)
	}
	if n, want := hitsTotal(e.x, fakex.DemoID), chunksOf(t, e.x, fakex.DemoID); n != want {
		t.Errorf("%d chunk requests for %d chunks", n, want)
	}
}

// A file of a Space that is still live may be a recording stopped before
// its end: starting it again records, it is not "already kept".
func TestLiveSpaceIsRecordedEvenWithAFile(t *testing.T) {
	e := liveEnv(t)
	stopped := filepath.Join(e.out, "On air ["+fakex.LiveID+"].m4a")
	os.WriteFile(stopped, []byte("a stopped recording"), 0o644)
	id, _ := e.startLive(4)
	if err := e.x.EndSpace(fakex.LiveID); err != nil {
		t.Fatal(err)
	}
	ev, err := e.m.Wait(t.Context(), id)
	if err != nil || ev.Type != protocol.TypeJobDone || AlreadyKept(ev) || ev.Path == stopped {
		t.Fatalf("the live Space was not recorded: %+v %v", ev, err)
	}
}

// With the picture asked for, a kept mp4 of the Space is the answer; so is
// the kept m4a of a Space that has no picture to keep. Neither is fetched
// again into "… (2)" (both used to be).
func TestAlreadyKeptWithTheVideoOption(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	for _, id := range []string{fakex.VideoID, fakex.TimedOutID} {
		first := e.download(id, protocol.Options{Video: true})
		if first.Type != protocol.TypeJobDone || AlreadyKept(first) {
			t.Fatalf("%s first: %+v", id, first)
		}
		hits := hitsTotal(e.x, id)
		again := e.download(id, protocol.Options{Video: true})
		if !AlreadyKept(again) || again.Path != first.Path {
			t.Errorf("%s again: %+v, want done with %s, nothing fetched", id, again, first.Path)
		}
		if n := hitsTotal(e.x, id); n != hits {
			t.Errorf("%s: the kept Space was fetched again: %d chunk requests, then %d", id, hits, n)
		}
	}
}
