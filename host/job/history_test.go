package job

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/protocol"
)

// Finished jobs are not kept forever (the service runs for months): the
// list holds every running job and the newest finished ones.
func TestFinishedJobsAreBounded(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var last string
	for i := range KeepFinished + 30 {
		// Spaces X does not know: each job ends at once with not_found.
		id, err := e.m.Start(protocol.DownloadStart{Space: fmt.Sprintf("1zzzzzzzzz%03d", i), Cookies: e.cookies,
			Options: protocol.Options{OutputDir: e.out}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.m.Wait(ctx, id); err != nil {
			t.Fatal(err)
		}
		last = id
	}
	list := e.m.List()
	if len(list) != KeepFinished {
		t.Fatalf("List holds %d finished jobs, want the newest %d", len(list), KeepFinished)
	}
	if list[len(list)-1].Job != last {
		t.Errorf("the newest job %s is not last in the list", last)
	}
}
