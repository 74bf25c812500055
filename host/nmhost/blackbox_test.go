package nmhost_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/internal/testbin"
	"github.com/spacekeep/spacekeep/protocol"
)

// The black-box tests build the real binary once and start it as a browser
// would, talking frames over its stdin and stdout.
var hostBin string

func TestMain(m *testing.M) { testbin.Main(m, &hostBin) }

type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.Reader
	stderr *bytes.Buffer
}

func startBin(t *testing.T, args ...string) *proc {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(hostBin, args...)
	cmd.Env = append(testbin.HomeEnv(home),
		// A developer's running background service (its socket is under
		// XDG_RUNTIME_DIR, which the temporary home does not change) must
		// not take these sessions over.
		"SPACEKEEP_NO_SERVICE=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cmd: cmd, stdin: stdin, stdout: stdout, stderr: &bytes.Buffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return p
}

func (p *proc) read() map[string]any {
	p.t.Helper()
	type res struct {
		body []byte
		err  error
	}
	ch := make(chan res, 1)
	go func() { b, err := protocol.ReadFrame(p.stdout); ch <- res{b, err} }()
	select {
	case r := <-ch:
		if r.err != nil {
			p.t.Fatalf("read frame: %v (stderr: %s)", r.err, p.stderr)
		}
		var m map[string]any
		if err := json.Unmarshal(r.body, &m); err != nil {
			p.t.Fatal(err)
		}
		return m
	case <-time.After(10 * time.Second):
		p.t.Fatalf("no frame within 10s (stderr: %s)", p.stderr)
	}
	return nil
}

func (p *proc) send(v any) {
	p.t.Helper()
	if err := protocol.WriteFrame(p.stdin, v); err != nil {
		p.t.Fatal(err)
	}
}

// end closes stdin, checks that the rest of stdout is whole frames and
// returns the exit code.
func (p *proc) end() int {
	p.t.Helper()
	p.stdin.Close()
	for {
		_, err := protocol.ReadFrame(p.stdout)
		if err == io.EOF {
			break
		}
		if err != nil {
			p.t.Fatalf("stdout holds something other than frames: %v", err)
		}
	}
	err := p.cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		p.t.Fatal(err)
	}
	return 0
}

func TestBlackBoxChrome(t *testing.T) {
	p := startBin(t, protocol.ChromeOrigin)
	hello := p.read()
	if hello["type"] != "hello" || hello["protocol"] != float64(protocol.Version) {
		t.Fatalf("first frame %v", hello)
	}
	p.send(map[string]any{"id": 1, "type": "no.such.thing"})
	if r := p.read(); r["id"] != float64(1) || r["ok"] != false || r["error"].(map[string]any)["code"] != "unknown_type" {
		t.Fatalf("unknown type: %v", r)
	}
	p.send(map[string]any{"id": "s", "type": "settings.get"})
	if r := p.read(); r["ok"] != true || r["result"].(map[string]any)["format"] != "m4a" {
		t.Fatalf("settings.get: %v", r)
	}
	p.send(map[string]any{"id": 2, "type": "ping"})
	if r := p.read(); r["id"] != float64(2) || r["ok"] != true {
		t.Fatalf("ping: %v", r)
	}
	if code := p.end(); code != 0 {
		t.Fatalf("exit %d at EOF (stderr: %s)", code, p.stderr)
	}
}

func TestBlackBoxChromeOnWindowsArgs(t *testing.T) {
	p := startBin(t, protocol.ChromeOrigin, "--parent-window=0")
	if h := p.read(); h["type"] != "hello" {
		t.Fatalf("got %v", h)
	}
	if code := p.end(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

func TestBlackBoxFirefox(t *testing.T) {
	p := startBin(t, "/home/ann/.mozilla/native-messaging-hosts/com.spacekeep.host.json", protocol.GeckoID)
	if h := p.read(); h["type"] != "hello" {
		t.Fatalf("got %v", h)
	}
	p.send(map[string]any{"id": 1, "type": "doctor"})
	if r := p.read(); r["ok"] != true || r["result"].(map[string]any)["os"] == "" {
		t.Fatalf("doctor: %v", r)
	}
	if code := p.end(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

func TestBlackBoxStrangersRefused(t *testing.T) {
	for _, args := range [][]string{
		{"chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"},
		{"/tmp/x.json", "evil@example.com"},
	} {
		p := startBin(t, args...)
		out, _ := io.ReadAll(p.stdout)
		err := p.cmd.Wait()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 1 {
			t.Errorf("%v: exit %v, want 1", args, err)
		}
		if len(out) != 0 {
			t.Errorf("%v: wrote %q on stdout", args, out)
		}
		if !strings.Contains(p.stderr.String(), "only the spacekeep") {
			t.Errorf("%v: stderr %q", args, p.stderr)
		}
	}
}

func TestBlackBoxOversizedFrame(t *testing.T) {
	p := startBin(t, protocol.ChromeOrigin)
	p.read() // hello
	p.stdin.Write(binary.NativeEndian.AppendUint32(nil, protocol.MaxIncoming+1))
	r := p.read()
	if r["id"] != nil || r["error"].(map[string]any)["code"] != "frame_too_large" {
		t.Fatalf("got %v", r)
	}
	if code := p.end(); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
}

func TestBlackBoxInstallThenDoctor(t *testing.T) {
	home := t.TempDir()
	run := func(args ...string) (string, int) {
		cmd := exec.Command(hostBin, args...)
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME=", "XDG_DATA_HOME=")
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	prof := filepath.Join(home, "profile")
	out, code := run("install", "--home", home, "--browser", "chromium", "--profile-dir", prof)
	if code != 0 || !strings.Contains(out, "Chromium: wrote "+filepath.Join(home, ".config/chromium/NativeMessagingHosts/com.spacekeep.host.json")) {
		t.Fatalf("install (%d):\n%s", code, out)
	}
	// The installed copy is a working host.
	installed := filepath.Join(home, ".local/share/spacekeep/bin/spacekeep")
	manifest, err := os.ReadFile(filepath.Join(prof, "NativeMessagingHosts/com.spacekeep.host.json"))
	if err != nil || !strings.Contains(string(manifest), installed) {
		t.Fatalf("profile manifest %s, %v", manifest, err)
	}
	if out, _ := exec.Command(installed, "version").Output(); !strings.HasPrefix(string(out), "spacekeep ") {
		t.Fatalf("installed binary says %q", out)
	}
	out, _ = run("doctor", "--home", home)
	if !strings.Contains(out, "Chromium: ok") {
		t.Fatalf("doctor:\n%s", out)
	}
	out, code = run("uninstall", "--home", home)
	if code != 0 {
		t.Fatalf("uninstall (%d):\n%s", code, out)
	}
	for _, p := range []string{installed, filepath.Join(prof, "NativeMessagingHosts/com.spacekeep.host.json")} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s survived uninstall", p)
		}
	}
}
