package xapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/retry"
	"github.com/spacekeep/spacekeep/protocol"
)

// Bearer is the public token of X's web client; every web session uses it.
const Bearer = "AAAAAAAAAAAAAAAAAAAAANRILgAAAAAAnNwIzUejRCOuH5E6I8xnZz4puTs%3D1Zv7ttfk8LF81IUq16cHjhLTvJu4FA33AGWWjCpTnA"

// DefaultBase is where X's API lives.
const DefaultBase = "https://x.com"

// UserAgent is what API calls present when the browser's own is not known
// (the CLI): a current desktop Chrome, as X wants web clients to look (X-FACTS §7).
const UserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"

// maxAPIBody bounds what we read of one API answer: real ones are a few KB.
const maxAPIBody = 8 << 20

// Client calls X's API for one user session. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	http    *http.Client
	cookies protocol.Cookies
	log     zerolog.Logger
	// guest is set without cookies: calls carry a guest token instead (guest.go).
	guest bool
	// agent and lang are the browser's User-Agent and language (browser.go).
	agent, lang string
	// given holds the page's own answers, each used once (given.go).
	given given
	// dataErrorsSaid is set once "data with errors" was logged at info: a
	// live recording asks every 30 s and X answers so each time.
	dataErrorsSaid atomic.Bool

	// QueryIDs are tried in order; a fresher one seen by the extension goes first.
	QueryIDs []string
	// Features is the features JSON object sent with AudioSpaceById.
	Features map[string]any
	// MaxRateWait bounds how long a 429 may make us wait in all.
	MaxRateWait time.Duration
	// now and sleep are replaced by tests.
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time
}

// Options configure a Client.
type Options struct {
	// Base is the API base URL; empty means DefaultBase.
	Base string
	// HTTP is the client used for API calls; nil means a default with timeouts.
	HTTP *http.Client
	// Hints are fresher API parameters seen by the extension.
	Hints *protocol.APIHints
	// Page are X's answers the x.com page received; used instead of asking
	// X again, once each, when they pass the checks of given.go.
	Page *protocol.PageAnswers
	// Browser is the browser the session is from: its User-Agent and
	// language go on every API call. Nil means UserAgent and en-US.
	Browser *protocol.Browser
	Log     zerolog.Logger
}

// New returns a client for the session in cookies; without any cookie, a
// client that asks X as a guest (X serves Spaces to guests, X-FACTS §7). It
// refuses half a session, because X would answer 401 and the user would not
// know why.
func New(cookies protocol.Cookies, opt Options) (*Client, error) {
	guest := cookies.AuthToken == "" && cookies.CT0 == ""
	if !guest && (cookies.AuthToken == "" || cookies.CT0 == "") {
		missing := "auth_token"
		if cookies.AuthToken != "" {
			missing = "ct0"
		}
		return nil, protocol.Errorf(protocol.CodeAuth, "%s (the %s cookie of x.com is missing)", protocol.Messages[protocol.CodeAuth], missing)
	}
	if strings.ContainsAny(cookies.AuthToken+cookies.CT0, "; \r\n\t") {
		return nil, protocol.Errorf(protocol.CodeAuth, "%s (the x.com cookies look malformed)", protocol.Messages[protocol.CodeAuth])
	}
	raw := opt.Base
	if raw == "" {
		raw = DefaultBase
	}
	base, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, protocol.Errorf(protocol.CodeBadRequest, "bad API base %q: want an http(s) URL", raw)
	}
	hc := opt.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	// A copy: the caller's client may serve others (the CDN) that may follow redirects.
	own := *hc
	own.CheckRedirect = sameHostRedirect
	hc = &own
	c := &Client{
		base:        base,
		http:        hc,
		cookies:     cookies,
		guest:       guest,
		log:         opt.Log,
		QueryIDs:    append([]string(nil), QueryIDs...),
		Features:    DefaultFeatures(),
		MaxRateWait: 2 * time.Minute,
		sleep:       retry.Sleep,
		now:         time.Now,
	}
	c.applyHints(opt.Hints)
	c.applyBrowser(opt.Browser)
	c.given = newGiven(opt.Page)
	return c, nil
}

func (c *Client) applyHints(h *protocol.APIHints) {
	if h == nil {
		return
	}
	if validQueryID(h.QueryID) {
		ids := []string{h.QueryID}
		for _, id := range c.QueryIDs {
			if id != h.QueryID {
				ids = append(ids, id)
			}
		}
		c.QueryIDs = ids
	}
	if len(h.Features) > 0 {
		var f map[string]any
		if json.Unmarshal(h.Features, &f) == nil && len(f) > 0 {
			// The page's own set is the freshest; keep ours for flags it lacks.
			for k, v := range f {
				c.Features[k] = v
			}
		}
	}
}

