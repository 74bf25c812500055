package job

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/protocol"
)

// readInfo returns the audio file an info.json (the record) names.
func readInfo(t *testing.T, p string) string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatalf("read %s: %v", p, err)
	}
	defer f.Close()
	rec, err := record.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return rec.Audio()
}

func infoOf(audio string) string {
	return strings.TrimSuffix(audio, filepath.Ext(audio)) + ".info.json"
}

// The m4a's info must still describe the m4a after the mp3 of the same Space.
func TestInfoJSONNeverOverwritten(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	m4a := e.download(fakex.DemoID, protocol.Options{Format: "m4a", WriteInfoJSON: true})
	mp3 := e.download(fakex.DemoID, protocol.Options{Format: "mp3", WriteInfoJSON: true})
	if m4a.Type != protocol.TypeJobDone || mp3.Type != protocol.TypeJobDone {
		t.Fatalf("jobs ended with %+v / %+v", m4a, mp3)
	}
	if got := readInfo(t, infoOf(m4a.Path)); got != filepath.Base(m4a.Path) {
		t.Errorf("the m4a's info names %q, want %q", got, filepath.Base(m4a.Path))
	}
	if got := readInfo(t, infoOf(mp3.Path)); got != filepath.Base(mp3.Path) {
		t.Errorf("the mp3's info names %q, want %q", got, filepath.Base(mp3.Path))
	}
	if len(m4a.Warnings)+len(mp3.Warnings) > 0 {
		t.Errorf("warnings: %q %q", m4a.Warnings, mp3.Warnings)
	}
}

// A symlink planted where the info's temporary file used to go is not followed,
// and the info follows the audio's final name "X (2)".
func TestInfoJSONIgnoresPlantedSymlink(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	first := e.download(fakex.DemoID, protocol.Options{})
	stem := strings.TrimSuffix(first.Path, ".m4a")
	outside := filepath.Join(t.TempDir(), "victim")
	if err := os.Symlink(outside, stem+" (2).info.json.part"); err != nil {
		t.Fatal(err)
	}
	e.m.cfg.Force = true // the Space is kept: fetch it anew
	ev := e.download(fakex.DemoID, protocol.Options{WriteInfoJSON: true})
	if ev.Path != stem+" (2).m4a" {
		t.Fatalf("path %q, want %q", ev.Path, stem+" (2).m4a")
	}
	if _, err := os.Lstat(outside); !os.IsNotExist(err) {
		t.Errorf("the planted symlink was followed: %s exists (%v)", outside, err)
	}
	if got := readInfo(t, stem+" (2).info.json"); got != filepath.Base(ev.Path) {
		t.Errorf("info names %q, want %q", got, filepath.Base(ev.Path))
	}
}

// An info file that cannot be written leaves the audio and removes the
// cache as any success; the done event says what is missing.
func TestInfoJSONFailureIsAWarning(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	writeInfoFile = func(string, *record.Record) error {
		return protocol.DiskError("write the info file", errors.New("no space left on device"))
	}
	t.Cleanup(func() { writeInfoFile = writeInfo })
	ev := e.download(fakex.DemoID, protocol.Options{WriteInfoJSON: true})
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("job ended with %+v", ev)
	}
	if len(ev.Warnings) != 1 || !strings.Contains(ev.Warnings[0], "info file was not written") || !strings.Contains(ev.Warnings[0], "no space left") {
		t.Errorf("warnings %q", ev.Warnings)
	}
	if _, err := os.Stat(ev.Path); err != nil {
		t.Errorf("the audio is gone: %v", err)
	}
	if _, err := os.Stat(filepath.Join(e.cache, fakex.DemoID)); !os.IsNotExist(err) {
		t.Errorf("cache left behind: %v", err)
	}
}
