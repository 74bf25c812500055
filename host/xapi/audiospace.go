package xapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// missingFeatures matches error 336's list: "The following features cannot be null: a, b".
var missingFeatures = regexp.MustCompile(`cannot be null:\s*(.+)$`)

// AudioSpaceByID asks X about the Space id. It walks the queryId fallback
// list on 404/400, adds the feature flags X names in error 336 and retries,
// and uses data that comes together with errors. The page's own answer,
// when one was given and passes its checks, is used instead of asking.
func (c *Client) AudioSpaceByID(ctx context.Context, id string) (*Space, error) {
	if sp, ok := c.givenSpace(id); ok {
		return sp, nil
	}
	vars, err := json.Marshal(map[string]any{
		"id": id, "isMetatagsQuery": true, "withReplays": true, "withListeners": true,
	})
	if err != nil {
		return nil, fmt.Errorf("encode variables: %w", err)
	}
	var lastErr error
	for _, qid := range c.QueryIDs {
		sp, err := c.audioSpaceWith(ctx, qid, string(vars), id)
		if err == nil {
			return sp, nil
		}
		var ae *apiError
		if errors.As(err, &ae) && (ae.status == http.StatusNotFound || ae.status == http.StatusBadRequest) {
			c.log.Info().Str("query_id", qid).Int("status", ae.status).Msg("AudioSpaceById query id refused, trying the next")
			lastErr = err
			continue
		}
		return nil, c.classify(err)
	}
	return nil, &protocol.Error{Code: protocol.CodeAPIChanged,
		Message: "X refused every way spacekeep knows to ask about this Space (its API changed). In the browser: open the Space on x.com, press play, then try again (spacekeep then uses what the page received). Otherwise update spacekeep.",
		Err:     lastErr}
}

// audioSpaceWith tries one queryId, recovering once from error 336.
func (c *Client) audioSpaceWith(ctx context.Context, qid, vars, id string) (*Space, error) {
	for try := 0; try < 3; try++ {
		feats, err := json.Marshal(c.Features)
		if err != nil {
			return nil, fmt.Errorf("encode features: %w", err)
		}
		q := url.Values{"variables": {vars}, "features": {string(feats)}}
		body, err := c.get(ctx, "/i/api/graphql/"+qid+"/AudioSpaceById", q)
		var ae *apiError
		if errors.As(err, &ae) && ae.status == http.StatusBadRequest {
			if names := featuresNamed(ae.body); len(names) > 0 && try < 2 {
				for _, n := range names {
					c.Features[n] = false
				}
				c.log.Info().Strs("features", names).Msg("X asked for more feature flags; retrying")
				continue
			}
		}
		if err != nil {
			return nil, err
		}
		return parseAudioSpace(body, id, c)
	}
	return nil, &apiError{status: http.StatusBadRequest}
}

// featuresNamed returns the flags an error-336 answer names.
func featuresNamed(body []byte) []string {
	var r struct {
		Errors []graphQLError `json:"errors"`
	}
	if json.Unmarshal(body, &r) != nil {
		return nil
	}
	var names []string
	for _, e := range r.Errors {
		m := missingFeatures.FindStringSubmatch(e.Message)
		if m == nil {
			continue
		}
		for _, n := range strings.Split(m[1], ",") {
			n = strings.Trim(strings.TrimSpace(n), ".")
			if validFlag(n) {
				names = append(names, n)
			}
		}
	}
	return names
}

func validFlag(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func parseAudioSpace(body []byte, id string, c *Client) (*Space, error) {
	var r audioSpaceResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, protocol.Errorf(protocol.CodeAPIChanged, "X's answer about the Space is not JSON: %w", err)
	}
	if r.Data == nil || r.Data.AudioSpace == nil || r.Data.AudioSpace.Metadata == nil {
		if len(r.Errors) > 0 && r.Data == nil {
			return nil, protocol.Errorf(protocol.CodeAPIChanged, "X answered with an error: %s", firstMessage(r.Errors))
		}
		return nil, protocol.NewError(protocol.CodeNotFound, fmt.Errorf("no Space %s", id))
	}
	if len(r.Errors) > 0 {
		// GraphQL sends data and errors together ("Dependency: Unspecified"): the data is good.
		ev := c.log.Debug()
		if c.dataErrorsSaid.CompareAndSwap(false, true) {
			ev = c.log.Info()
		}
		ev.Str("error", firstMessage(r.Errors)).Msg("AudioSpaceById answered data with errors; using the data")
	}
	sp := r.Data.AudioSpace.space(id)
	if sp.MediaKey == "" && sp.State != StateNotStarted {
		return nil, protocol.Errorf(protocol.CodeAPIChanged, "X's answer about the Space has no media key")
	}
	return sp, nil
}

