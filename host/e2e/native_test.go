package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

// host is the binary started as Chrome starts it, talking frames.
type host struct {
	t      *testing.T
	cmd    *exec.Cmd
	in     io.WriteCloser
	frames chan map[string]any
	raw    *bytes.Buffer // every byte of stdout, to check it holds only frames
	stderr *bytes.Buffer
}

func (f *fixture) startHost() *host {
	f.t.Helper()
	c := f.cmd(protocol.ChromeOrigin)
	c.Env = append(c.Env, "SPACEKEEP_AUTH_TOKEN=", "SPACEKEEP_CT0=") // the extension sends them
	in, err := c.StdinPipe()
	if err != nil {
		f.t.Fatal(err)
	}
	out, err := c.StdoutPipe()
	if err != nil {
		f.t.Fatal(err)
	}
	h := &host{t: f.t, cmd: c, in: in, frames: make(chan map[string]any, 1024), raw: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	c.Stderr = h.stderr
	if err := c.Start(); err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { c.Process.Kill(); c.Wait() })
	go func() {
		defer close(h.frames)
		r := io.TeeReader(out, h.raw)
		for {
			b, err := protocol.ReadFrame(r)
			if err != nil {
				return
			}
			var m map[string]any
			if json.Unmarshal(b, &m) != nil {
				return
			}
			h.frames <- m
		}
	}()
	return h
}

func (h *host) send(v any) {
	h.t.Helper()
	if err := protocol.WriteFrame(h.in, v); err != nil {
		h.t.Fatalf("send: %v", err)
	}
}

// until reads frames until one matches, failing after a while.
func (h *host) until(what string, match func(map[string]any) bool) map[string]any {
	h.t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case m, ok := <-h.frames:
			if !ok {
				h.t.Fatalf("host closed stdout while waiting for %s; stderr:\n%s", what, h.stderr)
			}
			if match(m) {
				return m
			}
		case <-timeout:
			h.t.Fatalf("no %s from the host; stderr:\n%s", what, h.stderr)
		}
	}
}

func isType(t string) func(map[string]any) bool {
	return func(m map[string]any) bool { return m["type"] == t }
}

func (f *fixture) startRequest(space string) map[string]any {
	return map[string]any{"id": 1, "type": "download.start", "payload": map[string]any{
		"space":   space,
		"cookies": map[string]string{"auth_token": f.auth, "ct0": f.ct0},
		"options": map[string]any{"output_dir": f.out, "format": "m4a"},
	}}
}

func TestNativeHostDownloadsWithProgress(t *testing.T) {
	// Slow enough that progress shows between the host's coalesced updates.
	f := newFixture(t, fakex.Options{ConnBandwidth: 50 << 10})
	h := f.startHost()
	h.until("hello", isType("hello"))
	h.send(f.startRequest("https://x.com/i/spaces/" + fakex.DemoID))
	reply := h.until("reply", func(m map[string]any) bool { return m["id"] != nil })
	if reply["ok"] != true {
		t.Fatalf("download.start: %v", reply)
	}
	h.until("progress", func(m map[string]any) bool { return m["type"] == "job.progress" && m["stage"] == "fetching" })
	done := h.until("job.done", func(m map[string]any) bool { return m["type"] == "job.done" || m["type"] == "job.failed" })
	if done["type"] != "job.done" {
		t.Fatalf("job ended with %v", done)
	}
	path, _ := done["path"].(string)
	if filepath.Dir(path) != f.out {
		t.Fatalf("file %q not in %s", path, f.out)
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", path, 20); err != nil {
		t.Fatal(err)
	}
	h.send(map[string]any{"id": "list", "type": "jobs.list"})
	list := h.until("jobs.list reply", func(m map[string]any) bool { return m["id"] == "list" })
	if !strings.Contains(mustJSON(list), path) {
		t.Errorf("jobs.list does not show the finished job: %v", list)
	}
	h.in.Close()
	if err := h.cmd.Wait(); err != nil {
		t.Errorf("host exit after EOF: %v; stderr %s", err, h.stderr)
	}
	checkOnlyFrames(t, h.raw.Bytes())
	f.noSecrets(h.stderr.String() + h.raw.String())
	logs, _ := os.ReadFile(filepath.Join(f.home, "cache", "spacekeep", "logs", "spacekeep.log"))
	f.noSecrets(string(logs))
}

