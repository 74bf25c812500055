package job

import (
	"math"
	"path/filepath"
	"sync"
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/protocol"
)

// TestOnDoneGetsTheRecord: a finished job hands the library a record of
// the Space and its file before job.done goes out; a hook that panics
// fails nothing.
func TestOnDoneGetsTheRecord(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	var (
		mu  sync.Mutex
		got *record.Record
		dir string
	)
	e.m.cfg.OnDone = func(rec *record.Record, d string) {
		mu.Lock()
		got, dir = rec, d
		mu.Unlock()
		panic("the library broke")
	}
	ev := e.download(fakex.DemoID, protocol.Options{WriteInfoJSON: true})
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("job ended with %+v", ev)
	}
	mu.Lock()
	defer mu.Unlock()
	if got == nil {
		t.Fatal("OnDone was not called before job.done")
	}
	if got.ID != fakex.DemoID || got.Title != "Keeping Spaces: a demo" || got.Host.Handle != "spacekeeper" ||
		got.Status != record.StatusEnded || math.Abs(got.DurationS-ev.Duration) > 0.001 || got.Audio() != filepath.Base(ev.Path) {
		t.Errorf("record %+v", got)
	}
	last := got.Files[len(got.Files)-1]
	if dir != filepath.Dir(ev.Path) || len(got.Files) < 2 || got.Files[0].Kind != record.KindAudio || last.Kind != record.KindInfo ||
		filepath.Join(dir, last.Name) != ev.Path[:len(ev.Path)-len(".m4a")]+".info.json" {
		t.Errorf("files %+v in %s", got.Files, dir)
	}
}
