package naming

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

func TestWriteSidecarNeverOverwritesNorFollowsLinks(t *testing.T) {
	dir := t.TempDir()
	audio := filepath.Join(dir, "X (2).m4a")
	text := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	// Symlinks planted at the old temporary name and at guessable ones.
	outside := filepath.Join(t.TempDir(), "victim")
	for _, n := range []string{"X (2).info.json.part", ".X (2).info.json.part"} {
		if err := os.Symlink(outside, filepath.Join(dir, n)); err != nil {
			t.Fatal(err)
		}
	}
	p, err := WriteSidecar(audio, ".info.json", text("one"))
	if err != nil || p != filepath.Join(dir, "X (2).info.json") {
		t.Fatalf("%q %v", p, err)
	}
	if _, err := os.Lstat(outside); !os.IsNotExist(err) {
		t.Errorf("a planted symlink was followed")
	}
	// The name exists now: a second write is refused and changes nothing.
	_, err = WriteSidecar(audio, ".info.json", text("two"))
	if !errors.Is(err, ErrExists) || protocol.CodeOf(err) != protocol.CodeDisk {
		t.Fatalf("second write: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Errorf("sidecar holds %q, want %q", b, "one")
	}
	// A failing writer leaves nothing behind.
	if _, err := WriteSidecar(audio, ".vtt", func(io.Writer) error { return errors.New("boom") }); protocol.CodeOf(err) != protocol.CodeDisk {
		t.Fatalf("failing writer: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*")); len(m) != 3 { // the two symlinks and the info ("*" matches dot files)
		t.Errorf("files left: %q", m)
	}
}

func TestCommitSkipsNamesWhoseSidecarsExist(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Space.info.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "x.part")
	if err := os.WriteFile(tmp, []byte("mp3"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err := Reserve(dir, "Space.mp3"); err != nil || p != filepath.Join(dir, "Space (2).mp3") {
		t.Errorf("Reserve: %q %v", p, err)
	}
	p, err := Commit(tmp, dir, "Space.mp3")
	if err != nil || p != filepath.Join(dir, "Space (2).mp3") {
		t.Fatalf("Commit: %q %v", p, err)
	}
}
