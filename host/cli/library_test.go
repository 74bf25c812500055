package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/host/syncbuf"
)

// libraryEnv points the library into a temp folder and writes n info JSON
// files (with stand-in audio) into another; it returns that folder.
func libraryEnv(t *testing.T, n int) string {
	t.Helper()
	t.Setenv("SPACEKEEP_LIBRARY", filepath.Join(t.TempDir(), "library.db"))
	dir := t.TempDir()
	for i := range n {
		host := "alice"
		if i%2 == 1 {
			host = "bob"
		}
		id := fmt.Sprintf("1Lib%09d", i)
		name := fmt.Sprintf("@%s - Space %d [%s]", host, i, id)
		rec := &record.Record{ID: id, Title: fmt.Sprintf("Rust (and C++) night %d", i), Status: record.StatusEnded,
			StartedAt: time.Date(2026, time.Month(1+i), 3, 20, 0, 0, 0, time.UTC), DurationS: 1800,
			Host: record.Person{Handle: host, Name: "Host " + host}, LiveListeners: 10 * (i + 1),
			Speakers: []record.Person{{Handle: "guest"}}, Topics: []string{"Tech"},
			Turns:    []record.Turn{{StartS: 0, EndS: 50, Handle: host}, {StartS: 50, EndS: 80, Handle: "guest"}},
			Captions: []record.Caption{{StartS: 75, EndS: 79, Handle: "guest", Text: fmt.Sprintf(`lifetimes are "fun" number%d`, i)}},
			Files:    []record.File{{Name: name + ".info.json", Kind: record.KindInfo}, {Name: name + ".m4a", Kind: record.KindAudio, Size: 5}}}
		var b bytes.Buffer
		record.Encode(&b, rec)
		os.WriteFile(filepath.Join(dir, name+".info.json"), b.Bytes(), 0o644)
		os.WriteFile(filepath.Join(dir, name+".m4a"), []byte("audio"), 0o644)
	}
	return dir
}

