package service

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/internal/testbin"
	"github.com/spacekeep/spacekeep/host/job"
	"github.com/spacekeep/spacekeep/protocol"
)

// runHost starts the real binary as Chrome does, with the socket of a test
// service, sends frames and closes stdin; it returns stdout and stderr.
func runHost(t *testing.T, sock string, extraEnv []string, frames ...any) ([]byte, string) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(hostBin, protocol.ChromeOrigin)
	cmd.Env = append(testbin.HomeEnv(home),
		"SPACEKEEP_FFMPEG=/nonexistent/ffmpeg", EnvNoService+"=", EnvSocket+"="+sock)
	cmd.Env = append(cmd.Env, extraEnv...)
	var in, out, errb bytes.Buffer
	for _, f := range frames {
		protocol.WriteFrame(&in, f)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = &in, &out, &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("host: %v\n%s", err, errb.String())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("host did not end\n%s", errb.String())
	}
	return out.Bytes(), errb.String()
}

// readFrames parses all of b as frames: anything else fails the test.
func readFrames(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	r := bytes.NewReader(b)
	var fs []map[string]any
	for {
		body, err := protocol.ReadFrame(r)
		if err == io.EOF {
			return fs
		}
		if err != nil {
			t.Fatalf("stdout holds something other than frames: %v\n%q", err, b)
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		fs = append(fs, m)
	}
}

func TestNativeHostRelaysToTheService(t *testing.T) {
	sock, _ := startService(t, job.NewManager(job.Config{CacheDir: t.TempDir()}))
	ping := map[string]any{"id": 7, "type": "ping"}
	list := map[string]any{"id": 8, "type": "jobs.list"}

	out, errs := runHost(t, sock, nil, ping, list)
	fs := readFrames(t, out)
	if len(fs) != 3 || fs[0]["type"] != "hello" || fs[0]["version"] != "svc-test" {
		t.Fatalf("want the service's hello (version svc-test) then two replies, got %v\n%s", fs, errs)
	}
	if fs[1]["ok"] != true || fs[2]["ok"] != true {
		t.Fatalf("replies %v", fs[1:])
	}
	if !strings.Contains(errs, "relaying to the background service") {
		t.Errorf("stderr does not say it relays: %s", errs)
	}

	// SPACEKEEP_NO_SERVICE=1: the host serves the session itself.
	out, _ = runHost(t, sock, []string{EnvNoService + "=1"}, ping)
	if fs := readFrames(t, out); len(fs) != 2 || fs[0]["type"] != "hello" || fs[0]["version"] == "svc-test" {
		t.Fatalf("with %s=1: %v", EnvNoService, fs)
	}

	// No service on the socket: the host serves the session itself, at once.
	start := time.Now()
	out, _ = runHost(t, filepath.Join(t.TempDir(), "none.sock"), nil, ping)
	if fs := readFrames(t, out); len(fs) != 2 || fs[0]["version"] == "svc-test" {
		t.Fatalf("with no service: %v", fs)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("a missing service cost %v", d)
	}
}
