package xapi

import (
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

func TestParseSpaceURL(t *testing.T) {
	const id = "1OyKAWgagpqJb"
	good := []string{
		id,
		"  " + id + "\n",
		"https://x.com/i/spaces/" + id,
		"https://x.com/i/spaces/" + id + "/",
		"http://x.com/i/spaces/" + id,
		"x.com/i/spaces/" + id,
		"www.x.com/i/spaces/" + id,
		"https://www.x.com/i/spaces/" + id + "/peek",
		"https://twitter.com/i/spaces/" + id,
		"https://mobile.twitter.com/i/spaces/" + id + "?s=20",
		"https://www.twitter.com/i/spaces/" + id + "/peek?s=20&t=abc#frag",
		"twitter.com/i/spaces/" + id + "#x",
		"HTTPS://X.COM/i/spaces/" + id,
	}
	for _, s := range good {
		got, err := ParseSpaceURL(s)
		if err != nil || got != id {
			t.Errorf("ParseSpaceURL(%q) = %q, %v; want %q", s, got, err, id)
		}
	}
	bad := []string{
		"",
		"1OyKAWgagpqJ",   // 12 chars
		"1OyKAWgagpqJbb", // 14 chars
		"1OyKAWgagpq-b",  // bad char
		"https://evil.com/i/spaces/" + id,
		"https://x.com.evil.com/i/spaces/" + id,
		"https://x.com/i/spaces/",
		"https://x.com/i/spaces/" + id + "/other",
		"https://x.com/i/spaces/" + id + "/peek/more",
		"https://x.com/spaces/" + id,
		"https://x.com/user/status/1234567890123",
		"ftp://x.com/i/spaces/" + id,
		"https://user@x.com/i/spaces/" + id,
		"https://x.com:8443/i/spaces/" + id,
		"https://x.com/i/spaces/" + id + "%2F",
		"javascript:alert(1)",
	}
	for _, s := range bad {
		got, err := ParseSpaceURL(s)
		if err == nil {
			t.Errorf("ParseSpaceURL(%q) = %q, want error", s, got)
			continue
		}
		if c := protocol.CodeOf(err); c != protocol.CodeBadRequest {
			t.Errorf("ParseSpaceURL(%q) code = %s, want %s", s, c, protocol.CodeBadRequest)
		}
	}
}

func TestSpaceURL(t *testing.T) {
	if got := SpaceURL("1OyKAWgagpqJb"); got != "https://x.com/i/spaces/1OyKAWgagpqJb" {
		t.Fatalf("URL = %q", got)
	}
	if id, err := ParseSpaceURL(SpaceURL("1OyKAWgagpqJb")); err != nil || id != "1OyKAWgagpqJb" {
		t.Fatalf("round trip: %q %v", id, err)
	}
}