func validQueryID(s string) bool {
	if len(s) < 8 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// apiError is an HTTP answer we could not use, kept for the fallback logic.
type apiError struct {
	status int
	body   []byte
	reset  time.Time
}

func (e *apiError) Error() string { return fmt.Sprintf("X answered HTTP %d", e.status) }

// get performs one authenticated GET against the API and returns the body
// of a 200 answer. It waits out 429s within MaxRateWait and retries a 5xx twice.
func (c *Client) get(ctx context.Context, path string, query url.Values) ([]byte, error) {
	u := *c.base
	u.Path = strings.TrimRight(c.base.Path, "/") + path
	u.RawQuery = query.Encode()
	waited := time.Duration(0)
	for attempt := 0; ; attempt++ {
		body, err := c.call(ctx, &u)
		var ae *apiError
		if !errors.As(err, &ae) {
			return body, err
		}
		var wait time.Duration
		switch {
		case ae.status == http.StatusTooManyRequests:
			wait = time.Until(ae.reset)
			if ae.reset.IsZero() {
				wait = time.Duration(1<<min(attempt, 5)) * time.Second
			}
			wait = max(wait, time.Second) + time.Duration(rand.IntN(500))*time.Millisecond
			if waited+wait > c.MaxRateWait {
				msg := protocol.Messages[protocol.CodeRateLimited]
				if !ae.reset.IsZero() {
					msg = fmt.Sprintf("X is rate-limiting this account until %s. Try again then.", ae.reset.Local().Format("15:04"))
				}
				return nil, &protocol.Error{Code: protocol.CodeRateLimited, Message: msg, Err: err}
			}
			c.log.Warn().Dur("wait", wait).Msgf("X is rate-limiting this account: waiting %s, then trying again", wait.Round(time.Second))
		case ae.status >= 500 && attempt < 2:
			wait = time.Duration(attempt+1) * time.Second
		default:
			return body, err
		}
		if serr := c.sleep(ctx, wait); serr != nil {
			return nil, protocol.NewError(protocol.CodeCancelled, serr)
		}
		waited += wait
	}
}

func (c *Client) do(ctx context.Context, u *url.URL) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	c.authorize(req)
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, protocol.NewError(protocol.CodeCancelled, ctx.Err())
		}
		if errors.Is(err, errRedirect) {
			return nil, protocol.NewError(protocol.CodeAPIChanged, retry.ScrubURLError(err))
		}
		return nil, protocol.NewError(protocol.CodeNetwork, retry.ScrubURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIBody))
	if err != nil {
		return nil, protocol.NewError(protocol.CodeNetwork, fmt.Errorf("read answer of %s: %w", u.Path, err))
	}
	if resp.StatusCode != http.StatusOK {
		ae := &apiError{status: resp.StatusCode, body: body}
		if s := resp.Header.Get("x-rate-limit-reset"); s != "" {
			if sec, perr := strconv.ParseInt(s, 10, 64); perr == nil {
				ae.reset = time.Unix(sec, 0)
			}
		}
		return body, ae
	}
	return body, nil
}

// errRedirect is what a refused API redirect fails with.
var errRedirect = errors.New("the API redirected to another host; refused so that the x.com session goes to no one else")

// sameHostRedirect follows an API redirect only to the same scheme and host:
// Go strips Cookie and Authorization on a redirect to another domain, but
// not x-csrf-token (ct0) nor any header of ours, and not between two ports
// of one host. Refusing is simpler and safer than stripping.
func sameHostRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	first := via[0].URL
	if req.URL.Host != first.Host || req.URL.Scheme != first.Scheme {
		return fmt.Errorf("%w (%s)", errRedirect, req.URL.Host)
	}
	return nil
}

// authorize adds the headers X's web client sends. The cookies are added only
// when the request goes to an API host: they are the user's account.
func (c *Client) authorize(req *http.Request) {
	req.Header.Set("Authorization", "Bearer "+Bearer)
	req.Header.Set("User-Agent", c.agent)
	req.Header.Set("Referer", "https://x.com/")
	req.Header.Set("Accept", "*/*")
	req.Header.Set("Accept-Language", acceptLanguage(c.lang))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-twitter-active-user", "yes")
	req.Header.Set("x-twitter-client-language", clientLanguage(c.lang))
	if !c.cookieHost(req.URL) {
		return
	}
	if c.guest {
		if tok := c.guestToken(); tok != "" {
			req.Header.Set("x-guest-token", tok)
		}
		return
	}
	req.Header.Set("x-twitter-auth-type", "OAuth2Session")
	req.Header.Set("x-csrf-token", c.cookies.CT0)
	req.Header.Set("Cookie", "auth_token="+c.cookies.AuthToken+"; ct0="+c.cookies.CT0)
}

// cookieHost reports whether u may receive the session cookies: X's own API
// hosts, or the API base the user configured (tests and demos).
func (c *Client) cookieHost(u *url.URL) bool {
	if u.Scheme != "https" && !(u.Scheme == "http" && u.Host == c.base.Host && c.base.Scheme == "http") {
		return false
	}
	if u.Host == c.base.Host {
		return true
	}
	return IsXHost(u.Hostname())
}

// IsXHost reports whether host is x.com, twitter.com or one of their subdomains.
func IsXHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range []string{"x.com", "twitter.com"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}
