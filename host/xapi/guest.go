package xapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/spacekeep/spacekeep/host/retry"
	"github.com/spacekeep/spacekeep/protocol"
)

// guestLifetime is how long a guest token is reused. X's last a few hours;
// a 401/403 renews one sooner.
const guestLifetime = 2 * time.Hour

// guestTokens are the guest tokens of this process, by activation URL:
// held in memory only, shared by every Client of the process.
var guestTokens = struct {
	sync.Mutex
	m map[string]guestToken
}{m: map[string]guestToken{}}

type guestToken struct {
	token   string
	expires time.Time
}

// guestRefused is the error when X will not serve a guest: only a login helps.
func guestRefused(err error) error {
	return &protocol.Error{Code: protocol.CodeAuth, Err: err,
		Message: "X did not let a guest (not logged in) see this Space. Log in to x.com, then try again."}
}

// activateURL is where guest tokens come from: api.x.com for X itself, the
// configured base for tests and demos.
func (c *Client) activateURL() string {
	if c.base.String() == DefaultBase {
		return "https://api.x.com/1.1/guest/activate.json"
	}
	return c.base.String() + "/1.1/guest/activate.json"
}

// guestToken is the cached token, "" when there is none (no network).
func (c *Client) guestToken() string {
	guestTokens.Lock()
	defer guestTokens.Unlock()
	g, ok := guestTokens.m[c.activateURL()]
	if !ok || !c.now().Before(g.expires) {
		return ""
	}
	return g.token
}

// dropGuest forgets tok (X refused it), unless another call renewed it already.
func (c *Client) dropGuest(tok string) {
	guestTokens.Lock()
	defer guestTokens.Unlock()
	if g, ok := guestTokens.m[c.activateURL()]; ok && g.token == tok {
		delete(guestTokens.m, c.activateURL())
	}
}

// ensureGuest makes sure a guest token is cached, asking X for one if needed.
func (c *Client) ensureGuest(ctx context.Context) error {
	if c.guestToken() != "" {
		return nil
	}
	tok, err := c.activate(ctx)
	if err != nil {
		return err
	}
	guestTokens.Lock()
	guestTokens.m[c.activateURL()] = guestToken{token: tok, expires: c.now().Add(guestLifetime)}
	guestTokens.Unlock()
	c.log.Info().Msg("asking X as a guest (no x.com session)")
	return nil
}

// activate asks X for a guest token: POST guest/activate.json with the
// public bearer → {"guest_token": "..."}.
func (c *Client) activate(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.activateURL(), nil)
	if err != nil {
		return "", fmt.Errorf("build the guest activation: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+Bearer)
	req.Header.Set("User-Agent", c.agent)
	req.Header.Set("Accept-Language", acceptLanguage(c.lang))
	req.Header.Set("Referer", "https://x.com/")
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", protocol.NewError(protocol.CodeCancelled, ctx.Err())
		}
		return "", protocol.NewError(protocol.CodeNetwork, retry.ScrubURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", protocol.NewError(protocol.CodeNetwork, fmt.Errorf("read the guest activation: %w", err))
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return "", guestRefused(fmt.Errorf("guest activation: HTTP %d", resp.StatusCode))
	case resp.StatusCode == http.StatusTooManyRequests:
		return "", protocol.NewError(protocol.CodeRateLimited, fmt.Errorf("guest activation: HTTP 429"))
	case resp.StatusCode >= 500:
		return "", protocol.NewError(protocol.CodeNetwork, fmt.Errorf("guest activation: HTTP %d", resp.StatusCode))
	case resp.StatusCode != http.StatusOK:
		return "", protocol.Errorf(protocol.CodeAPIChanged, "X's guest activation answered HTTP %d", resp.StatusCode)
	}
	var r struct {
		GuestToken string `json:"guest_token"`
	}
	if json.Unmarshal(body, &r) != nil || !validGuestToken(r.GuestToken) {
		return "", protocol.Errorf(protocol.CodeAPIChanged, "X's guest activation gave no usable guest token")
	}
	return r.GuestToken, nil
}

func validGuestToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0
}

// call performs one API request. As a guest it first makes sure of a guest
// token, and renews it once when X answers 401 or 403 (tokens expire and
// are tied to rate limits); a second refusal means X refuses guests.
func (c *Client) call(ctx context.Context, u *url.URL) ([]byte, error) {
	if !c.guest {
		return c.do(ctx, u)
	}
	for try := 0; ; try++ {
		if err := c.ensureGuest(ctx); err != nil {
			return nil, err
		}
		tok := c.guestToken()
		body, err := c.do(ctx, u)
		var ae *apiError
		if !errors.As(err, &ae) || (ae.status != http.StatusUnauthorized && ae.status != http.StatusForbidden) {
			return body, err
		}
		c.dropGuest(tok)
		if try > 0 {
			return nil, guestRefused(err)
		}
		c.log.Info().Int("status", ae.status).Msg("X refused the guest token; asking for a new one")
	}
}
