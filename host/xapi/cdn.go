package xapi

import (
	"net/http"
	"net/url"
	"time"
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
}

// CDNRules returns what X's CDN wants; the header is a fresh copy.
func CDNRules() CDN {
	return CDN{Header: CDNHeader(), NotFoundPatience: 3 * time.Minute, ChunkBase: ChunkBase}
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
