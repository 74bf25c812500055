package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/hls"
	"github.com/spacekeep/spacekeep/host/testaudio"
)

// slowSpace is a 200-chunk Space behind a 2 MB/s downlink: ~4 s to fetch.
func slowSpace(t *testing.T) *fixture {
	return newFixture(t, fakex.Options{Downlink: 2_000_000},
		fakex.SpaceSpec{ID: fakex.DemoID, Title: "Long talk", Replayable: true, Chunks: 200, HostName: "H", HostHandle: "h"})
}

type proc struct {
	c    *exec.Cmd
	o, e bytes.Buffer
	done chan struct{}
}

func (f *fixture) start(args ...string) *proc {
	f.t.Helper()
	p := &proc{c: f.cmd(args...), done: make(chan struct{})}
	p.c.Stdout, p.c.Stderr = &p.o, &p.e
	if err := p.c.Start(); err != nil {
		f.t.Fatal(err)
	}
	go func() { p.c.Wait(); close(p.done) }()
	f.t.Cleanup(func() { p.c.Process.Kill(); <-p.done })
	return p
}

func (p *proc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(2 * time.Minute):
		p.c.Process.Kill()
		<-p.done
		t.Fatalf("still running after 2 minutes; stderr:\n%s", p.e.String())
	}
	return p.c.ProcessState.ExitCode()
}

func (f *fixture) waitChunks(p *proc, n int) {
	f.t.Helper()
	onDisk := filepath.Join(f.home, "cache", "spacekeep", "downloads", fakex.DemoID, "chunks", "chunk_*.aac")
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if have, _ := filepath.Glob(onDisk); len(have) >= n {
			return
		}
		select {
		case <-p.done:
			f.t.Fatalf("exited %d before %d chunks were on disk; stderr:\n%s", p.c.ProcessState.ExitCode(), n, p.e.String())
		default:
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("fewer than %d chunks on disk after 60 s; stderr:\n%s", n, p.e.String())
		}
	}
}

// Two downloads of one Space (two browsers, or a browser and the command
// line) share one cache: the second waits for the first, and when the
// first dies it resumes from the chunks the first left, fetching each
// chunk about once in all, and ends with a complete file.
func TestSecondDownloadOfASpaceWaitsThenResumes(t *testing.T) {
	f := slowSpace(t)
	first := f.start("download", "-o", f.out, fakex.DemoID)
	f.waitChunks(first, 40)
	second := f.start("download", "-o", f.out, fakex.DemoID)
	// The second says whom it waits for.
	want := fmt.Sprintf("spacekeep download (pid %d", first.c.Process.Pid)
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(second.e.String(), want); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the second download does not say it waits for %q; stderr:\n%s", want, second.e.String())
		}
	}
	first.c.Process.Kill() // the system lets its lock go
	<-first.done
	if code := second.wait(t); code != 0 {
		t.Fatalf("the second download: exit %d; stderr:\n%s", code, second.e.String())
	}
	path := lastLine(second.o.String())
	if err := testaudio.Verify(context.Background(), "ffmpeg", path, 200); err != nil {
		t.Fatalf("the file is not the whole Space in order: %v", err)
	}
	total := 0
	for _, n := range f.x.ChunkHits(fakex.DemoID) {
		total += n
	}
	// Each chunk once, plus at most those in flight when the first was
	// killed: 32 connections of hls.StreamsPerConn requests each over HTTP/2.
	if total > 200+32*hls.StreamsPerConn {
		t.Errorf("%d chunk requests for 200 chunks: the second did not resume from the first's cache", total)
	}
}

// With --no-wait the second download does not wait: it exits 18 at once,
// naming the other one, and the first is not disturbed.
func TestSecondDownloadWithNoWaitNamesTheOther(t *testing.T) {
	f := slowSpace(t)
	first := f.start("download", "-o", f.out, fakex.DemoID)
	f.waitChunks(first, 10)
	stdout, stderr, code := f.run("download", "--no-wait", "-o", f.out, fakex.DemoID)
	if code != 18 {
		t.Fatalf("--no-wait while another downloads: exit %d, want 18; stderr:\n%s", code, stderr)
	}
	if want := fmt.Sprintf("spacekeep download (pid %d", first.c.Process.Pid); !strings.Contains(stderr, want) {
		t.Errorf("stderr does not name the other download %q:\n%s", want, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q: no file was made", stdout)
	}
	if code := first.wait(t); code != 0 {
		t.Fatalf("the first download: exit %d; stderr:\n%s", code, first.e.String())
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", lastLine(first.o.String()), 200); err != nil {
		t.Fatal(err)
	}
}
