package logging

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/syncbuf"
)

const (
	authToken = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0"
	ct0       = "0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c"
)

func readLog(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSecretsNeverReachASink(t *testing.T) {
	dir := t.TempDir()
	var console bytes.Buffer
	red := NewRedactor()
	log, closer, err := New(Options{Dir: dir, Console: &console, Redactor: red})
	if err != nil {
		t.Fatal(err)
	}
	red.AddSecret(authToken) // registered after the logger exists, as the engine does
	red.AddSecret(ct0)
	red.AddSecret("abc") // too short: ignored
	log.Info().Str("cookie", "auth_token="+authToken+"; ct0="+ct0).Msg("calling AudioSpaceById")
	log.Error().Err(errors.New("401 for token " + authToken)).Msg("header x-csrf-token: " + ct0)
	log.Info().Msg("abc stays")
	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}
	file := readLog(t, dir)
	for name, out := range map[string]string{"file": file, "console": console.String()} {
		if strings.Contains(out, authToken) || strings.Contains(out, ct0) {
			t.Errorf("%s holds a secret:\n%s", name, out)
		}
		if n := strings.Count(out, Redacted); n != 4 {
			t.Errorf("%s has %d %s, want 4:\n%s", name, n, Redacted, out)
		}
		if !strings.Contains(out, "abc stays") {
			t.Errorf("%s lost a short non-secret", name)
		}
	}
	// The file is JSON lines; the console is not.
	for _, l := range strings.Split(strings.TrimSpace(file), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil || m["time"] == nil || m["level"] == nil {
			t.Errorf("log line %q: %v", l, err)
		}
	}
	if strings.HasPrefix(console.String(), "{") || strings.Contains(console.String(), "\x1b[") {
		t.Errorf("console is not plain human text:\n%s", console.String())
	}
}

func TestRedactOverlapping(t *testing.T) {
	r := NewRedactor()
	r.AddSecret("secret12")
	r.AddSecret("secret1234567")
	got := string(r.Redact([]byte("x secret1234567 y secret12 z")))
	if got != "x "+Redacted+" y "+Redacted+" z" {
		t.Fatalf("got %q", got)
	}
	in := []byte("nothing here")
	if out := r.Redact(in); &out[0] != &in[0] {
		t.Error("clean input was copied")
	}
}

func TestRedactorConcurrent(t *testing.T) {
	var buf syncbuf.Buffer
	r := NewRedactor()
	w := r.Wrap(&buf)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func(i int) { defer wg.Done(); r.AddSecret(fmt.Sprintf("secret-%06d", i)) }(i)
		go func(i int) { defer wg.Done(); fmt.Fprintf(w, "line %d\n", i) }(i)
	}
	wg.Wait()
	fmt.Fprintf(w, "secret-%06d\n", 3)
	if strings.Contains(buf.String(), "secret-000003") {
		t.Fatal("secret written")
	}
}

func TestLevels(t *testing.T) {
	for level, want := range map[string][]string{
		"":      {"info", "warn", "error"},
		"debug": {"debug", "info", "warn", "error"},
		"WARN":  {"warn", "error"},
		"error": {"error"},
		"loud":  {"warn:unknown", "info", "warn", "error"}, // falls back to info, says so
	} {
		t.Run(level, func(t *testing.T) {
			dir := t.TempDir()
			log, c, err := New(Options{Dir: dir, Level: level})
			if err != nil {
				t.Fatal(err)
			}
			log.Debug().Msg("debug")
			log.Info().Msg("info")
			log.Warn().Msg("warn")
			log.Error().Msg("error")
			c.Close()
			var got []string
			for _, l := range strings.Split(strings.TrimSpace(readLog(t, dir)), "\n") {
				var m map[string]string
				json.Unmarshal([]byte(l), &m)
				if strings.Contains(m["error"], "unknown") {
					got = append(got, m["level"]+":unknown")
					continue
				}
				got = append(got, m["message"])
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("logged %v, want %v", got, want)
			}
		})
	}
	if l, err := ParseLevel("info"); err != nil || l != zerolog.InfoLevel {
		t.Fatal(l, err)
	}
}

func TestRotate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	big := bytes.Repeat([]byte("x"), rotateSize+1)
	if err := os.WriteFile(path, big, 0o600); err != nil {
		t.Fatal(err)
	}
	log, c, err := New(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	log.Info().Msg("fresh")
	c.Close()
	if fi, err := os.Stat(path + ".1"); err != nil || fi.Size() != int64(len(big)) {
		t.Fatalf("old log not kept as .1: %v", err)
	}
	if s := readLog(t, dir); !strings.Contains(s, "fresh") || len(s) > 1000 {
		t.Fatalf("new log: %d bytes", len(s))
	}
	// A small log is appended to, not rotated.
	log, c, _ = New(Options{Dir: dir})
	log.Info().Msg("again")
	c.Close()
	if s := readLog(t, dir); !strings.Contains(s, "fresh") || !strings.Contains(s, "again") {
		t.Fatalf("log not appended: %q", s)
	}
}

func TestDefaultDir(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache) // os.UserCacheDir on Linux and BSD
	t.Setenv("HOME", cache)           // and macOS (~/Library/Caches)
	t.Setenv("LocalAppData", cache)   // and Windows
	log, c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	log.Info().Msg("hi")
	c.Close()
	dir, _ := DefaultDir()
	if !strings.HasPrefix(dir, cache) {
		t.Fatalf("DefaultDir %s not under %s", dir, cache)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		t.Fatal(err)
	}
}

func TestConsoleLevelFiltersOnlyTheConsole(t *testing.T) {
	dir := t.TempDir()
	var console bytes.Buffer
	red := NewRedactor()
	red.AddSecret("secretcookievalue")
	log, closer, err := New(Options{Dir: dir, Console: &console, Level: "info", ConsoleLevel: "warn", Redactor: red})
	if err != nil {
		t.Fatal(err)
	}
	log.Info().Msg("an info line")
	log.Warn().Str("cookie", "secretcookievalue").Msg("a warning")
	closer.Close()
	file, _ := os.ReadFile(filepath.Join(dir, FileName))
	if !strings.Contains(string(file), "an info line") || !strings.Contains(string(file), "a warning") {
		t.Errorf("the file lacks lines: %s", file)
	}
	if strings.Contains(console.String(), "an info line") || !strings.Contains(console.String(), "a warning") {
		t.Errorf("the console shows %q, want the warning only", console.String())
	}
	if strings.Contains(console.String()+string(file), "secretcookievalue") {
		t.Error("a secret passed the redactor")
	}
}

// No log file: the console still gets its human lines, never JSON, and the
// error says why.
func TestNoFileKeepsTheConsole(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocker, []byte("x"), 0o644)
	var console bytes.Buffer
	log, closer, err := New(Options{Dir: filepath.Join(blocker, "logs"), Console: &console, ConsoleLevel: "warn"})
	if err == nil {
		t.Fatal("no error for a log folder under a file")
	}
	defer closer.Close()
	log.Info().Msg("hidden")
	log.Warn().Msg("shown")
	if got := console.String(); strings.Contains(got, "{") || strings.Contains(got, "hidden") || !strings.Contains(got, "shown") {
		t.Errorf("console: %q", got)
	}
}
