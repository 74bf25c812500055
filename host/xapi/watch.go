package xapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/host/retry"
	"github.com/spacekeep/spacekeep/protocol"
)

// MaxAvatarIDs is the most user ids avatar_content takes at once; X answers
// 400 to more (X-FACTS §10).
const MaxAvatarIDs = 100

// UserQueryIDs are the UserByScreenName query ids seen in use, newest
// first; the next is tried when one answers 404/400.
var UserQueryIDs = []string{
	"xmU6X_CKVnQ5lSrCbAmJsg",
	"G3KGOASz96M-Qu0nwmGXNg",
	"sLVLhk0bGj3MVFEKTdax1w",
}

// userFeatures is the features set UserByScreenName is sent with.
var userFeatures = map[string]bool{
	"hidden_profile_subscriptions_enabled":                              true,
	"rweb_tipjar_consumption_enabled":                                   true,
	"responsive_web_graphql_exclude_directive_enabled":                  true,
	"verified_phone_label_enabled":                                      false,
	"subscriptions_verification_info_is_identity_verified_enabled":      true,
	"subscriptions_verification_info_verified_since_enabled":            true,
	"highlights_tweets_tab_ui_enabled":                                  true,
	"responsive_web_twitter_article_notes_tab_enabled":                  true,
	"subscriptions_feature_can_gift_premium":                            true,
	"creator_subscriptions_tweet_preview_api_enabled":                   true,
	"responsive_web_graphql_skip_user_profile_image_extensions_enabled": false,
	"responsive_web_graphql_timeline_navigation_enabled":                true,
}

// LiveSpace is a live Space one of the asked users is in (as host,
// co-host or speaker), as avatar_content tells it.
type LiveSpace struct {
	UserID    string // the asked user this entry is under
	SpaceID   string // broadcast_id
	Title     string
	State     string // "RUNNING" while live
	CreatorID string // the Space's host; may differ from UserID (a speaker)
}

// LiveAnswer is one avatar_content answer.
type LiveAnswer struct {
	Spaces []LiveSpace
	// RefreshDelay is how long X asks clients to wait before asking again; 0 when unsaid.
	RefreshDelay time.Duration
	// Remaining is x-rate-limit-remaining, -1 when absent; Reset is
	// x-rate-limit-reset, zero when absent.
	Remaining int
	Reset     time.Time
}

// RateLimitError is a 429: RetryAt is when X allows the next call (zero
// when X did not say, x-rate-limit-reset absent).
type RateLimitError struct {
	Reset time.Time
}

func (e *RateLimitError) Error() string {
	if e.Reset.IsZero() {
		return "X is rate-limiting this account"
	}
	// A reset far ahead (a year-3000 header) must not read as today's time.
	t, now := e.Reset.Local(), time.Now()
	if y, m, d := t.Date(); y != now.Year() || m != now.Month() || d != now.Day() {
		return "X is rate-limiting this account until " + t.Format("Mon 2 Jan 2006 15:04:05")
	}
	return "X is rate-limiting this account until " + t.Format("15:04:05")
}

// RetryAt is when X allows the next call, zero when it did not say.
func (e *RateLimitError) RetryAt() time.Time { return e.Reset }

// Unwrap makes a RateLimitError a rate_limited protocol error.
func (e *RateLimitError) Unwrap() error { return protocol.NewError(protocol.CodeRateLimited, nil) }

// LiveSpaces asks X which of userIDs are in a live Space, in one
// avatar_content request (at most MaxAvatarIDs ids). Only users in a live
// Space appear in the answer. A 429 is returned at once as a
// *RateLimitError: the caller decides how long to wait.
func (c *Client) LiveSpaces(ctx context.Context, userIDs []string) (*LiveAnswer, error) {
	if len(userIDs) == 0 {
		return &LiveAnswer{Remaining: -1}, nil
	}
	if len(userIDs) > MaxAvatarIDs {
		return nil, fmt.Errorf("avatar_content takes at most %d ids, not %d", MaxAvatarIDs, len(userIDs))
	}
	for _, id := range userIDs {
		if _, err := strconv.ParseUint(id, 10, 64); err != nil {
			return nil, protocol.Errorf(protocol.CodeBadRequest, "%q is not an X user id", id)
		}
	}
	q := url.Values{"user_ids": {strings.Join(userIDs, ",")}, "only_spaces": {"true"}}
	body, hdr, err := c.getOnce(ctx, "/i/api/fleets/v1/avatar_content", q)
	if err != nil {
		return nil, err
	}
	ans, err := parseAvatarContent(body)
	if err != nil {
		return nil, err
	}
	ans.Remaining, ans.Reset = rateHeaders(hdr)
	return ans, nil
}

