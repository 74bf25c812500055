package cli

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/syncbuf"
)

// downloadEnv is a fake x.com with its session, a cache, a library and an
// output folder for `spacekeep download`.
func downloadEnv(t *testing.T) (x *fakex.Server, out string) {
	t.Helper()
	x = startFake(t)
	serviceTestEnv(t)
	t.Setenv("SPACEKEEP_FFMPEG", "")
	useFakeSession(t, x)
	t.Setenv("SPACEKEEP_CACHE_DIR", t.TempDir())
	t.Setenv("SPACEKEEP_LIBRARY", filepath.Join(t.TempDir(), "library.db"))
	return x, t.TempDir()
}

// The record is written by default (--no-write-info-json opts out); a
// Space already kept in the folder is not fetched again: its path, exit 0;
// --force fetches it anew.
func TestDownloadWritesTheRecordAndKeepsOnce(t *testing.T) {
	x, out := downloadEnv(t)
	ctx := context.Background()
	code, stdout, errs := runCmd(ctx, nil, "download", "-q", "-o", out, fakex.DemoID)
	if code != 0 {
		t.Fatalf("download: %d %s", code, errs)
	}
	path := strings.TrimSpace(stdout)
	info := strings.TrimSuffix(path, ".m4a") + ".info.json"
	if _, err := os.Stat(info); err != nil {
		t.Fatalf("no record by default: %v", err)
	}
	hits := 0
	for _, n := range x.ChunkHits(fakex.DemoID) {
		hits += n
	}

	code, stdout, errs = runCmd(ctx, nil, "download", "-o", out, "--write-info-json", fakex.DemoID)
	if code != 0 || strings.TrimSpace(stdout) != path || !strings.Contains(errs, "already kept") {
		t.Fatalf("again: %d %q %s", code, stdout, errs)
	}
	again := 0
	for _, n := range x.ChunkHits(fakex.DemoID) {
		again += n
	}
	if again != hits {
		t.Errorf("the kept Space was fetched again (%d chunk requests, then %d)", hits, again)
	}

	code, stdout, errs = runCmd(ctx, nil, "download", "--json", "-o", out, fakex.DemoID)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var done struct{ Type, Path, Message string }
	if code != 0 || json.Unmarshal([]byte(lines[len(lines)-1]), &done) != nil || done.Type != "job.done" || done.Path != path || done.Message == "" {
		t.Fatalf("--json again: %d %q %s", code, stdout, errs)
	}

	code, stdout, errs = runCmd(ctx, nil, "download", "-q", "-o", out, "--force", "--no-write-info-json", fakex.DemoID)
	forced := strings.TrimSpace(stdout)
	if code != 0 || forced == path || forced == "" {
		t.Fatalf("--force: %d %q %s", code, stdout, errs)
	}
	if _, err := os.Stat(strings.TrimSuffix(forced, ".m4a") + ".info.json"); !os.IsNotExist(err) {
		t.Errorf("--no-write-info-json wrote the record: %v", err)
	}
}

// `watch run` is built like every other mode: what it records goes into
// the library, with its record beside the audio; `watch status` in another
// terminal sees it.
func TestWatchRunKeepsInTheLibrary(t *testing.T) {
	x, out := downloadEnv(t)
	t.Setenv("SPACEKEEP_WATCH_INTERVAL", "5s")
	ctx := context.Background()
	if code, o, e := runCmd(ctx, nil, "watch", "add", fakex.UserID("oldtimer")); code != exitOK {
		t.Fatalf("watch add: %d %q %s", code, o, e)
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stdout, stderr syncbuf.Buffer
	var wg sync.WaitGroup
	wg.Add(1)
	code := -1
	go func() {
		defer wg.Done()
		code = Run(rctx, []string{"spacekeep", "watch", "run", "--interval", "5s", "-o", out}, nil, &stdout, &stderr)
	}()
	waitFor(t, "watch status to see watch run", 10*time.Second, func() bool {
		st := watchStatusJSON(t)
		return st.Where == "cli" && st.State == "watching"
	})
	if err := x.StartSpace(fakex.LegacyMasterID, 3, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("watch run said:\n%s%s", stdout.String(), stderr.String())
		}
	})
	waitFor(t, "the recording", 15*time.Second, func() bool { return strings.Contains(stdout.String(), "recording") })
	waitFor(t, "the recording in watch status", 5*time.Second, func() bool { return len(watchStatusJSON(t).Recording) == 1 })
	if err := x.EndSpace(fakex.LegacyMasterID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the saved file", 60*time.Second, func() bool { return strings.Contains(stdout.String(), "saved ") })
	cancel()
	wg.Wait()
	if code != exitOK {
		t.Fatalf("watch run: exit %d: %s", code, stderr.String())
	}
	_, list, _ := runCmd(ctx, nil, "library", "list", "--json")
	var items []struct {
		ID    string
		Files []string
	}
	if err := json.Unmarshal([]byte(list), &items); err != nil || len(items) != 1 || items[0].ID != fakex.LegacyMasterID {
		t.Fatalf("the recording is not in the library: %v %s", err, list)
	}
	if f := items[0].Files; !strings.HasSuffix(f[len(f)-1], ".info.json") {
		t.Errorf("no record beside the recording: %v", f)
	}
	if st := watchStatusJSON(t); st.State != "off" {
		t.Errorf("watch run ended, status says %+v", st)
	}
}

func waitFor(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after %v", what, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Every mode builds its engine with newEngine: a job.NewManager elsewhere
// in the command line would be an engine without some of its parts (as
// `watch run`'s once was, without the library).
func TestOneEngineConstructor(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || name == "engine.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "NewManager" {
				t.Errorf("%s: job.NewManager outside engine.go: use newEngine", fset.Position(sel.Pos()))
			}
			return true
		})
	}
}
