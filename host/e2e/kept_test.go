package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
)

// Two downloads of one Space at once fetch it once: the second waits for
// the first, then finds the file kept (its path, exit 0), rather than
// fetching all 200 chunks again into "… (2).m4a".
func TestSecondDownloadFindsTheSpaceKept(t *testing.T) {
	f := slowSpace(t)
	first := f.start("download", "-o", f.out, fakex.DemoID)
	f.waitChunks(first, 20)
	second := f.start("download", "-o", f.out, fakex.DemoID)
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(second.e.String(), "to finish this Space"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the second download does not wait for the first; stderr:\n%s", second.e.String())
		}
	}
	if code := first.wait(t); code != 0 {
		t.Fatalf("the first download: exit %d; stderr:\n%s", code, first.e.String())
	}
	if code := second.wait(t); code != 0 {
		t.Fatalf("the second download: exit %d; stderr:\n%s", code, second.e.String())
	}
	if a, b := lastLine(first.o.String()), lastLine(second.o.String()); a != b || a == "" {
		t.Errorf("the second printed %q, the first %q", b, a)
	}
	if !strings.Contains(second.e.String(), "already kept") {
		t.Errorf("the second does not say the Space is kept; stderr:\n%s", second.e.String())
	}
	total := 0
	for _, n := range f.x.ChunkHits(fakex.DemoID) {
		total += n
	}
	if total != 200 {
		t.Errorf("%d chunk requests for 200 chunks", total)
	}
}