func firstMessage(errs []graphQLError) string {
	if len(errs) == 0 {
		return ""
	}
	m := errs[0].Message
	if len(m) > 200 {
		m = m[:200]
	}
	return m
}

// classify turns a failed API call into a coded error a person can act on.
func (c *Client) classify(err error) error {
	var ae *apiError
	if !errors.As(err, &ae) {
		return err
	}
	switch ae.status {
	case http.StatusUnauthorized:
		return protocol.NewError(protocol.CodeAuth, err)
	case http.StatusForbidden:
		return protocol.NewError(protocol.CodeForbidden, err)
	case http.StatusNotFound:
		return protocol.NewError(protocol.CodeNotFound, err)
	case http.StatusTooManyRequests:
		return protocol.NewError(protocol.CodeRateLimited, err)
	}
	if ae.status >= 500 {
		return protocol.NewError(protocol.CodeNetwork, err)
	}
	var r struct {
		Errors []graphQLError `json:"errors"`
	}
	if json.Unmarshal(ae.body, &r) == nil {
		for _, e := range r.Errors {
			switch e.Code {
			case 32, 89, 215:
				return protocol.NewError(protocol.CodeAuth, err)
			case 88:
				return protocol.NewError(protocol.CodeRateLimited, err)
			case 353:
				return protocol.NewError(protocol.CodeForbidden, err)
			}
		}
	}
	return protocol.NewError(protocol.CodeAPIChanged, err)
}

// StreamStatus is the answer of live_video_stream/status.
type StreamStatus struct {
	Location       string
	NoRedirect     string
	StreamType     string
	SessionStatus  string
	LifecycleToken string
	ChatToken      string // for the chat service (captions); not an X credential
}

// Status asks X where the Space's audio is.
func (c *Client) Status(ctx context.Context, mediaKey string) (*StreamStatus, error) {
	if !validMediaKey(mediaKey) {
		return nil, protocol.Errorf(protocol.CodeAPIChanged, "X gave a strange media key for this Space")
	}
	if st, ok := c.givenStatus(mediaKey); ok {
		return st, nil
	}
	q := url.Values{"client": {"web"}, "use_syndication_guest_id": {"false"}, "cookie_set_host": {"x.com"}}
	body, err := c.get(ctx, "/i/api/1.1/live_video_stream/status/"+mediaKey, q)
	if err != nil {
		return nil, c.classify(err)
	}
	return parseStatus(body)
}

// parseStatus reads a live_video_stream/status answer.
func parseStatus(body []byte) (*StreamStatus, error) {
	var r struct {
		Source struct {
			Location              string `json:"location"`
			NoRedirectPlaybackURL string `json:"noRedirectPlaybackUrl"`
			Status                string `json:"status"`
			StreamType            string `json:"streamType"`
		} `json:"source"`
		LifecycleToken string `json:"lifecycleToken"`
		ChatToken      string `json:"chatToken"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, protocol.Errorf(protocol.CodeAPIChanged, "X's stream status is not JSON: %w", err)
	}
	st := &StreamStatus{Location: r.Source.Location, NoRedirect: r.Source.NoRedirectPlaybackURL,
		StreamType: r.Source.StreamType, SessionStatus: r.Source.Status, LifecycleToken: r.LifecycleToken,
		ChatToken: r.ChatToken}
	if st.Location == "" {
		st.Location = st.NoRedirect
	}
	if st.Location == "" {
		return nil, protocol.Errorf(protocol.CodeAPIChanged, "X's stream status names no playlist")
	}
	return st, nil
}
