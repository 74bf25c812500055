package job

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/protocol"
)

// An output folder inside the cache would be deleted with it after the
// download: it is refused before anything is fetched.
func TestOutputInsideTheCacheIsRefused(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	for _, dir := range []string{e.cache, filepath.Join(e.cache, fakex.DemoID), filepath.Join(e.cache, fakex.DemoID, "out")} {
		ev := e.download(fakex.DemoID, protocol.Options{OutputDir: dir})
		if ev.Type != protocol.TypeJobFailed || ev.Code != protocol.CodeBadRequest || !strings.Contains(ev.Message, "cache") {
			t.Errorf("-o %s: job ended with %+v, want bad_request naming the cache", dir, ev)
		}
	}
	if hits := e.x.ChunkHits(fakex.DemoID); len(hits) > 0 {
		t.Errorf("%d chunks fetched for a download that cannot be kept", len(hits))
	}
}

// A cache entry that is a symlink is not followed: the chunks do not land
// in (and are not left behind in, or deleted from) the link's target.
func TestCacheEntryThatIsASymlinkIsNotFollowed(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	target := t.TempDir()
	keep := filepath.Join(target, "precious.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(e.cache, fakex.DemoID)); err != nil {
		t.Fatal(err)
	}
	ev := e.download(fakex.DemoID, protocol.Options{})
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("job ended with %+v", ev)
	}
	entries, _ := os.ReadDir(target)
	if len(entries) != 1 || entries[0].Name() != "precious.txt" {
		var names []string
		for _, d := range entries {
			names = append(names, d.Name())
		}
		t.Errorf("the link's target holds %v, want only precious.txt", names)
	}
	if _, err := os.Lstat(filepath.Join(e.cache, fakex.DemoID)); !os.IsNotExist(err) {
		t.Errorf("the cache entry is still there after success: %v", err)
	}
}
