//go:build linux

package installer

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

// pathOf is a LookPath over a fake PATH folder of programs.
func pathOf(t *testing.T, programs ...string) func(string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	for _, p := range programs {
		if err := os.WriteFile(filepath.Join(dir, p), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return func(file string) (string, error) {
		if filepath.IsAbs(file) {
			return "", exec.ErrNotFound
		}
		p := filepath.Join(dir, file)
		if _, err := os.Stat(p); err != nil {
			return "", exec.ErrNotFound
		}
		return p, nil
	}
}

// A browser that was installed and never started has no profile folder:
// its program finds it, and install creates the folder it will read.
func TestInstallFindsBrowsersNeverStarted(t *testing.T) {
	e, _ := testEnv(t)
	e.LookPath = pathOf(t, "chromium", "firefox-esr")
	st, err := Install(e, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, en := range st.Entries {
		got = append(got, en.Browser)
	}
	if !slices.Equal(got, []string{"Chromium", "Firefox"}) {
		t.Fatalf("registered %v", got)
	}
	for _, p := range []string{".config/chromium/NativeMessagingHosts/com.spacekeep.host.json", ".mozilla/native-messaging-hosts/com.spacekeep.host.json"} {
		if _, err := os.Stat(filepath.Join(e.Home, p)); err != nil {
			t.Error(err)
		}
	}
	rep := Doctor(context.Background(), e)
	if !rep.OK {
		t.Fatalf("doctor: %v", rep.Problems)
	}
	for _, b := range rep.Browsers {
		want := b.Name == "Chromium" || b.Name == "Firefox"
		if b.Found != want || b.Registered != want {
			t.Errorf("%s: found %v registered %v", b.Name, b.Found, b.Registered)
		}
	}
}

// The real lookup on this machine: Debian's chromium and firefox-esr (CI
// installs them) are found by their programs in an empty home.
func TestFromOSFindsInstalledBrowsers(t *testing.T) {
	home := t.TempDir()
	e, err := FromOS(home, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"chromium", "firefox"} {
		b, _ := Find(name)
		if e.Program(b) == "" {
			t.Errorf("%s: program not found (is it installed? .ci/setup installs it)", name)
		}
	}
	if b, _ := Find("waterfox"); e.Program(b) != "" {
		t.Errorf("waterfox found at %s", e.Program(b))
	}
}

func TestDoctorSeesSystemWideManifests(t *testing.T) {
	e, _ := testEnv(t)
	e.SystemRoot = t.TempDir()
	e.LookPath = pathOf(t, "chromium")
	// What the .deb installs.
	bin := filepath.Join(e.SystemRoot, SystemBinary)
	mkdirs(t, filepath.Dir(bin), filepath.Join(e.SystemRoot, "/etc/chromium/native-messaging-hosts"))
	os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755)
	data, _ := NewManifest(Chromium, SystemBinary).Encode()
	os.WriteFile(filepath.Join(e.SystemRoot, "/etc/chromium/native-messaging-hosts", ManifestName), data, 0o644)
	rep := Doctor(context.Background(), e)
	if !rep.OK || rep.Executable != SystemBinary {
		t.Fatalf("doctor: %+v", rep)
	}
	i := slices.IndexFunc(rep.Browsers, func(b protocol.DoctorBrowser) bool { return b.Name == "Chromium" })
	if c := rep.Browsers[i]; !c.Registered || !c.HostOK || !strings.HasPrefix(c.Manifest, "/etc/chromium/") {
		t.Fatalf("chromium: %+v", c)
	}
}
