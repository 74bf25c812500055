package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/service"
	"github.com/spacekeep/spacekeep/host/syncbuf"
	"github.com/spacekeep/spacekeep/protocol"
)

func serviceTestEnv(t *testing.T) string {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, ".local", "share"))
	t.Setenv("SPACEKEEP_LOG_DIR", home)
	t.Setenv("SPACEKEEP_FFMPEG", "/nonexistent/ffmpeg")
	t.Setenv(service.EnvNoService, "")
	sock := filepath.Join(home, "run", "spacekeep.sock")
	t.Setenv(service.EnvSocket, sock)
	return sock
}

func runCmd(ctx context.Context, stdin io.Reader, args ...string) (int, string, string) {
	var out, errb syncbuf.Buffer
	code := Run(ctx, append([]string{"spacekeep"}, args...), stdin, &out, &errb)
	return code, out.String(), errb.String()
}

// nativeSession runs the native mode in-process with a ping and returns its
// frames and stderr.
func nativeSession(t *testing.T) ([]map[string]any, string) {
	t.Helper()
	var in bytes.Buffer
	protocol.WriteFrame(&in, map[string]any{"id": 1, "type": "ping"})
	code, out, errs := runCmd(context.Background(), &in, protocol.ChromeOrigin)
	if code != exitOK {
		t.Fatalf("native mode: exit %d: %s", code, errs)
	}
	var frames []map[string]any
	r := strings.NewReader(out)
	for {
		body, err := protocol.ReadFrame(r)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("stdout holds something other than frames: %v (%q)", err, out)
		}
		var m map[string]any
		json.Unmarshal(body, &m)
		frames = append(frames, m)
	}
	if len(frames) != 2 || frames[0]["type"] != "hello" || frames[1]["ok"] != true {
		t.Fatalf("frames %v", frames)
	}
	return frames, errs
}

func TestServiceRunStatusAndRelay(t *testing.T) {
	sock := serviceTestEnv(t)
	code, out, _ := runCmd(context.Background(), nil, "service", "status")
	if code != exitOK || !strings.Contains(out, "socket: "+sock+" (not answering)") ||
		!strings.Contains(out, "service: ") {
		t.Fatalf("status before: %d %q", code, out)
	}
	// No service: the native host runs the session itself.
	if _, errs := nativeSession(t); strings.Contains(errs, "relaying") {
		t.Fatalf("relayed with no service: %s", errs)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		code      int
		out, errs string
	}
	done := make(chan result, 1)
	go func() {
		c, o, e := runCmd(ctx, nil, "service", "run")
		done <- result{c, o, e}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if c, err := service.Dial(sock); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			cancel()
			r := <-done
			t.Fatalf("the service did not answer: exit %d, %s", r.code, r.errs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, out, _ := runCmd(context.Background(), nil, "service", "status"); !strings.Contains(out, "(answering)") {
		t.Fatalf("status while running: %q", out)
	}
	if _, errs := nativeSession(t); !strings.Contains(errs, "relaying to the background service") {
		t.Fatalf("did not relay: %s", errs)
	}
	t.Setenv(service.EnvNoService, "1")
	if _, errs := nativeSession(t); strings.Contains(errs, "relaying") {
		t.Fatalf("relayed despite %s=1: %s", service.EnvNoService, errs)
	}

	cancel()
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("service run did not stop")
	}
	if r.code != exitOK || r.out != "" {
		t.Fatalf("service run: exit %d, stdout %q, stderr %s", r.code, r.out, r.errs)
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("the socket outlived the service: %v", err)
	}
}

func TestServiceUsage(t *testing.T) {
	serviceTestEnv(t)
	if code, _, errs := runCmd(context.Background(), nil, "service"); code != exitUsage || !strings.Contains(errs, "spacekeep service [command]") {
		t.Fatalf("no action: %d %s", code, errs)
	}
	if code, _, _ := runCmd(context.Background(), nil, "service", "bogus"); code != exitUsage {
		t.Fatalf("unknown action: %d", code)
	}
}
