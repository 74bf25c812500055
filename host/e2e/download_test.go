package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/internal/testbin"
	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

var bin string

func TestMain(m *testing.M) { testbin.Main(m, &bin) }

type fixture struct {
	t         *testing.T
	x         *fakex.Server
	out       string
	home      string
	auth, ct0 string
}

func newFixture(t *testing.T, opts fakex.Options, specs ...fakex.SpaceSpec) *fixture {
	t.Helper()
	opts.TLS = true // as X: HTTPS, the CDN offering HTTP/2
	x, err := fakex.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) == 0 {
		specs = fakex.DefaultSpaces()
	}
	for _, s := range specs {
		x.AddSpace(s)
	}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	f := &fixture{t: t, x: x, out: t.TempDir(), home: t.TempDir()}
	f.auth, f.ct0 = x.Session()
	return f
}

// cmd returns the binary set up to talk to the fake with the session in the environment.
func (f *fixture) cmd(args ...string) *exec.Cmd {
	c := exec.Command(bin, args...)
	c.Env = append(os.Environ(), "SPACEKEEP_NO_SERVICE=1", "HOME="+f.home, "XDG_CACHE_HOME="+filepath.Join(f.home, "cache"),
		"XDG_CONFIG_HOME="+filepath.Join(f.home, "config"), "SPACEKEEP_API_BASE="+f.x.APIBase(),
		"SPACEKEEP_AUTH_TOKEN="+f.auth, "SPACEKEEP_CT0="+f.ct0, "SSL_CERT_FILE="+f.x.CertFile())
	return c
}

func (f *fixture) run(args ...string) (stdout, stderr string, code int) {
	f.t.Helper()
	c := f.cmd(args...)
	var o, e bytes.Buffer
	c.Stdout, c.Stderr = &o, &e
	err := c.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		f.t.Fatalf("run: %v", err)
	}
	f.noSecrets(o.String() + e.String())
	return o.String(), e.String(), code
}

func (f *fixture) noSecrets(s string) {
	f.t.Helper()
	if strings.Contains(s, f.auth) || strings.Contains(s, f.ct0) {
		f.t.Errorf("a cookie value was printed")
	}
}

func TestDownloadPrintsThePathLast(t *testing.T) {
	f := newFixture(t, fakex.Options{})
	stdout, stderr, code := f.run("download", "-o", f.out, "https://twitter.com/i/spaces/"+fakex.DemoID)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	path := lines[len(lines)-1]
	if filepath.Dir(path) != f.out || !strings.HasSuffix(path, ".m4a") {
		t.Fatalf("last line %q is not the file in %s", path, f.out)
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", path, 20); err != nil {
		t.Fatal(err)
	}
	// The summary line says who spoke and that captions were kept.
	if !regexp.MustCompile(`(?m)^Saved 1:00 of audio · \d+\.\d MB · 3 speakers · captions · in `).MatchString(stderr) {
		t.Errorf("summary line:\n%s", stderr)
	}
	// The logs went to the log file, which never holds the cookies either.
	logs, _ := filepath.Glob(filepath.Join(f.home, "cache", "spacekeep", "logs", "*"))
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		f.noSecrets(string(b))
	}
}

// TestDownloadM4AWithoutFFmpeg: the default format needs no ffmpeg at all.
func TestDownloadM4AWithoutFFmpeg(t *testing.T) {
	f := newFixture(t, fakex.Options{})
	c := f.cmd("download", "-o", f.out, fakex.DemoID)
	env := c.Env[:0:0]
	for _, kv := range c.Env {
		if !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "SPACEKEEP_FFMPEG=") {
			env = append(env, kv)
		}
	}
	c.Env = append(env, "PATH="+t.TempDir()) // no ffmpeg, nor anything else
	var o, e bytes.Buffer
	c.Stdout, c.Stderr = &o, &e
	if err := c.Run(); err != nil {
		t.Fatalf("m4a with no ffmpeg on PATH: %v: %s", err, e.String())
	}
	lines := strings.Split(strings.TrimSpace(o.String()), "\n")
	path := lines[len(lines)-1]
	if !strings.HasSuffix(path, ".m4a") {
		t.Fatalf("last line %q", path)
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", path, 20); err != nil {
		t.Fatal(err)
	}
	assertFaststart(t, path)
	// The cache is gone: neither the part file nor its audio data stayed.
	var left []string
	filepath.WalkDir(filepath.Join(f.home, "cache"), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "output.") {
			left = append(left, p)
		}
		return nil
	})
	if len(left) > 0 {
		t.Fatalf("left in the cache: %v", left)
	}
}

