package installer

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

func TestPathsPerOS(t *testing.T) {
	chrome, _ := Find("chrome")
	firefox, _ := Find("Firefox")
	cases := []struct {
		env                          Env
		chromeManifest, ffManifest   string
		chromeFound, binary, chromeK string
	}{
		{Env{GOOS: "linux", Home: "/home/ann"},
			"/home/ann/.config/google-chrome/NativeMessagingHosts/com.spacekeep.host.json",
			"/home/ann/.mozilla/native-messaging-hosts/com.spacekeep.host.json",
			"/home/ann/.config/google-chrome", "/home/ann/.local/share/spacekeep/bin/spacekeep", ""},
		{Env{GOOS: "linux", Home: "/home/ann", XDGConfigHome: "/cfg", XDGDataHome: "/data"},
			"/cfg/google-chrome/NativeMessagingHosts/com.spacekeep.host.json",
			"/home/ann/.mozilla/native-messaging-hosts/com.spacekeep.host.json",
			"/cfg/google-chrome", "/data/spacekeep/bin/spacekeep", ""},
		{Env{GOOS: "darwin", Home: "/Users/ann"},
			"/Users/ann/Library/Application Support/Google/Chrome/NativeMessagingHosts/com.spacekeep.host.json",
			"/Users/ann/Library/Application Support/Mozilla/NativeMessagingHosts/com.spacekeep.host.json",
			"/Users/ann/Library/Application Support/Google/Chrome",
			"/Users/ann/Library/Application Support/spacekeep/bin/spacekeep", ""},
		{Env{GOOS: "windows", Home: `C:\Users\ann`, LocalAppData: `C:\Users\ann\AppData\Local`},
			`C:\Users\ann\AppData\Local\spacekeep\com.spacekeep.host-chromium.json`,
			`C:\Users\ann\AppData\Local\spacekeep\com.spacekeep.host-firefox.json`,
			`C:\Users\ann\AppData\Local\Google\Chrome\User Data`,
			`C:\Users\ann\AppData\Local\spacekeep\spacekeep.exe`,
			`Software\Google\Chrome\NativeMessagingHosts\com.spacekeep.host`},
	}
	for _, c := range cases {
		e := c.env
		got := []string{e.ManifestPath(chrome), e.ManifestPath(firefox), e.FoundDir(chrome), e.BinaryPath(), e.RegistryKey(chrome)}
		want := []string{c.chromeManifest, c.ffManifest, c.chromeFound, c.binary, c.chromeK}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %q\nwant %q", e.GOOS, got, want)
		}
	}
	w := Env{GOOS: "windows", Home: `C:\Users\ann`}
	if got := w.RegistryKey(firefox); got != `Software\Mozilla\NativeMessagingHosts\com.spacekeep.host` {
		t.Errorf("firefox key %q", got)
	}
	if got := w.FoundDir(firefox); got != `C:\Users\ann\AppData\Roaming\Mozilla\Firefox` {
		t.Errorf("firefox found dir %q", got)
	}
	if got := w.ProfileManifestPath(`D:\prof`); got != `D:\prof\NativeMessagingHosts\com.spacekeep.host.json` {
		t.Errorf("profile %q", got)
	}
}

func TestTableComplete(t *testing.T) {
	ids := map[string]bool{}
	for _, b := range Browsers {
		if ids[b.ID] {
			t.Errorf("duplicate id %s", b.ID)
		}
		ids[b.ID] = true
		for _, goos := range []string{"linux", "darwin", "windows"} {
			p, ok := b.Places[goos]
			if !ok || p.FoundDir == "" {
				t.Errorf("%s has no %s place", b.Name, goos)
			}
			if (goos == "windows") != (p.RegistryKey != "") || (goos == "windows") != (p.ManifestDir == "") {
				t.Errorf("%s on %s: registry key only and always on windows: %+v", b.Name, goos, p)
			}
		}
	}
	for _, want := range []string{"chrome", "chrome-beta", "chrome-dev", "chromium", "brave", "edge", "vivaldi", "opera", "firefox", "librewolf", "waterfox"} {
		if !ids[want] {
			t.Errorf("missing %s", want)
		}
	}
}

func TestManifestJSON(t *testing.T) {
	data, err := NewManifest(Firefox, "/bin/sk").Encode()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(data, &m)
	want := fmt.Sprint(map[string]any{"name": protocol.HostName, "description": "spacekeep: downloads X Spaces", "path": "/bin/sk", "type": "stdio", "allowed_extensions": []any{protocol.GeckoID}})
	if fmt.Sprint(m) != want {
		t.Fatalf("got %v", m)
	}
}

// fakeRegistry is an in-memory HKCU.
type fakeRegistry map[string]string

func (r fakeRegistry) SetDefault(k, v string) error { r[k] = v; return nil }
func (r fakeRegistry) Default(k string) (string, error) {
	v, ok := r[k]
	if !ok {
		return "", fmt.Errorf("%s: %w", k, ErrNoKey)
	}
	return v, nil
}
func (r fakeRegistry) Delete(k string) error { delete(r, k); return nil }

// TestWindowsSharedKeysAndManifests checks the bookkeeping of Windows,
// where Chrome's channels share a key and a family shares a manifest, in
// dry-run (no files with backslashes in their names on this OS).
func TestWindowsSharedKeysAndManifests(t *testing.T) {
	reg := fakeRegistry{}
	e := Env{GOOS: "windows", Home: `C:\Users\ann`, Registry: reg}
	ts, err := e.targets(Options{Browsers: []string{"chrome", "chrome-beta", "edge", "firefox"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, tg := range ts {
		keys[tg.regKey] = true
	}
	if len(ts) != 4 || len(keys) != 3 {
		t.Fatalf("targets %+v", ts)
	}
	if _, err := reg.Default("nope"); !errors.Is(err, ErrNoKey) {
		t.Fatal(err)
	}
}
