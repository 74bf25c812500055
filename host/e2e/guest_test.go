package e2e

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

// guestRun runs `spacekeep download` with no session at all.
func guestRun(f *fixture, space string) (stdout, stderr string, code int) {
	c := f.cmd("download", "-o", f.out, space)
	c.Env = append(c.Env, "SPACEKEEP_AUTH_TOKEN=", "SPACEKEEP_CT0=")
	var o, e bytes.Buffer
	c.Stdout, c.Stderr = &o, &e
	c.Run()
	f.noSecrets(o.String() + e.String())
	return o.String(), e.String(), c.ProcessState.ExitCode()
}

func TestDownloadWithoutCookiesAsAGuest(t *testing.T) {
	f := newFixture(t, fakex.Options{})
	stdout, stderr, code := guestRun(f, fakex.DemoID)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "as a guest") {
		t.Errorf("stderr does not say it asks as a guest: %q", stderr)
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", strings.TrimSpace(stdout), 20); err != nil {
		t.Fatal(err)
	}
	if f.x.GuestActivations() == 0 {
		t.Error("no guest token was asked for")
	}
	for _, r := range f.x.Requests() {
		if r.HasCookie {
			t.Errorf("a cookie went to %s", r.Path)
		}
	}
}

func TestDownloadWithoutCookiesGuestsRefused(t *testing.T) {
	f := newFixture(t, fakex.Options{RefuseGuests: true})
	stdout, stderr, code := guestRun(f, fakex.DemoID)
	if want := protocol.ExitCodes[protocol.CodeAuth]; code != want {
		t.Fatalf("exit %d, want %d: %s", code, want, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	last := lines[len(lines)-1]
	if !strings.Contains(last, "guest") || !strings.Contains(last, "--cookies") {
		t.Errorf("the reason does not say guests are refused and what helps: %q", last)
	}
	if stdout != "" {
		t.Errorf("stdout on failure: %q", stdout)
	}
}
