package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
)

// With a log folder that cannot be made, a download still works and stderr
// gets no JSON: one plain warning, none with -q.
func TestUnwritableLogFolderKeepsStderrPlain(t *testing.T) {
	serviceTestEnv(t)
	x := startFake(t)
	blocker := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocker, []byte("x"), 0o644)
	t.Setenv("SPACEKEEP_LOG_DIR", filepath.Join(blocker, "logs")) // under a file: never creatable, even as root
	useFakeSession(t, x)
	t.Setenv("SPACEKEEP_CACHE_DIR", t.TempDir())
	t.Setenv("SPACEKEEP_FFMPEG", "")
	for _, quiet := range []bool{true, false} {
		args := []string{"download", "-o", t.TempDir()}
		if quiet {
			args = append(args, "-q")
		}
		code, out, errs := runCmd(context.Background(), nil, append(args, fakex.DemoID)...)
		if code != exitOK {
			t.Fatalf("quiet=%v: exit %d\n%s", quiet, code, errs)
		}
		if !strings.HasSuffix(strings.TrimSpace(out), ".m4a") {
			t.Errorf("stdout %q", out)
		}
		warnings := 0
		for _, l := range strings.Split(errs, "\n") {
			if strings.Contains(l, "{") {
				t.Errorf("quiet=%v: JSON on stderr: %s", quiet, l)
			}
			if strings.Contains(strings.ToLower(l), "log file") {
				warnings++
			}
		}
		if want := map[bool]int{true: 0, false: 1}[quiet]; warnings != want {
			t.Errorf("quiet=%v: %d warnings about the log file, want %d:\n%s", quiet, warnings, want, errs)
		}
	}
}
