//go:build unix

package settings

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

// The settings and the watch list are their owner's only: 0600 files in a
// 0700 folder, also when an older spacekeep wrote them readable to all.
func TestFilesArePrivate(t *testing.T) {
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
