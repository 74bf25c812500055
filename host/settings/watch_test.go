package settings

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

func TestWatchListRoundTripAndMerge(t *testing.T) {
	dir := t.TempDir()
	if l, err := LoadWatch(dir); err != nil || len(l) != 0 {
		t.Fatalf("missing file: %v %v", l, err)
	}
	l := AddWatched(nil, protocol.WatchedHost{Handle: "Ada"})
	l = AddWatched(l, protocol.WatchedHost{Handle: "ada", ID: "1356272936412512257"}) // resolved later: same entry
	l = AddWatched(l, protocol.WatchedHost{ID: "42"})
	if len(l) != 2 || l[0].ID != "1356272936412512257" || l[0].Handle != "ada" {
		t.Fatalf("merged: %+v", l)
	}
	if err := SaveWatch(dir, l); err != nil {
		t.Fatal(err)
	}
	// settings.json is another file: saving the settings keeps the list.
	if err := Save(dir, Defaults()); err != nil {
		t.Fatal(err)
	}
	got, err := LoadWatch(dir)
	if err != nil || len(got) != 2 || got[0].ID != "1356272936412512257" {
		t.Fatalf("loaded %+v %v", got, err)
	}
	got, found := RemoveWatched(got, "@ADA")
	if !found || len(got) != 1 || got[0].ID != "42" {
		t.Fatalf("removed: %+v %v", got, found)
	}
	if _, found := RemoveWatched(got, "nobody"); found {
		t.Fatal("removed a host that was not there")
	}
	// A damaged entry is dropped, not trusted.
	os.WriteFile(filepath.Join(dir, watchFile), []byte(`{"hosts":[{"id":"12a"},{"handle":"../x"},{"id":"7","handle":"ok_1"}]}`), 0o644)
	if got, _ := LoadWatch(dir); len(got) != 1 || got[0].Handle != "ok_1" {
		t.Fatalf("damaged entries: %+v", got)
	}
}
