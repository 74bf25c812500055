package service

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Without a systemd user manager (SPACEKEEP_SERVICE_MANAGER=none says so
// wherever the test runs), `service install` writes an XDG autostart entry
// and starts the service now; status and doctor say so; uninstall removes
// the entry and stops the service. The real binary, a private home.
func TestServiceFallbackAutostart(t *testing.T) {
	home := t.TempDir()
	sock := filepath.Join(home, "run", "spacekeep.sock")
	env := append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"), "XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		"SPACEKEEP_LOG_DIR="+home, EnvSocket+"="+sock, EnvManager+"=none", "SPACEKEEP_FFMPEG=/nonexistent/ffmpeg")
	run := func(args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command(hostBin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	answering := func() bool {
		c, err := Dial(sock)
		if err == nil {
			c.Close()
		}
		return err == nil
	}
	waitFor := func(want bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); answering() != want; {
			if time.Now().After(deadline) {
				t.Fatalf("the service's socket answering: %v, want %v", !want, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	t.Cleanup(func() { // never leave a service behind
		if pid, err := ServicePID(sock); err == nil {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})

	out, code := run("service", "install")
	entry := filepath.Join(home, ".config", "autostart", "spacekeep.desktop")
	if code != 0 || !strings.Contains(out, "XDG autostart entry "+entry) || !strings.Contains(out, hostBin+" service run >/dev/null 2>&1 &") {
		t.Fatalf("install: exit %d\n%s", code, out)
	}
	data, err := os.ReadFile(entry)
	if err != nil || !strings.Contains(string(data), "\nExec="+hostBin+" service run\n") {
		t.Fatalf("entry: %v\n%s", err, data)
	}
	waitFor(true)
	if out, _ := run("service", "status"); !strings.Contains(out, "service: started at login by the XDG autostart entry "+entry) ||
		!strings.Contains(out, "(answering)") {
		t.Fatalf("status:\n%s", out)
	}
	if out, _ := run("doctor"); !strings.Contains(out, "Background service: started at login by the XDG autostart entry "+entry+" (running)") {
		t.Fatalf("doctor:\n%s", out)
	}
	out, code = run("service", "uninstall")
	if code != 0 || !strings.Contains(out, "Removed the XDG autostart entry") || !strings.Contains(out, "Stopped the background service") {
		t.Fatalf("uninstall: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Fatalf("entry left: %v", err)
	}
	waitFor(false)
	if out, _ := run("doctor"); !strings.Contains(out, "Background service: not installed") {
		t.Fatalf("doctor after uninstall:\n%s", out)
	}
}
