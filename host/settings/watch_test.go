package settings

import (
	"os"
	"path/filepath"
	"runtime"
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

// The settings and the watch list are their owner's only: 0600 files in a
// 0700 folder, also when an older spacekeep wrote them readable to all.
func TestFilesArePrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes on Windows")
	}
	dir := filepath.Join(t.TempDir(), "spacekeep")
	check := func(when string) {
		t.Helper()
		for p, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, watchFile): 0o600, filepath.Join(dir, fileName): 0o600} {
			if st, err := os.Stat(p); err != nil || st.Mode().Perm() != want {
				t.Errorf("%s: %s: %v, want %v", when, p, err, want)
			}
		}
	}
	if err := SaveWatch(dir, []protocol.WatchedHost{{ID: "42"}}); err != nil {
		t.Fatal(err)
	}
	s := Defaults()
	s.OutputDir = t.TempDir()
	if err := Save(dir, s); err != nil {
		t.Fatal(err)
	}
	check("written")
	os.Chmod(dir, 0o755)
	os.Chmod(filepath.Join(dir, watchFile), 0o644)
	os.Chmod(filepath.Join(dir, fileName), 0o644)
	LoadWatch(dir)
	Load(dir)
	check("read again")
}
