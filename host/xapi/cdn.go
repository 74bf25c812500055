package xapi

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/protocol"
)

// Album is the album tag of every file: where the recording comes from.
const Album = "X Spaces"

// CDN is what X's CDN wants of a client fetching a Space's audio, in the
// fetcher's terms.
type CDN struct {
	// Header is what X's web player sends to the CDN: no cookies, ever.
	Header http.Header
	// NotFoundPatience is how long a playlist may answer 404: X's CDN does
	// for a while right after a Space ends, until the replay is written.
	NotFoundPatience time.Duration
	// ChunkBase gives the URL a media playlist's chunk names resolve against.
	ChunkBase func(playlist *url.URL) *url.URL
	// Allow says whether a playlist or chunk may be fetched from u: it is
	// asked about every URL before it is fetched, after every unwrap and
	// every redirect, because a location comes from X's answer or the
	// page's, and a playlist names any URL it likes.
	Allow func(u *url.URL) error
}

// CDNRules returns what X's CDN wants; the header is a fresh copy.
func CDNRules() CDN {
	return CDN{Header: CDNHeader(), NotFoundPatience: 3 * time.Minute, ChunkBase: ChunkBase,
		Allow: func(u *url.URL) error { return allowCDN(u, nil) }}
}

// CDN is CDNRules for this client: where its API base is not X's (tests
// and demos), the CDN may also be that base's host, on any port.
func (c *Client) CDN() CDN {
	r := CDNRules()
	base := c.base
	r.Allow = func(u *url.URL) error { return allowCDN(u, base) }
	return r
}

// cdnDomains are the domains X's stream answers name playlists and chunks on.
var cdnDomains = []string{"pscp.tv", "periscope.tv", "twimg.com", "x.com", "twitter.com"}

// allowCDN accepts https on the default port on one of X's CDN domains, or,
// when base is not one of X's hosts, the base's own scheme and host.
func allowCDN(u *url.URL, base *url.URL) error {
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if base != nil && !IsXHost(base.Hostname()) && u.Scheme == base.Scheme && host == strings.ToLower(base.Hostname()) {
		return nil
	}
	if u.Scheme != "https" {
		return offCDN(u, "not https")
	}
	if p := u.Port(); p != "" && p != "443" {
		return offCDN(u, "not the default port")
	}
	for _, d := range cdnDomains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return nil
		}
	}
	return offCDN(u, "not a host X's CDN uses")
}

func offCDN(u *url.URL, why string) error {
	return protocol.Errorf(protocol.CodeAPIChanged, "refused to fetch the recording from %s://%s: %s. X (or the page) named a location spacekeep does not trust", u.Scheme, u.Host, why)
}

// CDNHeader is what X's web player sends to the CDN (and to the avatar
// host): x.com as referer and origin, a browser's User-Agent; no cookies.
func CDNHeader() http.Header {
	return http.Header{
		"Referer":    {"https://x.com/"},
		"Origin":     {"https://x.com"},
		"User-Agent": {UserAgent},
	}
}
