package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/internal/testbin"
	"github.com/spacekeep/spacekeep/host/job"
	"github.com/spacekeep/spacekeep/host/nmhost"
	"github.com/spacekeep/spacekeep/protocol"
)

// peerClientEnv makes the test binary a client of the socket it names (see
// TestMain): it prints "hello" if the service greets it, "refused" if the
// service hangs up first.
const peerClientEnv = "SPACEKEEP_TEST_PEER_CLIENT"

// hostBin is the real spacekeep binary, built once for the relay test.
var hostBin string

func TestMain(m *testing.M) {
	if p := os.Getenv(peerClientEnv); p != "" {
		os.Exit(peerClient(p))
	}
	if p := os.Getenv(peerListenerEnv); p != "" {
		os.Exit(peerListener(p))
	}
	testbin.Main(m, &hostBin)
}

func peerClient(path string) int {
	c, err := net.DialTimeout("unix", path, 2*time.Second)
	if err != nil {
		fmt.Println("dial:", err)
		return 1
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(3 * time.Second))
	body, err := protocol.ReadFrame(c)
	switch {
	case err == nil && strings.Contains(string(body), `"hello"`):
		fmt.Println("hello")
	case errors.Is(err, io.EOF):
		fmt.Println("refused")
	default:
		fmt.Println("other:", err, string(body))
	}
	return 0
}

// client is one session over the socket.
type client struct {
	t *testing.T
	c net.Conn
}

func dial(t *testing.T, path string) *client {
	t.Helper()
	c, err := Dial(path)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(30 * time.Second))
	return &client{t: t, c: c}
}

func (c *client) send(id int, typ string, payload any) {
	c.t.Helper()
	m := map[string]any{"id": id, "type": typ}
	if payload != nil {
		m["payload"] = payload
	}
	if err := protocol.WriteFrame(c.c, m); err != nil {
		c.t.Fatal(err)
	}
}

func (c *client) next() map[string]any {
	c.t.Helper()
	body, err := protocol.ReadFrame(c.c)
	if err != nil {
		c.t.Fatalf("read a frame: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		c.t.Fatal(err)
	}
	return m
}

func quietOpts(t *testing.T) nmhost.Options {
	return nmhost.Options{Version: "svc-test", Logger: zerolog.New(zerolog.NewTestWriter(t)),
		SettingsDir: t.TempDir(), FFmpeg: "/nonexistent/ffmpeg"}
}

// startService serves d on a socket in a temporary folder; stop ends it.
func startService(t *testing.T, d job.Driver) (path string, stop func() error) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "run", SocketName)
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Fatalf("%s: mode %v (%v), want %v", p, fi.Mode().Perm(), err, want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, d, quietOpts(t)) }()
	var once bool
	var serr error
	stop = func() error {
		if !once {
			once = true
			cancel()
			select {
			case serr = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Serve did not return after its context ended")
			}
		}
		return serr
	}
	t.Cleanup(func() { stop() })
	return path, stop
}

func TestJobsOutliveTheSession(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	x, err := fakex.New(fakex.Options{Latency: 20 * time.Millisecond}) // the job outlasts session 1
	if err != nil {
		t.Fatal(err)
	}
	x.AddSpace(fakex.DefaultSpaces()[0]) // DemoID
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	auth, ct0 := x.Session()
	out := t.TempDir()
	m := job.NewManager(job.Config{APIBase: x.APIBase(), CacheDir: t.TempDir(), Log: zerolog.New(zerolog.NewTestWriter(t))})
	path, stop := startService(t, m)

	// Session 1 starts the download and leaves at once, as a closing browser does.
	c1 := dial(t, path)
	if h := c1.next(); h["type"] != "hello" || h["version"] != "svc-test" {
		t.Fatalf("first frame %v", h)
	}
	c1.send(1, "download.start", map[string]any{"space": fakex.DemoID,
		"cookies": map[string]string{"auth_token": auth, "ct0": ct0}, "options": map[string]any{"output_dir": out}})
	var jobID string
	for jobID == "" {
		r := c1.next()
		if r["ok"] == false {
			t.Fatalf("download.start: %v", r)
		}
		if res, ok := r["result"].(map[string]any); ok {
			jobID, _ = res["job"].(string)
		}
	}
	c1.c.Close()

	// Session 2 finds it done (or sees it finish).
	c2 := dial(t, path)
	if h := c2.next(); h["type"] != "hello" {
		t.Fatalf("first frame %v", h)
	}
	c2.send(2, "jobs.list", nil)
	var done map[string]any
	for done == nil {
		f := c2.next()
		switch {
		case f["type"] == "job.failed" && f["job"] == jobID:
			t.Fatalf("the job failed after its session ended: %v", f)
		case f["type"] == "job.done" && f["job"] == jobID:
			done = f
		case f["id"] == float64(2):
			jobs, _ := f["result"].(map[string]any)["jobs"].([]any)
			for _, j := range jobs {
				if j := j.(map[string]any); j["job"] == jobID && j["type"] == "job.failed" {
					t.Fatalf("the job failed after its session ended: %v", j)
				} else if j["job"] == jobID && j["type"] == "job.done" {
					done = j
				}
			}
		}
	}
	p, _ := done["path"].(string)
	if fi, err := os.Stat(p); err != nil || fi.Size() == 0 || filepath.Dir(p) != out {
		t.Fatalf("done %v: the file %s: %v", done, p, err)
	}
	c2.c.Close()

	// Only the service's own end closes the driver.
	if err := stop(); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := m.Start(protocol.DownloadStart{Space: fakex.DemoID, Cookies: protocol.Cookies{AuthToken: "a", CT0: "b"}}); err == nil {
		t.Fatal("the driver still takes jobs after the service stopped")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the socket outlived the service: %v", err)
	}
}

func TestListenRefusesASecondServiceAndReplacesAStaleSocket(t *testing.T) {
	path, stop := startService(t, job.NewManager(job.Config{CacheDir: t.TempDir()}))
	if _, err := Listen(path); !errors.Is(err, ErrRunning) {
		t.Fatalf("second Listen: %v, want ErrRunning", err)
	}
	stop()
	// A crash leaves the socket file behind: make one that nobody serves.
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	ln, err = Listen(path)
	if err != nil {
		t.Fatalf("Listen over a stale socket: %v", err)
	}
	ln.Close()
}

func TestSocketPath(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	if p, _ := SocketFrom(env(map[string]string{EnvSocket: "/a/b.sock", "XDG_RUNTIME_DIR": "/run/user/1"})); p != "/a/b.sock" {
		t.Errorf("SPACEKEEP_SOCKET: %s", p)
	}
	if p, _ := SocketFrom(env(map[string]string{"XDG_RUNTIME_DIR": "/run/user/1"})); p != "/run/user/1/spacekeep.sock" {
		t.Errorf("XDG_RUNTIME_DIR: %s", p)
	}
	t.Setenv("XDG_CACHE_HOME", "/c")
	if p, _ := SocketFrom(env(nil)); p != "/c/spacekeep/spacekeep.sock" {
		t.Errorf("cache: %s", p)
	}
}

func TestCheckUID(t *testing.T) {
	if checkUID(1000, 1000) != nil || checkUID(0, 1000) == nil || checkUID(65534, 0) == nil {
		t.Fatal("checkUID must accept only the same uid")
	}
}
