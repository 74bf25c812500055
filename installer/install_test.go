//go:build linux

package installer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

// testEnv is a Linux Env in a temporary home with a fake host binary.
func testEnv(t *testing.T) (Env, *bytes.Buffer) {
	t.Helper()
	home := t.TempDir()
	exe := filepath.Join(t.TempDir(), "spacekeep-build")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\necho host v1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := &bytes.Buffer{}
	return Env{GOOS: "linux", Home: home, Exe: exe, Out: out, Version: "test"}, out
}

func mkdirs(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// files lists every file under root, relative.
func files(t *testing.T, root string) []string {
	t.Helper()
	var list []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			list = append(list, rel)
		}
		return nil
	})
	slices.Sort(list)
	return list
}

func readManifest(t *testing.T, p string) Manifest {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestInstallFoundBrowsers(t *testing.T) {
	e, out := testEnv(t)
	mkdirs(t, filepath.Join(e.Home, ".config/chromium"), filepath.Join(e.Home, ".mozilla"))
	if _, err := Install(e, Options{}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		".config/chromium/NativeMessagingHosts/com.spacekeep.host.json",
		".local/share/spacekeep/bin/spacekeep",
		".local/share/spacekeep/installed.json",
		".mozilla/native-messaging-hosts/com.spacekeep.host.json",
	}
	if got := files(t, e.Home); !slices.Equal(got, want) {
		t.Fatalf("files %v\nwant %v", got, want)
	}
	bin := filepath.Join(e.Home, ".local/share/spacekeep/bin/spacekeep")
	if fi, _ := os.Stat(bin); fi.Mode().Perm() != 0o755 {
		t.Fatalf("binary mode %v", fi.Mode())
	}
	cm := readManifest(t, filepath.Join(e.Home, ".config/chromium/NativeMessagingHosts/com.spacekeep.host.json"))
	if cm.Name != protocol.HostName || cm.Path != bin || cm.Type != "stdio" || !slices.Equal(cm.AllowedOrigins, []string{protocol.ChromeOrigin}) || cm.AllowedExtensions != nil {
		t.Fatalf("chromium manifest %+v", cm)
	}
	fm := readManifest(t, filepath.Join(e.Home, ".mozilla/native-messaging-hosts/com.spacekeep.host.json"))
	if fm.Path != bin || !slices.Equal(fm.AllowedExtensions, []string{protocol.GeckoID}) || fm.AllowedOrigins != nil {
		t.Fatalf("firefox manifest %+v", fm)
	}
	for _, line := range []string{"Chromium: wrote " + filepath.Join(e.Home, ".config/chromium/NativeMessagingHosts/com.spacekeep.host.json"), "Firefox: wrote "} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	rep := Doctor(context.Background(), e)
	for _, b := range rep.Browsers {
		if b.Found != b.Registered || (b.Registered && (!b.HostOK || !b.AllowedOK)) {
			t.Errorf("doctor after install: %+v", b)
		}
	}
}

// TestDoctorWithoutFFmpegIsWell: ffmpeg is needed only for mp3 and the
// picture of a Space with video, which the problem says.
func TestDoctorWithoutFFmpegIsWell(t *testing.T) {
	e, _ := testEnv(t)
	mkdirs(t, filepath.Join(e.Home, ".config/chromium"))
	if _, err := Install(e, Options{}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	rep := Doctor(context.Background(), e)
	if !rep.OK || rep.FFmpeg.Found || !strings.Contains(rep.FFmpeg.Problem, "mp3") ||
		!strings.Contains(rep.FFmpeg.Problem, "--video") || strings.Contains(rep.FFmpeg.Problem, "only for mp3") {
		t.Fatalf("doctor without ffmpeg: ok %v, ffmpeg %+v, problems %v", rep.OK, rep.FFmpeg, rep.Problems)
	}
	// A broken ffmpeg is a problem: mp3 would fail with it.
	broken := filepath.Join(t.TempDir(), "ffmpeg")
	os.WriteFile(broken, []byte("#!/bin/sh\nexit 1\n"), 0o755)
	e.FFmpeg = broken
	if rep := Doctor(context.Background(), e); rep.OK || rep.FFmpeg.Problem == "" {
		t.Fatalf("doctor with a broken ffmpeg: %+v", rep)
	}
}

func TestInstallTwiceAndRepairMovedBinary(t *testing.T) {
	e, _ := testEnv(t)
	mkdirs(t, filepath.Join(e.Home, ".config/google-chrome"))
	if _, err := Install(e, Options{}); err != nil {
		t.Fatal(err)
	}
	first := files(t, e.Home)
	if _, err := Install(e, Options{}); err != nil {
		t.Fatalf("twice: %v", err)
	}
	if got := files(t, e.Home); !slices.Equal(got, first) {
		t.Fatalf("second install changed the files: %v vs %v", got, first)
	}
	// Someone deletes the installed binary: doctor says so, install repairs it.
	bin := e.BinaryPath()
	os.Remove(bin)
	rep := Doctor(context.Background(), e)
	if rep.OK || !strings.Contains(strings.Join(rep.Problems, "\n"), "Google Chrome: the manifest points at "+bin) {
		t.Fatalf("doctor missed the moved binary: %+v", rep.Problems)
	}
	// The build moved too: install from the new place.
	moved := filepath.Join(t.TempDir(), "elsewhere")
	os.Rename(e.Exe, moved)
	e.Exe = moved
	if _, err := Install(e, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("binary not restored: %v", err)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	e, out := testEnv(t)
	mkdirs(t, filepath.Join(e.Home, ".config/chromium"))
	if _, err := Install(e, Options{DryRun: true, Browsers: []string{"firefox"}, ProfileDirs: []string{filepath.Join(e.Home, "prof")}}); err != nil {
		t.Fatal(err)
	}
	if got := files(t, e.Home); len(got) != 0 {
		t.Fatalf("dry run wrote %v", got)
	}
	if !strings.Contains(out.String(), "Firefox: would write "+filepath.Join(e.Home, ".mozilla/native-messaging-hosts/com.spacekeep.host.json")) {
		t.Fatalf("output:\n%s", out)
	}
}

func TestNamedBrowserInstallsWithoutItsFolder(t *testing.T) {
	e, _ := testEnv(t)
	if _, err := Install(e, Options{Browsers: []string{"brave,Microsoft Edge"}}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{".config/BraveSoftware/Brave-Browser/NativeMessagingHosts/com.spacekeep.host.json", ".config/microsoft-edge/NativeMessagingHosts/com.spacekeep.host.json"} {
		if _, err := os.Stat(filepath.Join(e.Home, p)); err != nil {
			t.Error(err)
		}
	}
	if _, err := Install(e, Options{Browsers: []string{"netscape"}}); err == nil || !strings.Contains(err.Error(), "unknown browser") {
		t.Fatalf("unknown browser: %v", err)
	}
}

func TestNoBrowserFound(t *testing.T) {
	e, _ := testEnv(t)
	if _, err := Install(e, Options{}); err == nil {
		t.Fatal("install with no browser succeeded silently")
	}
}

func TestProfileDir(t *testing.T) {
	e, out := testEnv(t)
	prof := filepath.Join(t.TempDir(), "user-data")
	if _, err := Install(e, Options{ProfileDirs: []string{prof}}); err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, filepath.Join(prof, "NativeMessagingHosts", "com.spacekeep.host.json"))
	if m.Path != e.BinaryPath() || !m.Allows(Chromium) {
		t.Fatalf("%+v", m)
	}
	if !strings.Contains(out.String(), "Profile "+prof+": wrote ") {
		t.Fatalf("output:\n%s", out)
	}
	if err := Uninstall(e, Options{ProfileDirs: []string{prof}}); err != nil {
		t.Fatal(err)
	}
	if got := files(t, prof); len(got) != 0 {
		t.Fatalf("left %v", got)
	}
}

func TestUninstallRemovesExactly(t *testing.T) {
	e, _ := testEnv(t)
	mkdirs(t, filepath.Join(e.Home, ".config/chromium"), filepath.Join(e.Home, ".mozilla"))
	// Someone else's files in the same folders must survive.
	other := filepath.Join(e.Home, ".config/chromium/NativeMessagingHosts/org.other.host.json")
	mkdirs(t, filepath.Dir(other))
	os.WriteFile(other, []byte(`{"name":"org.other.host"}`), 0o644)
	if _, err := Install(e, Options{}); err != nil {
		t.Fatal(err)
	}
	// Partial: only Firefox goes.
	if err := Uninstall(e, Options{Browsers: []string{"firefox"}}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		".config/chromium/NativeMessagingHosts/com.spacekeep.host.json",
		".config/chromium/NativeMessagingHosts/org.other.host.json",
		".local/share/spacekeep/bin/spacekeep",
		".local/share/spacekeep/installed.json",
	}
	if got := files(t, e.Home); !slices.Equal(got, want) {
		t.Fatalf("after partial: %v", got)
	}
	// Dry run removes nothing.
	if err := Uninstall(e, Options{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if got := files(t, e.Home); !slices.Equal(got, want) {
		t.Fatalf("dry run removed: %v", got)
	}
	if err := Uninstall(e, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := files(t, e.Home); !slices.Equal(got, []string{".config/chromium/NativeMessagingHosts/org.other.host.json"}) {
		t.Fatalf("after uninstall: %v", got)
	}
}

func TestUninstallWithoutState(t *testing.T) {
	e, _ := testEnv(t)
	if _, err := Install(e, Options{Browsers: []string{"vivaldi", "waterfox"}}); err != nil {
		t.Fatal(err)
	}
	os.Remove(e.StatePath())
	// A foreign file with our name is not ours to remove.
	foreign := filepath.Join(e.Home, ".config/opera/NativeMessagingHosts/com.spacekeep.host.json")
	mkdirs(t, filepath.Dir(foreign))
	os.WriteFile(foreign, []byte("not json"), 0o644)
	if err := Uninstall(e, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := files(t, e.Home); !slices.Equal(got, []string{".config/opera/NativeMessagingHosts/com.spacekeep.host.json"}) {
		t.Fatalf("left %v", got)
	}
}
