//go:build unix

package watch

import (
	"testing"
)

// A watcher's beacon is seen while it is held, by one watcher at a time,
// and not once let go.
func TestBeacon(t *testing.T) {
	dir := t.TempDir()
	if _, ok := Running(dir); ok {
		t.Fatal("running before any watcher")
	}
	b, ok, err := Announce(dir)
	if err != nil || !ok {
		t.Fatalf("Announce: %v %v", ok, err)
	}
	if err := b.Publish([]byte(`{"state":"watching"}`)); err != nil {
		t.Fatal(err)
	}
	if got, ok := Running(dir); !ok || string(got) != `{"state":"watching"}` {
		t.Fatalf("Running: %q %v", got, ok)
	}
	if _, ok, _ := Announce(dir); ok {
		t.Error("two watchers hold the beacon")
	}
	b.Close()
	if _, ok := Running(dir); ok {
		t.Error("running after Close")
	}
	if _, ok := Running(""); ok {
		t.Error("running in no folder")
	}
}
