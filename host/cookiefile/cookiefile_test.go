package cookiefile

import (
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/protocol"
)

var now = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

const (
	future = "1780000000" // 2026
	past   = "1700000000" // 2023
	auth   = "secretauthtokenvalue0123456789abcdef0123"
	ct0    = "secretct0valuefedcba9876543210"
)

func line(domain, expiry, name, value string) string {
	return strings.Join([]string{domain, "TRUE", "/", "TRUE", expiry, name, value}, "\t") + "\n"
}

const header = "# Netscape HTTP Cookie File\n# https://curl.se/docs/http-cookies.html\n\n"

func TestParse(t *testing.T) {
	cases := map[string]string{
		"x.com": header + line(".x.com", future, "guest_id", "v1") +
			"#HttpOnly_" + line(".x.com", future, "auth_token", auth) + line(".x.com", future, "ct0", ct0),
		"CRLF and BOM": "\uFEFF" + strings.ReplaceAll(header+"#HttpOnly_"+line(".x.com", future, "auth_token", auth)+line("x.com", "0", "ct0", ct0), "\n", "\r\n"),
		"twitter.com fallback": header + line(".twitter.com", future, "auth_token", auth) + line(".twitter.com", future, "ct0", ct0) +
			line(".x.com", future, "auth_token", "other"), // x.com incomplete: not mixed
		"x.com preferred": header + line(".twitter.com", future, "auth_token", "old") + line(".twitter.com", future, "ct0", "old") +
			line(".x.com", future, "auth_token", auth) + line(".x.com", future, "ct0", ct0),
		"expired duplicate ignored": header + line(".x.com", future, "auth_token", auth) + line(".x.com", past, "auth_token", "stale") +
			line(".x.com", "0", "ct0", ct0),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := parse(strings.NewReader(in), now)
			if err != nil {
				t.Fatal(err)
			}
			if c.AuthToken != auth || c.CT0 != ct0 {
				t.Fatalf("wrong cookies picked (lengths %d, %d)", len(c.AuthToken), len(c.CT0))
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"empty":         {"", "no cookies"},
		"comments only": {header, "no cookies"},
		"not cookies":   {"<html>" + auth + "</html>\n", "no cookies"},
		"no ct0":        {header + line(".x.com", future, "auth_token", auth), "no ct0 cookie for x.com"},
		"no auth":       {header + line(".x.com", future, "ct0", ct0), "no auth_token cookie for x.com"},
		"expired auth": {header + line(".x.com", past, "auth_token", auth) + line(".x.com", future, "ct0", ct0),
			"the auth_token cookie has expired for x.com"},
		"twitter only ct0": {header + line(".twitter.com", future, "ct0", ct0), "no auth_token cookie for twitter.com"},
		"other site":       {header + line(".example.com", future, "auth_token", auth) + line(".example.com", future, "ct0", ct0), "no auth_token cookie and no ct0 cookie for x.com"},
		"mixed domains":    {header + line(".x.com", future, "auth_token", auth) + line(".twitter.com", future, "ct0", ct0), "no ct0 cookie for x.com"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := parse(strings.NewReader(c.in), now)
			if err == nil {
				t.Fatal("no error")
			}
			if protocol.CodeOf(err) != protocol.CodeAuth {
				t.Fatalf("code %s", protocol.CodeOf(err))
			}
			msg := err.Error() + protocol.AsError(err).Message
			if !strings.Contains(msg, c.want) {
				t.Fatalf("error %q does not say %q", msg, c.want)
			}
			if strings.Contains(msg, auth) || strings.Contains(msg, ct0) || strings.Contains(msg, "secret") {
				t.Fatalf("error leaks a cookie value: %q", msg)
			}
		})
	}
}

func TestParseUsesClock(t *testing.T) {
	in := header + line(".x.com", past, "auth_token", auth) + line(".x.com", past, "ct0", ct0)
	if _, err := Parse(strings.NewReader(in)); err == nil {
		t.Fatal("cookies that expired in 2023 accepted")
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{EnvAuthToken: " " + auth + "\n", EnvCT0: ct0}
	c, ok := FromEnv(func(k string) string { return env[k] })
	if !ok || c.AuthToken != auth || c.CT0 != ct0 {
		t.Fatalf("ok=%v", ok)
	}
	delete(env, EnvCT0)
	if c, ok := FromEnv(func(k string) string { return env[k] }); ok || c.AuthToken != "" {
		t.Fatal("half a session accepted")
	}
}
