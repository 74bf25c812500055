package job

import (
	"context"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/protocol"
)

// A start right after a cancel of the same Space starts a new job, which
// runs once the cancelled one has let go of the cache, and completes.
func TestStartAfterCancelStartsANewJob(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	req := protocol.DownloadStart{Space: fakex.DemoID, Cookies: e.cookies, Options: protocol.Options{OutputDir: e.out}}
	first, err := e.m.Start(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.m.Cancel(first); err != nil {
		t.Fatal(err)
	}
	second, err := e.m.Start(req)
	if err != nil {
		t.Fatal(err)
	}
	if second == first {
		t.Fatalf("Start after Cancel returned the cancelled job %s", first)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if ev, err := e.m.Wait(ctx, first); err != nil || ev.Code != protocol.CodeCancelled {
		t.Errorf("the cancelled job ended with %+v, %v; want cancelled", ev, err)
	}
	ev, err := e.m.Wait(ctx, second)
	if err != nil || ev.Type != protocol.TypeJobDone {
		t.Fatalf("the new job ended with %+v, %v; want done", ev, err)
	}
}
