package xapi

import (
	"net/url"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

func TestCookiesGoOnlyToAPIHosts(t *testing.T) {
	c, err := New(protocol.Cookies{AuthToken: "tokentokentoken", CT0: "ct0ct0ct0ct0"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for raw, want := range map[string]bool{
		"https://x.com/i/api/graphql/q/AudioSpaceById":                true,
		"https://api.x.com/graphql":                                   true,
		"https://twitter.com/i/api/1.1/live_video_stream/status/28_1": true,
		"http://x.com/i/api":                                          false, // never in clear text
		"https://prod-fastly-us-east-1.video.pscp.tv/chunk.aac":       false,
		"https://x.com.evil.example/":                                 false,
		"https://notx.com/":                                           false,
		"https://pbs.twimg.com/profile_images/1/a_400x400.jpg":        false,
	} {
		u, _ := url.Parse(raw)
		if got := c.cookieHost(u); got != want {
			t.Errorf("cookieHost(%s) = %v, want %v", raw, got, want)
		}
	}
	// A test or demo base over plain HTTP gets them, and only that host.
	local, _ := New(protocol.Cookies{AuthToken: "tokentokentoken", CT0: "ct0ct0ct0ct0"}, Options{Base: "http://127.0.0.1:8080"})
	for raw, want := range map[string]bool{"http://127.0.0.1:8080/i/api": true, "http://127.0.0.1:9090/chunk": false} {
		u, _ := url.Parse(raw)
		if got := local.cookieHost(u); got != want {
			t.Errorf("local cookieHost(%s) = %v, want %v", raw, got, want)
		}
	}
}

func TestNewRefusesMissingCookiesWithoutEchoingThem(t *testing.T) {
	for _, c := range []protocol.Cookies{{CT0: "x"}, {AuthToken: "secretvalue1"}, {AuthToken: "bad;value", CT0: "secretct0"}} {
		_, err := New(c, Options{})
		if protocol.CodeOf(err) != protocol.CodeAuth {
			t.Errorf("New(%v) = %v, want auth_required", c, err)
		}
		if err != nil && (strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "bad;value")) {
			t.Errorf("the error shows a cookie value: %v", err)
		}
	}
}

func TestFeaturesNamedBy336(t *testing.T) {
	body := []byte(`{"errors":[{"code":336,"message":"The following features cannot be null: spaces_new_flag_enabled, another_one_enabled"}]}`)
	got := featuresNamed(body)
	if len(got) != 2 || got[0] != "spaces_new_flag_enabled" || got[1] != "another_one_enabled" {
		t.Fatalf("featuresNamed = %v", got)
	}
	if got := featuresNamed([]byte(`{"errors":[{"code":336,"message":"The following features cannot be null: a b; drop table"}]}`)); len(got) != 0 {
		t.Errorf("accepted strange flag names: %v", got)
	}
}
