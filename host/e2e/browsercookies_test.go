package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/browsercookies"
	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/testaudio"
)

// These tests log in to the fake x.com in a real browser profile (its page
// sets auth_token and ct0 as X's does), close the browser, and download
// with --cookies-from-browser: the session comes from the profile's own
// cookie store, since X is told to refuse guests and no other session is
// given.

// downloadFromBrowser runs the download with the browser's session only.
func downloadFromBrowser(t *testing.T, f *fixture, spec string) {
	t.Helper()
	c := f.cmd("download", "-o", f.out, "--cookies-from-browser", spec, fakex.DemoID)
	c.Env = append(c.Env, "SPACEKEEP_AUTH_TOKEN=", "SPACEKEEP_CT0=")
	out, err := c.Output()
	stderr := ""
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = string(ee.Stderr)
	}
	if err != nil {
		t.Fatalf("download --cookies-from-browser %s: %v\n%s", spec, err, stderr)
	}
	path := strings.TrimSpace(string(out))
	if err := testaudio.Verify(context.Background(), "ffmpeg", path, 20); err != nil {
		t.Fatal(err)
	}
	authed := false
	for _, r := range f.x.Requests() {
		if r.Listener == "api" && r.HasCookie {
			authed = true
		}
	}
	if !authed {
		t.Error("no API request carried the browser's session")
	}
}

func TestCookiesFromChromiumProfile(t *testing.T) {
	f := newFixture(t, fakex.Options{RefuseGuests: true})
	profile := t.TempDir()
	port := f.x.APIBase()[strings.LastIndex(f.x.APIBase(), ":")+1:]
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/usr/lib/chromium/chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--password-store=basic",
		"--user-data-dir="+profile, "--ignore-certificate-errors",
		"--host-resolver-rules=MAP x.com 127.0.0.1:"+port+", MAP *.x.com 127.0.0.1:"+port,
		"--dump-dom", "https://x.com/i/spaces/"+fakex.DemoID)
	// --dump-dom loads the page, prints it and closes the browser cleanly,
	// which writes the cookies to the profile.
	cmd.Env = append(os.Environ(), "HOME="+f.home)
	page, err := cmd.Output()
	if err != nil || !strings.Contains(string(page), "Keeping Spaces: a demo") {
		t.Fatalf("chromium did not load the Space page: %v\n%.300s", err, page)
	}
	if _, err := os.Stat(filepath.Join(profile, "Default", "Cookies")); err != nil {
		t.Fatalf("chromium wrote no cookie store: %v", err)
	}
	downloadFromBrowser(t, f, "chromium:"+profile)
}

func TestCookiesFromFirefoxProfile(t *testing.T) {
	// Firefox resolves every host to 127.0.0.1 and keeps the port, so the
	// fake listens on x.com's own port: 80, plain http (no certificate to
	// trust; the cookies are then not Secure, the rest is as X sets them).
	x, err := fakex.New(fakex.Options{RefuseGuests: true, APIAddr: "127.0.0.1:80"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range fakex.DefaultSpaces() {
		x.AddSpace(s)
	}
	if err := x.Start(); err != nil {
		t.Fatalf("the fake x.com on port 80: %v", err)
	}
	t.Cleanup(x.Close)
	f := &fixture{t: t, x: x, out: t.TempDir(), home: t.TempDir()}
	f.auth, f.ct0 = x.Session()

	root := filepath.Join(f.home, ".mozilla", "firefox")
	profile := filepath.Join(root, "e2etest.spacekeep")
	os.MkdirAll(profile, 0o700)
	os.WriteFile(filepath.Join(profile, "user.js"), []byte(`user_pref("network.dns.forceResolve", "127.0.0.1");
user_pref("network.http.http3.enable", false);
user_pref("dom.security.https_first", false);
user_pref("dom.security.https_only_mode", false);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
`), 0o600)
	cmd := exec.Command("firefox-esr", "--headless", "--no-remote", "--profile", profile, "http://x.com/i/spaces/"+fakex.DemoID)
	cmd.Env = append(os.Environ(), "HOME="+f.home)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start firefox: %v", err)
	}
	defer cmd.Process.Kill()
	waitForPage(t, f)
	// Firefox writes cookies.sqlite (its -wal first) soon after the page
	// set them; wait until the store holds the session, then close it.
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := browsercookies.Load("firefox:"+profile, browsercookies.Env{Getenv: func(string) string { return "" }})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("firefox's cookie store never held the session: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	waitExit(t, cmd)
	downloadFromBrowser(t, f, "firefox:spacekeep") // by the profile's name, under $HOME
}

// waitForPage waits until the browser has loaded the fake's Space page.
func waitForPage(t *testing.T, f *fixture) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range f.x.Requests() {
			if strings.HasPrefix(r.Path, "/i/spaces/") {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the browser never loaded the Space page")
}

func waitExit(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Log("the browser did not stop on SIGTERM; killed")
	}
}