func TestDownloadJSONEventsAndMP3(t *testing.T) {
	f := newFixture(t, fakex.Options{})
	stdout, stderr, code := f.run("download", "--json", "--format", "mp3", "-o", f.out, fakex.TimedOutID)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var last protocol.Event
	stages := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(stdout))
	for sc.Scan() {
		var ev protocol.Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("stdout line is not a JSON event: %q", sc.Text())
		}
		stages[ev.Stage] = true
		last = ev
	}
	if last.Type != protocol.TypeJobDone || !strings.HasSuffix(last.Path, ".mp3") {
		t.Fatalf("last event %+v", last)
	}
	for _, s := range []string{protocol.StageResolving, protocol.StageFetching, protocol.StageMerging, protocol.StageDone} {
		if !stages[s] {
			t.Errorf("no %s event", s)
		}
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", last.Path, 10); err != nil {
		t.Fatal(err)
	}
}

func TestDownloadExitCodesTellFailuresApart(t *testing.T) {
	f := newFixture(t, fakex.Options{})
	for _, tc := range []struct {
		space string
		env   []string
		code  protocol.Code
		args  []string
	}{
		{fakex.NoReplayID, nil, protocol.CodeNotReplayable, nil},
		{"1AAAAAAAAAAAA", nil, protocol.CodeNotFound, nil},
		{fakex.DemoID, []string{"SPACEKEEP_AUTH_TOKEN="}, protocol.CodeAuth, nil}, // half a session
		{fakex.DemoID, []string{"SPACEKEEP_AUTH_TOKEN=wrongwrongwrong"}, protocol.CodeAuth, nil},
		{fakex.DemoID, []string{"SPACEKEEP_FFMPEG=/nonexistent/ffmpeg"}, protocol.CodeFFmpegMissing, []string{"--format", "mp3"}},
		{"https://example.com/not-a-space", nil, protocol.CodeBadRequest, nil},
	} {
		c := f.cmd(append(append([]string{"download"}, tc.args...), "-o", f.out, tc.space)...)
		c.Env = append(c.Env, tc.env...)
		var o, e bytes.Buffer
		c.Stdout, c.Stderr = &o, &e
		c.Run()
		want := protocol.ExitCodes[tc.code]
		if got := c.ProcessState.ExitCode(); got != want {
			t.Errorf("%s %v: exit %d, want %d (%s); stderr %q", tc.space, tc.env, got, want, tc.code, e.String())
		}
		lines := strings.Split(strings.TrimSpace(e.String()), "\n")
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, "spacekeep: ") || len(last) < 30 {
			t.Errorf("%s: the last line of stderr is not the reason: %q", tc.space, e.String())
		}
		if o.Len() != 0 {
			t.Errorf("%s: stdout on failure: %q", tc.space, o.String())
		}
		f.noSecrets(o.String() + e.String())
	}
}

func TestCookiesFile(t *testing.T) {
	f := newFixture(t, fakex.Options{})
	jar := filepath.Join(t.TempDir(), "cookies.txt")
	os.WriteFile(jar, []byte("# Netscape HTTP Cookie File\n"+
		"#HttpOnly_.x.com\tTRUE\t/\tTRUE\t0\tauth_token\t"+f.auth+"\n"+
		".x.com\tTRUE\t/\tTRUE\t0\tct0\t"+f.ct0+"\n"), 0o600)
	c := f.cmd("download", "--cookies", jar, "-o", f.out, fakex.DemoID)
	c.Env = append(c.Env, "SPACEKEEP_AUTH_TOKEN=", "SPACEKEEP_CT0=")
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	f.noSecrets(string(out))
}

