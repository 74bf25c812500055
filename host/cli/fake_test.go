package cli

import (
	"path/filepath"
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
)

// startFake starts a fake x.com with the default Spaces and points the
// commands' API calls at it; closed when the test ends.
func startFake(t *testing.T) *fakex.Server {
	t.Helper()
	x, err := fakex.New(fakex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range fakex.DefaultSpaces() {
		x.AddSpace(s)
	}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	t.Setenv("SPACEKEEP_API_BASE", x.APIBase())
	return x
}

// useFakeSession hands the commands the fake's x.com session through the
// environment, as a user of `download` would.
func useFakeSession(t *testing.T, x *fakex.Server) {
	t.Helper()
	auth, ct0 := x.Session()
	t.Setenv("SPACEKEEP_AUTH_TOKEN", auth)
	t.Setenv("SPACEKEEP_CT0", ct0)
}

// fakeDownloads sets a test up for downloads from a fake x.com of its own:
// the service's environment, the fake's session, and a cache and library of
// the test's own, with no ffmpeg (an m4a needs none).
func fakeDownloads(t *testing.T) {
	t.Helper()
	serviceTestEnv(t)
	x := startFake(t)
	useFakeSession(t, x)
	t.Setenv("SPACEKEEP_CACHE_DIR", t.TempDir())
	t.Setenv("SPACEKEEP_FFMPEG", "")
	t.Setenv("SPACEKEEP_LIBRARY", filepath.Join(t.TempDir(), "library.db"))
}
