package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/protocol"
)

// NewCmdDownload parses into its Options without running anything: the
// arguments and the batch file's lines (comments, blanks, stdin), each
// Space once however it is written.
func TestDownloadParsesSpacesAndFlags(t *testing.T) {
	batch := filepath.Join(t.TempDir(), "spaces.txt")
	os.WriteFile(batch, []byte("# my list\n\n  https://x.com/i/spaces/1vOxwjaWEPgJB  \n; old style comment\n1OyKAWgagpqJb\n"), 0o600)
	var got *DownloadOptions
	env := &Env{Ctx: context.Background(), Getenv: func(string) string { return "" }}
	cmd := NewCmdDownload(env, func(o *DownloadOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"1OyKAWgagpqJb", "-o", "out", "-a", batch, "--format", "mp3", "-j", "-q", "--cookies-from-browser", "firefox:work"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"1OyKAWgagpqJb", "https://x.com/i/spaces/1vOxwjaWEPgJB"}; strings.Join(got.Spaces, " ") != strings.Join(want, " ") {
		t.Errorf("spaces %q, want %q", got.Spaces, want)
	}
	if got.OutDir != "out" || got.Format != "mp3" || !got.DumpJSON || !got.Quiet || got.CookiesFromBrowser != "firefox:work" {
		t.Errorf("options %+v", got)
	}

	env.Stdin = strings.NewReader("1BRKjPnNrzAKw\n# nothing\n")
	cmd = NewCmdDownload(env, func(o *DownloadOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--batch-file", "-"})
	if err := cmd.Execute(); err != nil || len(got.Spaces) != 1 || got.Spaces[0] != "1BRKjPnNrzAKw" {
		t.Errorf("-a -: %v %q", err, got.Spaces)
	}
}

// yt-dlp's -o template is refused in words, before anything is made or asked.
func TestDownloadRefusesOutputTemplate(t *testing.T) {
	serviceTestEnv(t)
	x := startFake(t)
	dir := t.TempDir()
	t.Chdir(dir)
	code, _, errs := runCmd(context.Background(), nil, "download", "-o", "%(title)s.%(ext)s", fakex.DemoID)
	if code != exitUsage || !strings.Contains(errs, "-o is a folder; use --name-template '{title}'") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("made %v", entries)
	}
	if n := len(x.Requests()); n != 0 {
		t.Errorf("%d requests to X", n)
	}
}

// -j prints each Space's record as X describes it, one JSON line each,
// and fetches no audio.
func TestDownloadDumpJSON(t *testing.T) {
	serviceTestEnv(t)
	x := startFake(t)
	useFakeSession(t, x)
	t.Setenv("SPACEKEEP_CACHE_DIR", t.TempDir())
	out := t.TempDir()
	code, stdout, errs := runCmd(context.Background(), nil, "download", "-j", "-o", out, fakex.DemoID, fakex.NotStartedID)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %s", len(lines), stdout)
	}
	var rec struct {
		Schema int    `json:"schema"`
		ID     string `json:"id"`
		Title  string `json:"title"`
		Status string `json:"status"`
		Host   struct{ Handle string }
		Files  []any `json:"files"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil || rec.ID != fakex.DemoID || rec.Title != "Keeping Spaces: a demo" ||
		rec.Status != "ended" || rec.Host.Handle != "spacekeeper" || rec.Schema != 1 || len(rec.Files) != 0 {
		t.Errorf("record %v %+v: %s", err, rec, lines[0])
	}
	json.Unmarshal([]byte(lines[1]), &rec)
	if rec.ID != fakex.NotStartedID || rec.Status != "scheduled" {
		t.Errorf("second record %+v", rec)
	}
	for _, r := range x.Requests() {
		if r.Listener == "cdn" {
			t.Errorf("-j fetched %s", r.Path)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("-j wrote %v", entries)
	}
}

// A batch downloads each Space once, goes on past a failure, ends with one
// summary line, and exits with the worst code met.
func TestDownloadBatch(t *testing.T) {
	fakeDownloads(t)
	out := t.TempDir()
	// Kept before: the batch skips it, saying so, and prints its path.
	if code, _, errs := runCmd(context.Background(), nil, "download", "-q", "-o", out, fakex.DemoID); code != 0 {
		t.Fatalf("first download: %d %s", code, errs)
	}
	batch := filepath.Join(t.TempDir(), "batch.txt")
	os.WriteFile(batch, []byte("# two more\n"+fakex.NoReplayID+"\nhttps://x.com/i/spaces/"+fakex.DemoID+"\n"), 0o600)
	code, stdout, errs := runCmd(context.Background(), nil, "download", "-o", out, "-a", batch, fakex.DemoID, fakex.JunkID)
	if code != protocol.ExitCodes[protocol.CodeNotReplayable] {
		t.Errorf("exit %d, want %d (not_replayable)\n%s", code, protocol.ExitCodes[protocol.CodeNotReplayable], errs)
	}
	paths := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(paths) != 2 || !strings.Contains(paths[0], fakex.DemoID) || !strings.Contains(paths[1], fakex.JunkID) {
		t.Errorf("stdout %q", stdout)
	}
	if !strings.Contains(errs, "spacekeep: "+fakex.NoReplayID+": ") {
		t.Errorf("the failure does not name its Space:\n%s", errs)
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if last := lines[len(lines)-1]; last != "3 Spaces: 1 kept, 1 skipped (already kept), 1 failed" {
		t.Errorf("last line %q\n%s", last, errs)
	}
	if strings.Count(errs, "Saved ") != 1 || !strings.Contains(errs, "already kept, nothing fetched") {
		t.Errorf("want one Saved line and one already kept:\n%s", errs)
	}
}

func TestWorse(t *testing.T) {
	for _, tc := range []struct{ a, b, want int }{
		{0, 17, 17}, {17, 0, 17}, {17, 5, 5}, {5, 17, 5}, {5, 11, 11}, {130, 5, 130}, {0, 0, 0}, {1, 0, 1},
	} {
		if got := worse(tc.a, tc.b); got != tc.want {
			t.Errorf("worse(%d, %d) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// --no-wait does not wait for a scheduled Space either: exit 7 at once,
// saying what waiting would do.
func TestDownloadNoWaitOnAScheduledSpace(t *testing.T) {
	serviceTestEnv(t)
	x := startFake(t)
	useFakeSession(t, x)
	t.Setenv("SPACEKEEP_CACHE_DIR", t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code, out, errs := runCmd(ctx, nil, "download", "--no-wait", "-o", t.TempDir(), fakex.NotStartedID)
	if code != protocol.ExitCodes[protocol.CodeNotStarted] || out != "" || !strings.Contains(errs, "has not started. Without --no-wait") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
