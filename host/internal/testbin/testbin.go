// Package testbin gives the black-box tests (host/e2e, the native host's,
// the service's relay) the real spacekeep binary: the one `make test-go`
// has just built (bin/spacekeep, named by $SPACEKEEP_TEST_BIN), or else one
// built once per test process. It also gives them a private home.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// EnvBin names a spacekeep binary the tests use instead of building one.
const EnvBin = "SPACEKEEP_TEST_BIN"

// Main finds or builds the binary, stores its path in *bin, runs the tests
// and exits with their code.
func Main(m *testing.M, bin *string) {
	path, cleanup, err := Build()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	*bin = path
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// Build returns the binary $SPACEKEEP_TEST_BIN names, or builds one into a
// temporary folder that cleanup removes.
func Build() (path string, cleanup func(), err error) {
	if p := os.Getenv(EnvBin); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", nil, fmt.Errorf("$%s: %w", EnvBin, err)
		}
		if fi, err := os.Stat(abs); err != nil || fi.IsDir() {
			return "", nil, fmt.Errorf("$%s names no binary: %s", EnvBin, abs)
		}
		return abs, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "spacekeep-bin-")
	if err != nil {
		return "", nil, err
	}
	name := "spacekeep"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	path = filepath.Join(dir, name)
	if out, err := exec.Command("go", "build", "-o", path, "github.com/spacekeep/spacekeep/host").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("build spacekeep: %v\n%s", err, out)
	}
	return path, func() { os.RemoveAll(dir) }, nil
}

// HomeEnv is the environment with home as the user's home, config, cache
// and log folder: what the binary writes stays in the test's folder.
func HomeEnv(home string) []string {
	return append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"), "SPACEKEEP_LOG_DIR="+home)
}
