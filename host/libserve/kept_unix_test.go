//go:build unix

package libserve

import (
	"os"
	"path/filepath"
	"testing"
)

// The kept token is the key to the library's server: a library-serve.json
// an older spacekeep left readable to all (and its folder) is made the
// owner's only when read, as the other files of the settings folder are.
func TestKeptTokenFileTightenedWhenRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "settings")
	k, err := LoadKept(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, keptFile)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	again, err := LoadKept(dir)
	if err != nil || again != k {
		t.Fatalf("kept %v, loaded %v (%v)", k, again, err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: %v %v; want %v", p, fi, err, want)
		}
	}
}
