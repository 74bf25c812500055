package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/protocol"
)

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 3, 15, 14, 30, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"today":      time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC),
		"yesterday":  time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC),
		"7d":         time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC),
		"2w":         time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		"3m":         time.Date(2025, 12, 15, 0, 0, 0, 0, time.UTC),
		"2026-01-31": time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC),
		"2026-01":    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		got, err := parseSince(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"someday", "7x", "d", "-3d"} {
		if _, err := parseSince(bad, now); err == nil {
			t.Errorf("parseSince(%q) accepted", bad)
		}
	}
}

// The library's words: a header, an empty library that says how to fill
// it, a Space named by its URL, plurals, totals as h:mm.
func TestLibraryWords(t *testing.T) {
	ctx := context.Background()
	t.Setenv("SPACEKEEP_LIBRARY", filepath.Join(t.TempDir(), "library.db"))
	code, out, errs := runCmd(ctx, nil, "library", "list")
	if code != exitOK || out != "" || !strings.Contains(errs, "The library is empty") || !strings.Contains(errs, "spacekeep library import") {
		t.Errorf("empty list: %d %q %q", code, out, errs)
	}
	if _, _, errs := runCmd(ctx, nil, "library", "stats"); !strings.Contains(errs, "The library is empty") {
		t.Errorf("empty stats: %q", errs)
	}
	dir := libraryEnv(t, 1)
	t.Setenv("SPACEKEEP_LIBRARY", filepath.Join(t.TempDir(), "library.db"))
	if _, out, _ := runCmd(ctx, nil, "library", "import", dir); !strings.Contains(out, "imported 1 Space into") {
		t.Errorf("import: %q", out)
	}
	_, out, _ = runCmd(ctx, nil, "library", "list")
	if lines := strings.Split(out, "\n"); !strings.HasPrefix(lines[0], "ID ") || !strings.Contains(lines[0], "TITLE") || !strings.Contains(lines[1], "1Lib000000000") {
		t.Errorf("list: %q", out)
	}
	if _, _, errs := runCmd(ctx, nil, "library", "list", "--since", "yesterday"); !strings.Contains(errs, "No Space in the library matches") {
		t.Errorf("filtered empty: %q", errs)
	}
	_, out, _ = runCmd(ctx, nil, "library", "stats")
	if !strings.Contains(out, "time kept        0:30") || !strings.Contains(out, "in 1 Space\n") || strings.Contains(out, "1 Spaces") {
		t.Errorf("stats: %s", out)
	}
	code, out, errs = runCmd(ctx, nil, "library", "show", "https://x.com/i/spaces/1Lib000000000?s=20")
	if code != exitOK || !strings.Contains(out, "Rust (and C++) night 0") || !strings.Contains(out, "1 turn\n") {
		t.Errorf("show URL: %d %s %s", code, out, errs)
	}
	code, out, _ = runCmd(ctx, nil, "library", "remove", "https://twitter.com/i/spaces/1Lib000000000")
	if code != exitOK || !strings.Contains(out, "removed 1Lib000000000") {
		t.Errorf("remove URL: %d %s", code, out)
	}
}

// A title holding terminal escape sequences reaches the terminal without
// them: library list, show and search, and the download's progress line.
func TestExternalTextIsCleaned(t *testing.T) {
	ctx := context.Background()
	t.Setenv("SPACEKEEP_LIBRARY", filepath.Join(t.TempDir(), "library.db"))
	dir := t.TempDir()
	evil := "Pwn\x1b]0;owned\x07ed \x1b[2J\x1b[31mtitle\u202e"
	rec := &record.Record{ID: "1EvilSpace000", Title: evil, Status: record.StatusEnded, DurationS: 60,
		Host: record.Person{Handle: "bad\x1b[2Jhost", Name: "N\x07ame"}, Topics: []string{"T\x1b]8;;x\x07opic"},
		Turns:    []record.Turn{{StartS: 0, EndS: 5, Handle: "sp\x1b[Heaker"}},
		Captions: []record.Caption{{StartS: 1, EndS: 2, Handle: "sp\x1b[Heaker", Text: "evil words \x1b[2J here"}},
		Files:    []record.File{{Name: "e [1EvilSpace000].info.json", Kind: record.KindInfo}, {Name: "e [1EvilSpace000].m4a", Kind: record.KindAudio}}}
	var b bytes.Buffer
	record.Encode(&b, rec)
	os.WriteFile(filepath.Join(dir, "e [1EvilSpace000].info.json"), b.Bytes(), 0o600)
	os.WriteFile(filepath.Join(dir, "e [1EvilSpace000].m4a"), []byte("a"), 0o600)
	runCmd(ctx, nil, "library", "import", dir)
	for _, args := range [][]string{{"library", "list"}, {"library", "show", "1EvilSpace000"}, {"library", "search", "evil"}, {"library", "stats"}} {
		_, out, errs := runCmd(ctx, nil, args...)
		if strings.ContainsAny(out+errs, "\x1b\x07\u202e") {
			t.Errorf("%v printed a control character: %q", args, out+errs)
		}
		if !strings.Contains(out, "bad") {
			t.Errorf("%v: %q", args, out)
		}
	}
	line := describe(protocol.Event{Stage: protocol.StageFetching, Space: &protocol.SpaceInfo{Title: evil}})
	if strings.ContainsAny(line, "\x1b\x07\u202e") || !strings.Contains(line, "Pwned title") {
		t.Errorf("progress line %q", line)
	}
}

// Log lines reach stderr only with -v (or $SPACEKEEP_LOG); without, the
// terminal gets words.
func TestLogLinesOnlyWithVerbose(t *testing.T) {
	fakeDownloads(t)
	logLine := regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d (INF|WRN|DBG)`)
	for _, verbose := range []bool{false, true} {
		args := []string{"download", "-o", t.TempDir(), "1OyKAWgagpqJb"}
		if verbose {
			args = append(args, "-v")
		}
		code, _, errs := runCmd(context.Background(), nil, args...)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if got := logLine.MatchString(errs); got != verbose {
			t.Errorf("verbose=%v: log lines on stderr: %v\n%s", verbose, got, errs)
		}
		if !strings.Contains(errs, "Saved 1:00 of audio") {
			t.Errorf("verbose=%v: no Saved line:\n%s", verbose, errs)
		}
	}
}

// What the user typed, echoed in an error, is cleaned too.
func TestWatchAddErrorIsCleaned(t *testing.T) {
	serviceTestEnv(t)
	code, _, errs := runCmd(context.Background(), nil, "watch", "add", "\x1b]0;pwned\x07bad\x1b[2J handle")
	if code != exitUsage || strings.ContainsAny(errs, "\x1b\x07") || !strings.Contains(errs, "bad handle") {
		t.Errorf("exit %d: %q", code, errs)
	}
}
