package xapi

// Account links: what a user types to name an X account (a handle, with
// or without "@", or a profile link on x.com or twitter.com) turned into
// the handle, and the user ids X names accounts by.

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// handleRE is an X handle: letters, digits and _, at most 15.
var handleRE = regexp.MustCompile(`^[A-Za-z0-9_]{1,15}$`)

// userIDRE is a numeric X user id (up to 20 digits, no leading zero).
var userIDRE = regexp.MustCompile(`^[1-9][0-9]{0,19}$`)

// ValidHandle reports whether h is a possible X handle (without "@").
func ValidHandle(h string) bool { return handleRE.MatchString(h) }

// ValidUserID reports whether id looks like an X user id.
func ValidUserID(id string) bool { return userIDRE.MatchString(id) }

// ParseHandle returns the handle in s: "ada", "@ada", or a profile link
// such as https://x.com/ada, twitter.com/Ada_1/ or x.com/ada?s=20. Any
// other link (another site, a post, a Space) is a bad_request error.
func ParseHandle(s string) (string, error) {
	s = strings.TrimSpace(s)
	h := strings.TrimPrefix(s, "@")
	if strings.ContainsAny(h, "/.") {
		raw := h
		if !strings.Contains(raw, "://") {
			raw = "https://" + raw
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || !spaceHosts[strings.ToLower(u.Hostname())] || u.Port() != "" {
			return "", badHandle(s)
		}
		h = strings.TrimPrefix(strings.Trim(u.Path, "/"), "@")
	}
	if !handleRE.MatchString(h) {
		return "", badHandle(s)
	}
	return h, nil
}

func badHandle(s string) error {
	return protocol.Errorf(protocol.CodeBadRequest, "%q is not an X handle (letters, digits and _, at most 15) or a profile link", s)
}
