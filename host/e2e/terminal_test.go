//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/spacekeep/spacekeep/host/fakex"
)

// ttyProc is the binary with its stderr on a pseudo-terminal, as a person
// sees it; stdout (the paths) goes to a buffer.
type ttyProc struct {
	c    *exec.Cmd
	mu   sync.Mutex
	raw  bytes.Buffer
	out  bytes.Buffer
	done chan struct{}
}

func (f *fixture) startTTY(args ...string) *ttyProc {
	f.t.Helper()
	ptm, tty, err := pty.Open()
	if err != nil {
		f.t.Fatal(err)
	}
	p := &ttyProc{c: f.cmd(args...), done: make(chan struct{})}
	p.c.Stdout, p.c.Stderr = &p.out, tty
	if err := p.c.Start(); err != nil {
		f.t.Fatal(err)
	}
	tty.Close()
	read := make(chan struct{})
	go func() {
		defer close(read)
		buf := make([]byte, 4096)
		for {
			n, err := ptm.Read(buf)
			p.mu.Lock()
			p.raw.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { p.c.Wait(); <-read; ptm.Close(); close(p.done) }()
	f.t.Cleanup(func() { p.c.Process.Kill(); <-p.done })
	return p
}

func (p *ttyProc) text() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.raw.String()
}

// screen is what the terminal shows: each line as left by carriage
// returns and erase-line sequences.
func (p *ttyProc) screen() []string {
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(p.text(), "\r\n", "\n"), "\n") {
		if i := strings.LastIndex(l, "\r"); i >= 0 {
			l = l[i+1:]
		}
		l = strings.TrimPrefix(l, "\x1b[K")
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

func (p *ttyProc) waitFor(t *testing.T, re *regexp.Regexp) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !re.MatchString(p.text()); time.Sleep(20 * time.Millisecond) {
		select {
		case <-p.done:
			if re.MatchString(p.text()) {
				return
			}
			t.Fatalf("exited before %q showed; terminal:\n%s", re, p.text())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q never showed; terminal:\n%s", re, p.text())
		}
	}
}

func (p *ttyProc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(2 * time.Minute):
		t.Fatalf("still running after 2 minutes; terminal:\n%s", p.text())
	}
	return p.c.ProcessState.ExitCode()
}

// noLogLines: the terminal shows words, never log lines (time, level, fields).
func noLogLines(t *testing.T, screen []string) {
	t.Helper()
	logLine := regexp.MustCompile(`^\d\d:\d\d:\d\d (DBG|INF|WRN|ERR)|\b(job|mode)=`)
	for _, l := range screen {
		if logLine.MatchString(l) {
			t.Errorf("a log line on the terminal: %q", l)
		}
	}
}

// A download resumed after a kill says so in words, and ends with one
// "Saved …" line with no progress line left above it.
func TestTerminalResumeAndSavedLine(t *testing.T) {
	const n = 60
	f := newFixture(t, fakex.Options{Latency: 10 * time.Millisecond, ConnBandwidth: 100 << 10},
		fakex.SpaceSpec{ID: fakex.DemoID, Title: "Long", State: fakex.StateEnded, Replayable: true, Chunks: n, HostName: "H", HostHandle: "h"})
	first := f.start("download", "--concurrency", "4", "-o", f.out, fakex.DemoID)
	f.waitChunks(first, n/3)
	first.c.Process.Signal(syscall.SIGKILL)
	<-first.done

	p := f.startTTY("download", "-o", f.out, fakex.DemoID)
	if code := p.wait(t); code != 0 {
		t.Fatalf("exit %d; terminal:\n%s", code, p.text())
	}
	screen := p.screen()
	resumed := regexp.MustCompile(fmt.Sprintf(`^Resuming: (\d+) of %d chunks already here$`, n))
	saved := regexp.MustCompile(`^Saved 3:00 of audio · \d+\.\d MB( · [a-z0-9 ]+)* · in (\d+ s|less than a second)( \(\d+\.\d MB/s\))?$`)
	var sawResume bool
	for _, l := range screen {
		if m := resumed.FindStringSubmatch(l); m != nil {
			sawResume = true
			if m[1] == "0" {
				t.Errorf("resumed 0 chunks: %q", l)
			}
		}
	}
	if !sawResume {
		t.Errorf("no Resuming line; screen:\n%s", strings.Join(screen, "\n"))
	}
	if last := screen[len(screen)-1]; !saved.MatchString(last) {
		t.Errorf("last line %q is not the Saved line; screen:\n%s", last, strings.Join(screen, "\n"))
	}
	for _, l := range screen {
		if strings.Contains(l, "Writing the file") || strings.Contains(l, " chunks  ") {
			t.Errorf("a stale progress line stays on the screen: %q", l)
		}
	}
	noLogLines(t, screen)
}

// A download waiting behind another spacekeep says whom it waits for.
func TestTerminalWaitingForAnother(t *testing.T) {
	f := slowSpace(t)
	first := f.start("download", "-o", f.out, fakex.DemoID)
	f.waitChunks(first, 20)
	p := f.startTTY("download", "-o", f.out, fakex.DemoID)
	p.waitFor(t, regexp.MustCompile(fmt.Sprintf(`Waiting for spacekeep download \(pid %d, since \d\d:\d\d:\d\d\) to finish this Space…`, first.c.Process.Pid)))
	first.c.Process.Kill()
	<-first.done
	if code := p.wait(t); code != 0 {
		t.Fatalf("exit %d; terminal:\n%s", code, p.text())
	}
	noLogLines(t, p.screen())
}

// A live recording's line says that Ctrl-C stops and keeps; Ctrl-C then
// does so (exit 0, a file).
func TestTerminalLiveLineSaysCtrlCKeeps(t *testing.T) {
	f := newFixture(t, fakex.Options{})
	p := f.startTTY("download", "-o", f.out, fakex.LiveID)
	// Once some audio is on disk (a recording with nothing is cancelled).
	p.waitFor(t, regexp.MustCompile(`● Recording live \d+:\d\d  \d+\.\d*[1-9]\d* MB .*\(Ctrl-C stops and keeps\)`))
	p.c.Process.Signal(os.Interrupt)
	if code := p.wait(t); code != 0 {
		t.Fatalf("Ctrl-C on a live recording: exit %d; terminal:\n%s", code, p.text())
	}
	if path := strings.TrimSpace(p.out.String()); !strings.HasSuffix(path, ".m4a") {
		t.Errorf("stdout %q", path)
	}
	noLogLines(t, p.screen())
}