func TestLibraryCommands(t *testing.T) {
	ctx := context.Background()
	dir := libraryEnv(t, 4)
	code, out, errs := runCmd(ctx, nil, "library", "import", dir)
	if code != 0 || !strings.Contains(out, "imported 4 Spaces") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}

	code, out, _ = runCmd(ctx, nil, "library", "list", "--json")
	var items []map[string]any
	if err := json.Unmarshal([]byte(out), &items); err != nil || code != 0 || len(items) != 4 {
		t.Fatalf("list --json: %d %v %s", code, err, out)
	}
	first := items[0]
	files, _ := first["files"].([]any)
	if first["id"] != "1Lib000000003" || first["host"] != "bob" || first["state"] != "ended" || first["duration_s"] != 1800.0 ||
		len(files) != 2 || !strings.HasSuffix(files[0].(string), ".m4a") || !filepath.IsAbs(files[0].(string)) || first["title"] == nil {
		t.Errorf("newest item: %v", first)
	}
	_, out, _ = runCmd(ctx, nil, "library", "list", "--host", "@alice", "--since", "2026-02-01", "--json")
	json.Unmarshal([]byte(out), &items)
	if len(items) != 1 || items[0]["id"] != "1Lib000000002" {
		t.Errorf("list --host --since: %s", out)
	}
	if code, _, errs := runCmd(ctx, nil, "library", "list", "--since", "someday"); code != 2 || !strings.Contains(errs, "--since") {
		t.Errorf("bad --since: %d %s", code, errs)
	}

	code, out, errs = runCmd(ctx, nil, "library", "search", `"fun" number2`)
	if code != 0 || !strings.Contains(out, "1Lib000000002") || !strings.Contains(out, "[0:01:15] @guest: lifetimes are") || strings.Contains(out, "1Lib000000001") {
		t.Errorf("search: %d %q %q", code, out, errs)
	}
	for _, q := range []string{`"`, `AND`, `*`, `(`, `-`, `:`, `C++) AND (`, `NEAR(`} {
		if code, _, errs := runCmd(ctx, nil, "library", "search", q); code != 0 || strings.Contains(errs, "syntax") || strings.Contains(errs, "fts5") {
			t.Errorf("search %q: %d %s", q, code, errs)
		}
	}
	_, out, _ = runCmd(ctx, nil, "library", "search", "--json", "C++)")
	var hits []map[string]any
	if json.Unmarshal([]byte(out), &hits); len(hits) != 4 {
		t.Errorf("search with a parenthesis: %s", out)
	}

	code, out, _ = runCmd(ctx, nil, "library", "show", "1Lib000000001")
	if code != 0 || !strings.Contains(out, "Rust (and C++) night 1") || !strings.Contains(out, "@guest") || !strings.Contains(out, "transcript:") {
		t.Errorf("show: %d %s", code, out)
	}
	if code, _, errs := runCmd(ctx, nil, "library", "show", "nope"); code != 2 || !strings.Contains(errs, "no such Space") {
		t.Errorf("show unknown: %d %s", code, errs)
	}

	code, out, _ = runCmd(ctx, nil, "library", "stats", "--host", "bob")
	if code != 0 || !strings.Contains(out, "Spaces kept      2") || !strings.Contains(out, "time kept        1:00") || !strings.Contains(out, "in 2 Spaces") ||
		!strings.Contains(out, "30 on average, 40 at the peak") || !strings.Contains(out, "@bob") || !strings.Contains(out, "rust (2)") {
		t.Errorf("stats: %s", out)
	}

	code, out, _ = runCmd(ctx, nil, "library", "export", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != 5 || rows[0][0] != "id" {
		t.Errorf("export csv: %v %q", err, out)
	}
	code, out, _ = runCmd(ctx, nil, "library", "export", "--format", "json")
	if json.Unmarshal([]byte(out), &items); code != 0 || len(items) != 4 {
		t.Errorf("export json: %s", out)
	}
	if code, _, _ := runCmd(ctx, nil, "library", "export", "--format", "xml"); code != 2 {
		t.Errorf("export xml: %d", code)
	}

	audio := filepath.Join(dir, "@alice - Space 0 [1Lib000000000].m4a")
	code, out, errs = runCmd(ctx, nil, "library", "remove", "--delete-files", "1Lib000000000")
	if code != 0 || !strings.Contains(out, "removed 1Lib000000000") {
		t.Errorf("remove: %d %s %s", code, out, errs)
	}
	if _, err := os.Stat(audio); !os.IsNotExist(err) {
		t.Errorf("audio still there: %v", err)
	}
	runCmd(ctx, nil, "library", "remove", "1Lib000000001")
	if _, err := os.Stat(filepath.Join(dir, "@bob - Space 1 [1Lib000000001].m4a")); err != nil {
		t.Errorf("remove without --delete-files deleted the audio: %v", err)
	}
	_, out, _ = runCmd(ctx, nil, "library", "list", "--json")
	if json.Unmarshal([]byte(out), &items); len(items) != 2 {
		t.Errorf("after remove: %s", out)
	}
	// The library is an index: import gives back what was only removed.
	runCmd(ctx, nil, "library", "import", dir)
	_, out, _ = runCmd(ctx, nil, "library", "list", "--json")
	if json.Unmarshal([]byte(out), &items); len(items) != 3 {
		t.Errorf("after import again: %d items", len(items))
	}
	if code, _, _ := runCmd(ctx, nil, "library", "frobnicate"); code != 2 {
		t.Errorf("unknown subcommand: %d", code)
	}
}

