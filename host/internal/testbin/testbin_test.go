package testbin

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuildRunsAndNamedBinaryIsReused(t *testing.T) {
	t.Setenv(EnvBin, "")
	path, cleanup, err := Build()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(path, "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "spacekeep ") {
		t.Fatalf("built binary: %q %v", out, err)
	}
	t.Setenv(EnvBin, path)
	again, cleanupAgain, err := Build()
	if err != nil || again != path {
		t.Fatalf("with $%s: %q %v, want %q", EnvBin, again, err, path)
	}
	cleanupAgain()
	if _, err := os.Stat(path); err != nil {
		t.Fatal("cleanup of a named binary removed it")
	}
	cleanup()
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Error("cleanup left the built binary's folder")
	}
	t.Setenv(EnvBin, filepath.Join(t.TempDir(), "missing"))
	if _, _, err := Build(); err == nil {
		t.Error("a missing named binary was accepted")
	}
}
