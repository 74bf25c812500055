package cli

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
)

// `download --video` keeps a Space with video as an mp4; without it, the
// same Space is its sound in an m4a.
func TestDownloadVideoFlag(t *testing.T) {
	x := startFake(t)
	useFakeSession(t, x)
	t.Setenv("SPACEKEEP_CACHE_DIR", t.TempDir())
	t.Setenv("SPACEKEEP_LOG_DIR", t.TempDir())
	for flag, ext := range map[string]string{"--video": ".mp4", "": ".m4a"} {
		args := []string{"download", "-q", "-o", t.TempDir()}
		if flag != "" {
			args = append(args, flag)
		}
		code, out, errs := runCmd(context.Background(), nil, append(args, fakex.VideoID)...)
		if code != exitOK {
			t.Fatalf("%q: exit %d\n%s", flag, code, errs)
		}
		path := strings.TrimSpace(out)
		if !strings.HasSuffix(path, ext) {
			t.Errorf("%q: stdout %q, want a %s", flag, out, ext)
		}
		if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
			t.Errorf("%q: %v", flag, err)
		}
	}
}
