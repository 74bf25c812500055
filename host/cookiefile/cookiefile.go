// Package cookiefile reads the user's x.com session (auth_token and ct0)
// from a Netscape cookies.txt file, as exported by browser add-ons and read
// by yt-dlp and curl, or from the environment. Cookie values are secrets:
// no error or log line of this package ever holds one.
package cookiefile

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/protocol"
)

// Environment variables FromEnv reads.
const (
	EnvAuthToken = "SPACEKEEP_AUTH_TOKEN"
	EnvCT0       = "SPACEKEEP_CT0"
)

// Cookie names of an x.com session.
const (
	nameAuth = "auth_token"
	nameCT0  = "ct0"
)

// domains in order of preference: x.com first, twitter.com for old exports.
// A session's two cookies are never mixed across domains: ct0 must match
// the auth_token it was issued with.
var domains = []string{"x.com", "twitter.com"}

// cookie is one entry; only the fields we need.
type cookie struct {
	value   string
	expired bool
}

// Parse reads a Netscape cookies.txt and returns the x.com session in it.
// A missing or expired cookie is an auth_required error naming the cookie
// and the domain.
func Parse(r io.Reader) (protocol.Cookies, error) {
	return parse(r, time.Now())
}

func parse(r io.Reader, now time.Time) (protocol.Cookies, error) {
	// found[domain][name]
	found := map[string]map[string]cookie{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	lines, entries := 0, 0
	for sc.Scan() {
		lines++
		line := sc.Text()
		if lines == 1 {
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		line = strings.TrimRight(line, "\r\n")
		// curl and yt-dlp write HttpOnly cookies as comments with this prefix.
		line, _ = strings.CutPrefix(line, "#HttpOnly_")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) == 6 { // an empty value loses its trailing tab in some exports
			f = append(f, "")
		}
		if len(f) != 7 {
			continue // not a cookie line; never echo it: it may hold a value
		}
		entries++
		domain := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(f[0])), ".")
		name := strings.TrimSpace(f[5])
		if name != nameAuth && name != nameCT0 {
			continue
		}
		if found[domain] == nil {
			found[domain] = map[string]cookie{}
		}
		c := cookie{value: strings.TrimSpace(f[6]), expired: expired(f[4], now)}
		// Keep a live cookie over an expired one of the same name.
		if old, ok := found[domain][name]; !ok || old.expired || !c.expired {
			found[domain][name] = c
		}
	}
	if err := sc.Err(); err != nil {
		return protocol.Cookies{}, protocol.Errorf(protocol.CodeAuth, "read cookies file (line %d): %w", lines+1, err)
	}
	if entries == 0 {
		return protocol.Cookies{}, protocol.Errorf(protocol.CodeAuth,
			"the cookies file holds no cookies: export cookies.txt (Netscape format) from a browser logged in to x.com")
	}
	for _, d := range domains {
		a, c := found[d][nameAuth], found[d][nameCT0]
		if usable(a) && usable(c) {
			return protocol.Cookies{AuthToken: a.value, CT0: c.value}, nil
		}
	}
	return protocol.Cookies{}, missing(found)
}

func usable(c cookie) bool { return c.value != "" && !c.expired }

// expired reads the expiry field: seconds since the epoch, 0 for a session
// cookie. An unreadable expiry is treated as a session cookie.
func expired(field string, now time.Time) bool {
	secs, err := strconv.ParseFloat(strings.TrimSpace(field), 64)
	if err != nil || secs <= 0 {
		return false
	}
	return secs < float64(now.Unix())
}

// missing explains, for the preferred domain that has anything, which
// cookie is absent or expired. It names cookies, never their values.
func missing(found map[string]map[string]cookie) error {
	domain := domains[0]
	for _, d := range domains {
		if len(found[d]) > 0 {
			domain = d
			break
		}
	}
	var problems []string
	for _, name := range []string{nameAuth, nameCT0} {
		c, ok := found[domain][name]
		switch {
		case !ok || c.value == "":
			problems = append(problems, fmt.Sprintf("no %s cookie", name))
		case c.expired:
			problems = append(problems, fmt.Sprintf("the %s cookie has expired", name))
		}
	}
	return protocol.Errorf(protocol.CodeAuth,
		"the cookies file has %s for %s: log in to x.com in your browser and export cookies.txt again",
		strings.Join(problems, " and "), domain)
}

// FromEnv returns the session from SPACEKEEP_AUTH_TOKEN and SPACEKEEP_CT0;
// ok is false unless both are set.
func FromEnv(getenv func(string) string) (c protocol.Cookies, ok bool) {
	c.AuthToken = strings.TrimSpace(getenv(EnvAuthToken))
	c.CT0 = strings.TrimSpace(getenv(EnvCT0))
	if c.AuthToken == "" || c.CT0 == "" {
		return protocol.Cookies{}, false
	}
	return c, true
}
