package job

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

// smallDisk mounts a tmpfs of the given size: a real disk that fills up, and
// a real second filesystem. CI runs as root, as this needs.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount a %s tmpfs (needs root): %v: %s", size, err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

func TestOutputOnAnotherDisk(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	out := smallDisk(t, "16m")
	ev := e.download(fakex.DemoID, protocol.Options{OutputDir: out})
	if ev.Type != protocol.TypeJobDone || filepath.Dir(ev.Path) != out {
		t.Fatalf("job ended with %+v", ev)
	}
	if err := testaudio.Verify(t.Context(), "ffmpeg", ev.Path, 20); err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(filepath.Join(out, ".*")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

func TestFullOutputDisk(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	out := smallDisk(t, "100k") // the demo Space is ~750 KB
	ev := e.download(fakex.DemoID, protocol.Options{OutputDir: out})
	if ev.Code != protocol.CodeDisk || !strings.Contains(ev.Message, "full") {
		t.Fatalf("got %s %q, want a disk-full error", ev.Code, ev.Message)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) > 0 {
		t.Errorf("a failed job left files in the output folder: %v", entries)
	}
	// The chunks stay in the cache: with space freed the next run fetches nothing.
	before := e.x.ChunkHits(fakex.DemoID)
	ev = e.download(fakex.DemoID, protocol.Options{})
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("retry: %+v", ev)
	}
	for i, n := range e.x.ChunkHits(fakex.DemoID) {
		if n != before[i] {
			t.Errorf("chunk %d fetched again after the disk-full failure", i)
		}
	}
}

func TestFullCacheDisk(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	e.m.cfg.CacheDir = smallDisk(t, "200k")
	ev := e.download(fakex.DemoID, protocol.Options{})
	if ev.Code != protocol.CodeDisk || !strings.Contains(ev.Message, "full") {
		t.Fatalf("got %s %q, want a disk-full error", ev.Code, ev.Message)
	}
}
