package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

func TestNativeCaller(t *testing.T) {
	ok := [][]string{
		{protocol.ChromeOrigin},
		{strings.TrimSuffix(protocol.ChromeOrigin, "/")},
		{protocol.ChromeOrigin, "--parent-window=1234"},
		{`C:\x\com.spacekeep.host-firefox.json`, protocol.GeckoID},
	}
	for _, a := range ok {
		if _, err := nativeCaller(a); err != nil {
			t.Errorf("%v: %v", a, err)
		}
	}
	bad := [][]string{
		{"chrome-extension://abcdefghijklmnopabcdefghijklmnop/"},
		{"chrome-extension://" + protocol.ChromeExtensionID + "x/"},
		{"/x/manifest.json", "other@addon"},
		{"/x/manifest.json"},
	}
	for _, a := range bad {
		if _, err := nativeCaller(a); err == nil {
			t.Errorf("%v accepted", a)
		}
	}
}

func TestWrongOriginWritesNothingOnStdout(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"spacekeep", "chrome-extension://evil/"}, strings.NewReader(""), &stdout, &stderr)
	if code != exitError || stdout.Len() != 0 || !strings.Contains(stderr.String(), "unknown extension") {
		t.Fatalf("code %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

func TestDoctorPlainWords(t *testing.T) {
	var buf bytes.Buffer
	printDoctor(&buf, protocol.Doctor{Version: "v", OS: "linux", Browsers: []protocol.DoctorBrowser{
		{Name: "Chromium", Found: true, Registered: true, HostOK: true, AllowedOK: true, Manifest: "/m.json"},
		{Name: "Firefox", Found: true, Problem: "not registered: run 'spacekeep install'."},
		{Name: "Opera"},
		{Name: "Vivaldi"},
	}, FFmpeg: protocol.DoctorFFmpeg{Problem: "ffmpeg was not found."}, Problems: []string{"a", "b"}}, "not installed")
	for _, want := range []string{"Chromium: ok (/m.json)", "Firefox: not registered", "Also looked for (not on this computer): Opera, Vivaldi\n", "ffmpeg: ffmpeg was not found.", "Background service: not installed\n", "2 problem(s):"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("lacks %q:\n%s", want, buf.String())
		}
	}
	if strings.Contains(buf.String(), "not found\n") {
		t.Errorf("a line per missing browser:\n%s", buf.String())
	}
}
