package xapi

// Space links: what a user pastes (a Space id or a Space link on x.com or
// twitter.com) turned into a Space id, and back into the canonical link.

import (
	"net/url"
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// SpaceIDLen is the length of every Space id seen so far (e.g. 1OyKAWgagpqJb).
const SpaceIDLen = 13

// spaceHosts are the hosts whose /i/spaces/<id> links we accept; www. and
// mobile. variants of both domains are included.
var spaceHosts = map[string]bool{
	"x.com": true, "www.x.com": true, "mobile.x.com": true,
	"twitter.com": true, "www.twitter.com": true, "mobile.twitter.com": true,
}

// ParseSpaceURL returns the Space id in s: a bare id, or a link such as
// https://x.com/i/spaces/<id>, twitter.com/i/spaces/<id>/peek?s=20#x.
// Anything else is a bad_request error.
func ParseSpaceURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if ValidSpaceID(s) {
		return s, nil
	}
	raw := s
	// Without a scheme url.Parse reads "x.com/i/..." as a path: add one.
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", badSpaceURL(s)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", badSpaceURL(s)
	}
	if u.User != nil || u.Port() != "" || !spaceHosts[strings.ToLower(u.Hostname())] {
		return "", badSpaceURL(s)
	}
	parts := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	if len(parts) < 3 || len(parts) > 4 || parts[0] != "i" || parts[1] != "spaces" || !ValidSpaceID(parts[2]) {
		return "", badSpaceURL(s)
	}
	if len(parts) == 4 && parts[3] != "peek" {
		return "", badSpaceURL(s)
	}
	return parts[2], nil
}

// SpaceURL returns the canonical link of a Space.
func SpaceURL(id string) string { return "https://x.com/i/spaces/" + id }

// ValidSpaceID reports whether s has the shape of a Space id.
func ValidSpaceID(s string) bool {
	if len(s) != SpaceIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func badSpaceURL(s string) error {
	const max = 200 // keep a pasted novel out of the message
	if len(s) > max {
		s = s[:max] + "…"
	}
	return protocol.Errorf(protocol.CodeBadRequest, "not a Space link or id: %q (expected https://x.com/i/spaces/<id>)", s)
}