func parseAvatarContent(body []byte) (*LiveAnswer, error) {
	var r struct {
		Users map[string]struct {
			Spaces struct {
				LiveContent struct {
					AudioSpace *struct {
						BroadcastID string      `json:"broadcast_id"`
						Title       string      `json:"title"`
						State       string      `json:"state"`
						CreatorID   json.Number `json:"creator_twitter_user_id"`
					} `json:"audiospace"`
				} `json:"live_content"`
			} `json:"spaces"`
		} `json:"users"`
		RefreshDelay json.Number `json:"refresh_delay_secs"`
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber() // ids are 19-digit numbers: never through float64
	if err := dec.Decode(&r); err != nil {
		return nil, protocol.Errorf(protocol.CodeAPIChanged, "X's avatar_content answer is not what spacekeep knows: %w", err)
	}
	ans := &LiveAnswer{}
	if d, err := r.RefreshDelay.Int64(); err == nil && d > 0 && d < 3600 {
		ans.RefreshDelay = time.Duration(d) * time.Second
	}
	for uid, u := range r.Users {
		as := u.Spaces.LiveContent.AudioSpace
		if as == nil || as.BroadcastID == "" {
			continue
		}
		ans.Spaces = append(ans.Spaces, LiveSpace{UserID: uid, SpaceID: as.BroadcastID, Title: as.Title,
			State: as.State, CreatorID: as.CreatorID.String()})
	}
	return ans, nil
}

// rateHeaders reads x-rate-limit-remaining and x-rate-limit-reset.
func rateHeaders(h http.Header) (remaining int, reset time.Time) {
	remaining = -1
	if v, err := strconv.Atoi(h.Get("x-rate-limit-remaining")); err == nil {
		remaining = v
	}
	if v, err := strconv.ParseInt(h.Get("x-rate-limit-reset"), 10, 64); err == nil && v > 0 {
		reset = time.Unix(v, 0)
	}
	return remaining, reset
}

// UserID asks X for the user id of handle (UserByScreenName). It returns
// the id and the handle as X spells it; an unknown handle is not_found.
func (c *Client) UserID(ctx context.Context, handle string) (id, screenName string, err error) {
	vars, err := json.Marshal(map[string]any{"screen_name": handle, "withSafetyModeUserFields": true})
	if err != nil {
		return "", "", fmt.Errorf("encode variables: %w", err)
	}
	feats, err := json.Marshal(userFeatures)
	if err != nil {
		return "", "", fmt.Errorf("encode features: %w", err)
	}
	q := url.Values{"variables": {string(vars)}, "features": {string(feats)}}
	var lastErr error
	for _, qid := range UserQueryIDs {
		body, _, err := c.getOnce(ctx, "/i/api/graphql/"+qid+"/UserByScreenName", q)
		var ae *apiError
		if errors.As(err, &ae) && (ae.status == http.StatusNotFound || ae.status == http.StatusBadRequest) {
			lastErr = err
			continue
		}
		if err != nil {
			return "", "", err
		}
		var r struct {
			Data struct {
				User *struct {
					Result *struct {
						RestID json.Number `json:"rest_id"`
						Core   struct {
							ScreenName string `json:"screen_name"`
						} `json:"core"`
						Legacy struct {
							ScreenName string `json:"screen_name"`
						} `json:"legacy"`
					} `json:"result"`
				} `json:"user"`
			} `json:"data"`
		}
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.UseNumber()
		if err := dec.Decode(&r); err != nil {
			return "", "", protocol.Errorf(protocol.CodeAPIChanged, "X's answer about @%s is not JSON: %w", handle, err)
		}
		if r.Data.User == nil || r.Data.User.Result == nil || r.Data.User.Result.RestID == "" {
			return "", "", protocol.Errorf(protocol.CodeNotFound, "X knows no account @%s", handle)
		}
		res := r.Data.User.Result
		name := res.Core.ScreenName
		if name == "" {
			name = res.Legacy.ScreenName
		}
		if name == "" {
			name = handle
		}
		return res.RestID.String(), name, nil
	}
	return "", "", &protocol.Error{Code: protocol.CodeAPIChanged,
		Message: "X refused every known UserByScreenName query id. Update spacekeep.", Err: lastErr}
}

// getOnce performs one authenticated GET and returns a 200's body and
// headers. It does not wait out a 429 (that is a *RateLimitError): the
// watcher keeps its own pace. Other failures are classified.
func (c *Client) getOnce(ctx context.Context, path string, query url.Values) ([]byte, http.Header, error) {
	u := *c.base
	u.Path = strings.TrimRight(c.base.Path, "/") + path
	u.RawQuery = query.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("build request: %w", err)
	}
	c.authorize(req)
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, protocol.NewError(protocol.CodeCancelled, ctx.Err())
		}
		return nil, nil, protocol.NewError(protocol.CodeNetwork, retry.ScrubURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIBody))
	if err != nil {
		return nil, nil, protocol.NewError(protocol.CodeNetwork, fmt.Errorf("read answer of %s: %w", path, err))
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		return body, resp.Header, nil
	case resp.StatusCode == http.StatusTooManyRequests:
		_, reset := rateHeaders(resp.Header)
		return nil, resp.Header, &RateLimitError{Reset: reset}
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusBadRequest:
		// Left unclassified: a stale query id is the caller's to judge.
		ae := &apiError{status: resp.StatusCode, body: body}
		if strings.Contains(path, "/graphql/") {
			return nil, resp.Header, ae
		}
		return nil, resp.Header, c.classify(ae)
	}
	return nil, resp.Header, c.classify(&apiError{status: resp.StatusCode, body: body})
}