func TestNativeHostCancelAndEOFKeepTheCache(t *testing.T) {
	f := newFixture(t, fakex.Options{Latency: 10 * time.Millisecond, ConnBandwidth: 100 << 10},
		fakex.SpaceSpec{ID: fakex.DemoID, Title: "Long", State: fakex.StateEnded, Replayable: true, Chunks: 60, HostName: "H", HostHandle: "h"})
	h := f.startHost()
	h.until("hello", isType("hello"))
	h.send(f.startRequest(fakex.DemoID))
	reply := h.until("reply", func(m map[string]any) bool { return m["id"] != nil })
	jobID := reply["result"].(map[string]any)["job"]
	h.until("some progress", func(m map[string]any) bool {
		n, _ := m["chunks_done"].(float64)
		return m["type"] == "job.progress" && n >= 3
	})
	h.send(map[string]any{"id": 2, "type": "job.cancel", "payload": map[string]any{"job": jobID}})
	asked := time.Now()
	failed := h.until("job.failed", isType("job.failed"))
	if failed["code"] != "cancelled" {
		t.Fatalf("cancel gave %v; host stderr:\n%s", failed, h.stderr)
	}
	if d := time.Since(asked); d > time.Second {
		t.Errorf("cancel took %s", d)
	}
	// Start again, then leave (EOF) in the middle: the chunks stay for later.
	h.send(f.startRequest(fakex.DemoID))
	h.until("fetching again", func(m map[string]any) bool { return m["type"] == "job.progress" && m["stage"] == "fetching" })
	h.in.Close()
	if err := h.cmd.Wait(); err != nil {
		t.Fatalf("host exit after EOF: %v; stderr:\n%s", err, h.stderr)
	}
	chunks, _ := filepath.Glob(filepath.Join(f.home, "cache", "spacekeep", "downloads", fakex.DemoID, "chunks", "chunk_*.aac"))
	if len(chunks) == 0 {
		t.Fatalf("no chunks kept in the cache after EOF; host stderr:\n%s", h.stderr)
	}
	checkOnlyFrames(t, h.raw.Bytes())
	// The CLI resumes what the browser began: no chunk on disk is fetched
	// again (chunks in flight at the cancel and the EOF were never kept, so
	// fetching those again is right, however many the fetcher had asked for).
	hitsBefore := f.x.ChunkHits(fakex.DemoID)
	stdout, stderr, code := f.run("download", "-o", f.out, fakex.DemoID)
	if code != 0 {
		t.Fatalf("resume: exit %d %s", code, stderr)
	}
	hitsAfter := f.x.ChunkHits(fakex.DemoID)
	for _, c := range chunks {
		seq := chunkSeq(t, filepath.Base(c))
		if hitsAfter[seq] != hitsBefore[seq] {
			t.Errorf("chunk %d was on disk, yet fetched again (%d → %d requests)", seq, hitsBefore[seq], hitsAfter[seq])
		}
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", strings.TrimSpace(stdout), 60); err != nil {
		t.Fatal(err)
	}
}

func TestNativeHostRefusesHalfASession(t *testing.T) {
	f := newFixture(t, fakex.Options{})
	h := f.startHost()
	h.until("hello", isType("hello"))
	req := f.startRequest(fakex.DemoID)
	req["payload"].(map[string]any)["cookies"] = map[string]string{"ct0": f.ct0}
	h.send(req)
	reply := h.until("reply", func(m map[string]any) bool { return m["id"] != nil })
	e, _ := reply["error"].(map[string]any)
	if reply["ok"] != false || e["code"] != "auth_required" {
		t.Fatalf("reply %v, want auth_required", reply)
	}
}

// checkOnlyFrames walks stdout's bytes: length, JSON body, and nothing else.
func checkOnlyFrames(t *testing.T, b []byte) {
	t.Helper()
	r := bytes.NewReader(b)
	for r.Len() > 0 {
		body, err := protocol.ReadFrame(r)
		if err != nil {
			t.Fatalf("stdout holds something that is not a frame: %v", err)
		}
		if !json.Valid(body) {
			t.Fatalf("a frame is not JSON: %q", body)
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// chunkSeq is the sequence number in a chunk's name, chunk_<ns>_<seq>_a.aac.
func chunkSeq(t *testing.T, name string) int {
	t.Helper()
	parts := strings.Split(strings.TrimSuffix(name, ".aac"), "_")
	if len(parts) < 3 {
		t.Fatalf("odd chunk name %q", name)
	}
	n, err := strconv.Atoi(parts[2])
	if err != nil {
		t.Fatalf("odd chunk name %q: %v", name, err)
	}
	return n
}