// A kill -9 in the middle loses nothing: the next run fetches only what is
// missing, and no file ever sits under the final name before it is whole.
func TestKilledDownloadResumes(t *testing.T) {
	const n = 60
	f := newFixture(t, fakex.Options{Latency: 10 * time.Millisecond, ConnBandwidth: 100 << 10},
		fakex.SpaceSpec{ID: fakex.DemoID, Title: "Long", State: fakex.StateEnded, Replayable: true, Chunks: n, HostName: "H", HostHandle: "h",
			Speakers: []fakex.Participant{{DisplayName: "Ada", ScreenName: "ada"}}})
	c := f.cmd("download", "--concurrency", "4", "-o", f.out, fakex.DemoID)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(f.x.ChunkHits(fakex.DemoID)) < n/3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	c.Process.Signal(syscall.SIGKILL)
	c.Wait()
	if entries, _ := os.ReadDir(f.out); len(entries) > 0 {
		t.Fatalf("a killed download left files in the output folder: %v", entries)
	}
	before := f.x.ChunkHits(fakex.DemoID)
	stdout, stderr, code := f.run("download", "--write-info-json", "-o", f.out, fakex.DemoID)
	if code != 0 {
		t.Fatalf("resume exit %d: %s", code, stderr)
	}
	after := f.x.ChunkHits(fakex.DemoID)
	refetched := 0
	for i, h := range after {
		if h > 1 {
			refetched++
		}
		_ = i
	}
	// Chunks in flight at the kill may be fetched twice; finished ones never.
	if refetched > 4 {
		t.Errorf("%d chunks fetched twice after a kill (had %d before it)", refetched, len(before))
	}
	path := strings.TrimSpace(stdout)
	if err := testaudio.Verify(context.Background(), "ffmpeg", path, n); err != nil {
		t.Fatal(err)
	}
	// The speaker turns come from every chunk's tags, the cached ones too:
	// the host and Ada take 15 s turns for the whole 180 s.
	b, err := os.ReadFile(strings.TrimSuffix(path, ".m4a") + ".info.json")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := record.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Turns) != 12 {
		t.Fatalf("%d turns after a resume, want 12: %+v", len(rec.Turns), rec.Turns)
	}
	for i, tr := range rec.Turns {
		want := []string{"h", "ada"}[i%2]
		if tr.Handle != want || math.Abs(tr.StartS-float64(15*i)) > 1.1 {
			t.Errorf("turn %d = %+v, want %s from %d s", i, tr, want, 15*i)
		}
	}
}

// Warnings reach a person running the command: here, X's rate limit being
// waited out, said on stderr while the download goes on.
func TestRateLimitWaitIsShown(t *testing.T) {
	f := newFixture(t, fakex.Options{RateLimitFirst: 1})
	stdout, stderr, code := f.run("download", "-o", f.out, fakex.DemoID)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// In words: no time, level or fields (those are the log's, and -v's).
	if !regexp.MustCompile(`(?m)^X is rate-limiting this account: waiting`).MatchString(stderr) || strings.Contains(stderr, "WRN") {
		t.Errorf("stderr does not tell of the rate limit in words:\n%s", stderr)
	}
	if lines := strings.Split(strings.TrimSpace(stdout), "\n"); len(lines) != 1 || !strings.HasSuffix(lines[0], ".m4a") {
		t.Errorf("stdout holds more than the path: %q", stdout)
	}
}

// assertFaststart checks that the m4a's top-level boxes are ftyp, moov,
// then mdat: the index first, so that the file plays while it streams.
func assertFaststart(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	var types []string
	for off := int64(0); off < fi.Size(); {
		var hdr [16]byte
		if _, err := f.ReadAt(hdr[:8], off); err != nil {
			t.Fatalf("box header at %d: %v", off, err)
		}
		size := int64(binary.BigEndian.Uint32(hdr[:4]))
		if size == 1 {
			f.ReadAt(hdr[8:16], off+8)
			size = int64(binary.BigEndian.Uint64(hdr[8:16]))
		}
		if size < 8 {
			t.Fatalf("bad box size %d at %d", size, off)
		}
		types = append(types, string(hdr[4:8]))
		off += size
	}
	if strings.Join(types, ",") != "ftyp,moov,mdat" {
		t.Fatalf("%s: top-level boxes %v, want ftyp, moov, mdat", path, types)
	}
}
