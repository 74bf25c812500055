package job

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/protocol"
)

// The file's permissions follow the umask, whether the output folder is on
// the cache's filesystem (a rename) or on another one (a copy).
func TestOutputFollowsTheUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	t.Cleanup(func() { syscall.Umask(old) })
	e := newEnv(t, fakex.Options{})
	for name, dir := range map[string]string{"same disk": filepath.Join(e.out, "same"), "other disk": smallDisk(t, "16m")} {
		ev := e.download(fakex.DemoID, protocol.Options{OutputDir: dir})
		if ev.Type != protocol.TypeJobDone {
			t.Fatalf("%s: job ended with %+v", name, ev)
		}
		st, err := os.Stat(ev.Path)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: the file is %o under umask 077, want 600", name, got)
		}
	}
}