// TestDownloadAddsToLibrary: `spacekeep download` of a Space adds it to
// the library, found by list and search.
func TestDownloadAddsToLibrary(t *testing.T) {
	x := startFake(t)
	serviceTestEnv(t)
	t.Setenv("SPACEKEEP_FFMPEG", "")
	useFakeSession(t, x)
	t.Setenv("SPACEKEEP_CACHE_DIR", t.TempDir())
	lib := filepath.Join(t.TempDir(), "library.db")
	t.Setenv("SPACEKEEP_LIBRARY", lib)
	out := t.TempDir()
	ctx := context.Background()
	code, stdout, errs := runCmd(ctx, nil, "download", "-q", "-o", out, "--write-info-json", fakex.DemoID)
	if code != 0 {
		t.Fatalf("download: %d %s", code, errs)
	}
	path := strings.TrimSpace(stdout)
	_, list, _ := runCmd(ctx, nil, "library", "list", "--json")
	var items []struct {
		ID, Title, Host string
		Files           []string
	}
	if err := json.Unmarshal([]byte(list), &items); err != nil || len(items) != 1 {
		t.Fatalf("list: %v %s", err, list)
	}
	if it := items[0]; it.ID != fakex.DemoID || it.Host != "spacekeeper" || len(it.Files) < 2 || it.Files[0] != path ||
		!strings.HasSuffix(it.Files[len(it.Files)-1], ".info.json") {
		t.Errorf("item %+v, audio %s", it, path)
	}
	if _, hits, _ := runCmd(ctx, nil, "library", "search", "keeping spac"); !strings.Contains(hits, fakex.DemoID) {
		t.Errorf("search: %s", hits)
	}
}

// serveCmd runs `spacekeep library serve args` until it prints the feed's
// address and returns that, and a stop that ends it with its exit code.
func serveCmd(t *testing.T, args ...string) (string, string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncbuf.Buffer
	done := make(chan int, 1)
	go func() { done <- Run(ctx, append([]string{"spacekeep", "library", "serve"}, args...), nil, &out, &errb) }()
	re := regexp.MustCompile(`Podcast feed: (http://\S+)\n`)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1], out.String(), func() int { cancel(); return <-done }
		}
		select {
		case code := <-done:
			cancel()
			t.Fatalf("library serve ended (%d): %s %s", code, out.String(), errb.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("library serve printed no feed: %q %q", out.String(), errb.String())
	return "", "", nil
}

func TestLibraryServeCommand(t *testing.T) {
	ctx := context.Background()
	dir := libraryEnv(t, 2)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	if code, _, errs := runCmd(ctx, nil, "library", "import", dir); code != 0 {
		t.Fatal(errs)
	}
	feed, out, stop := serveCmd(t)
	if !regexp.MustCompile(`^Library: http://127\.0\.0\.1:\d+/[0-9a-f]{32}/\n`).MatchString(out) || strings.Contains(out, "network") {
		t.Errorf("output %q", out)
	}
	res, err := http.Get(feed)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || strings.Count(string(body), "<enclosure ") != 2 {
		t.Errorf("feed: %d %s", res.StatusCode, body)
	}
	if code := stop(); code != exitOK {
		t.Errorf("exit %d after Ctrl-C", code)
	}
	// A new token at each start, unless --keep-token.
	again, _, stop := serveCmd(t)
	stop()
	if again == feed {
		t.Error("the same token at a second start without --keep-token")
	}
	kept, _, stop := serveCmd(t, "--keep-token")
	stop()
	kept2, _, stop := serveCmd(t, "--keep-token")
	stop()
	if kept != kept2 {
		t.Errorf("--keep-token: %s then %s", kept, kept2)
	}
	// Not on the network without --lan.
	code, _, errs := runCmd(ctx, nil, "library", "serve", "--addr", "0.0.0.0:0")
	if code == exitOK || !strings.Contains(errs, "--lan") {
		t.Errorf("--addr 0.0.0.0:0 without --lan: %d %q", code, errs)
	}
	_, out, stop = serveCmd(t, "--lan")
	stop()
	if !strings.Contains(out, "local network (--lan)") {
		t.Errorf("--lan does not say so: %q", out)
	}
}
