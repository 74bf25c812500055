package service

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/spacekeep/spacekeep/host/job"
	"github.com/spacekeep/spacekeep/protocol"
)

// Another user's socket at our socket path gets nothing: not its owner,
// not its mode, not its listener. The native host then runs the session
// itself, and says why.
func TestDialCheckedRefusesAnotherUsersSocket(t *testing.T) {
	if os.Getuid() != 0 {
		t.Fatal("this test needs root (as CI runs) to run a listener as another uid")
	}
	dir, err := os.MkdirTemp("", "spacekeep-foreign")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o1777) // a world-writable folder, as /tmp
	exe, _ := os.Executable()
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "listener")
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, SocketName)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), peerListenerEnv+"="+path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "ready" {
		t.Fatalf("listener: %q", lines.Text())
	}

	// Owned by uid 65534, mode 0666.
	if c, err := DialChecked(path); err == nil || !strings.Contains(err.Error(), "uid 65534") {
		t.Errorf("a socket of uid 65534: %v", err)
		if c != nil {
			c.Close()
		}
	}
	// The file made to look ours: the listener is still uid 65534.
	if err := os.Chown(path, os.Getuid(), os.Getgid()); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o600)
	if c, err := DialChecked(path); err == nil || !strings.Contains(err.Error(), "uid 65534") {
		t.Errorf("a listener of uid 65534 behind our socket file: %v", err)
		if c != nil {
			c.Close()
		}
	}

	// The real host does not relay to it: it greets with its own hello.
	out, errs := runHost(t, path, nil, map[string]any{"id": 1, "type": "ping"})
	fs := readFrames(t, out)
	if len(fs) != 2 || fs[0]["type"] != "hello" || fs[1]["ok"] != true {
		t.Fatalf("want the host's own session, got %v\n%s", fs, errs)
	}
	if !strings.Contains(errs, "not relaying") {
		t.Errorf("stderr does not say why it did not relay: %s", errs)
	}
	cmd.Process.Kill()
	for lines.Scan() {
		if l := lines.Text(); l != "got 0 bytes" {
			t.Errorf("the foreign listener received something: %s", l)
		}
	}
}

// Our own service's socket with a mode that lets others in is refused too.
func TestDialCheckedChecksOwnerAndMode(t *testing.T) {
	path, _ := startService(t, job.NewManager(job.Config{CacheDir: t.TempDir()}))
	c, err := DialChecked(path)
	if err != nil {
		t.Fatalf("our own service: %v", err)
	}
	if body, err := protocol.ReadFrame(c); err != nil || !strings.Contains(string(body), `"hello"`) {
		t.Errorf("our service's hello: %q %v", body, err)
	}
	c.Close()
	os.Chmod(path, 0o666)
	if c, err := DialChecked(path); err == nil || !strings.Contains(err.Error(), "mode") {
		t.Errorf("mode 0666: %v", err)
		if c != nil {
			c.Close()
		}
	}
	os.Chmod(path, 0o600)
	os.Chown(path, 65534, 65534)
	if c, err := DialChecked(path); err == nil || !strings.Contains(err.Error(), "uid 65534") {
		t.Errorf("owned by 65534: %v", err)
		if c != nil {
			c.Close()
		}
	}
}
