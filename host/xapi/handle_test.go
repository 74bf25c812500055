package xapi

import (
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

func TestParseHandle(t *testing.T) {
	for in, want := range map[string]string{"@ada": "ada", "ada": "ada", "https://x.com/Ada_1/": "Ada_1", " twitter.com/bob ": "bob",
		"x.com/ada?s=20": "ada", "https://mobile.twitter.com/ada#top": "ada", "www.x.com/@ada": "ada"} {
		if got, err := ParseHandle(in); err != nil || got != want {
			t.Errorf("ParseHandle(%q) = %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "@", "a b", "sixteen_chars_xx", "../etc", "https://evil.com/ada", "https://x.com/ada/status/1",
		"x.com/i/spaces/1OyKAWgagpqJb", "ftp://x.com/ada", "https://x.com:8443/ada", "x.com.evil.com/ada", "@@ada"} {
		if _, err := ParseHandle(bad); protocol.CodeOf(err) != protocol.CodeBadRequest {
			t.Errorf("ParseHandle(%q): %v", bad, err)
		}
	}
	if !ValidUserID("1356272936412512257") || ValidUserID("0123") || ValidUserID("12a") {
		t.Error("ValidUserID")
	}
}
