package xapi

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/spacekeep/spacekeep/protocol"
)

// maxGiven bounds one answer the page passed on: real ones are a few KB,
// a Space with many speakers some tens.
const maxGiven = 1 << 20

// given holds X's own answers that the x.com page received, passed on by
// the extension. X ties its web app's requests to per-request transaction
// ids, so the page's answers can be all we get; they are the page's, so
// they are checked as untrusted input, and each is used once: a later look
// (is the live Space still live?) asks X.
type given struct {
	mu       sync.Mutex
	audio    json.RawMessage
	status   json.RawMessage
	mediaKey string
}

func newGiven(p *protocol.PageAnswers) given {
	if p == nil {
		return given{}
	}
	return given{audio: p.AudioSpace, status: p.StreamStatus, mediaKey: p.MediaKey}
}

func (g *given) takeAudio() json.RawMessage {
	g.mu.Lock()
	defer g.mu.Unlock()
	a := g.audio
	g.audio = nil
	return a
}

func (g *given) takeStatus(mediaKey string) (json.RawMessage, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.status == nil || g.mediaKey != mediaKey {
		return nil, false
	}
	s := g.status
	g.status = nil
	return s, true
}

// givenSpace is the page's AudioSpaceById answer about id, when it passes.
func (c *Client) givenSpace(id string) (*Space, bool) {
	raw := c.given.takeAudio()
	if raw == nil {
		return nil, false
	}
	sp, err := checkGivenSpace(raw, id)
	if err != nil {
		c.log.Warn().Err(err).Msg("not using the page's AudioSpaceById answer; asking X")
		return nil, false
	}
	c.log.Info().Msg("using the page's AudioSpaceById answer")
	return sp, true
}

// checkGivenSpace reads a page's AudioSpaceById answer: bounded, JSON, with
// the metadata of exactly the Space id asked about.
func checkGivenSpace(raw []byte, id string) (*Space, error) {
	if len(raw) > maxGiven {
		return nil, fmt.Errorf("the answer is %d bytes, more than %d", len(raw), maxGiven)
	}
	var r audioSpaceResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("the answer is not AudioSpaceById JSON: %w", err)
	}
	if r.Data == nil || r.Data.AudioSpace == nil || r.Data.AudioSpace.Metadata == nil {
		return nil, fmt.Errorf("the answer has no Space metadata")
	}
	m := r.Data.AudioSpace.Metadata
	if m.RestID != id {
		return nil, fmt.Errorf("the answer is about another Space")
	}
	switch m.State {
	case StateNotStarted, StateRunning, StateEnded, StateTimedOut, StateCanceled:
	default:
		return nil, fmt.Errorf("the answer has an unknown state")
	}
	sp := r.Data.AudioSpace.space(id)
	if sp.MediaKey != "" && !validMediaKey(sp.MediaKey) || sp.MediaKey == "" && sp.State != StateNotStarted {
		return nil, fmt.Errorf("the answer has no usable media key")
	}
	return sp, nil
}

func validMediaKey(k string) bool {
	return k != "" && len(k) <= 64 && !strings.ContainsAny(k, "/?#% \\")
}

// givenStatus is the page's live_video_stream/status answer for mediaKey, when it passes.
func (c *Client) givenStatus(mediaKey string) (*StreamStatus, bool) {
	raw, ok := c.given.takeStatus(mediaKey)
	if !ok {
		return nil, false
	}
	st, err := c.checkGivenStatus(raw)
	if err != nil {
		c.log.Warn().Err(err).Msg("not using the page's stream status answer; asking X")
		return nil, false
	}
	c.log.Info().Msg("using the page's stream status answer")
	return st, true
}

// checkGivenStatus reads a page's status answer: bounded, JSON, naming a
// playlist on a host X's answers name (its CDN, its own hosts) or, in tests
// and demos, on the configured API base's host: never elsewhere, so a page
// cannot make the host fetch from anywhere it likes.
func (c *Client) checkGivenStatus(raw []byte) (*StreamStatus, error) {
	if len(raw) > maxGiven {
		return nil, fmt.Errorf("the answer is %d bytes, more than %d", len(raw), maxGiven)
	}
	st, err := parseStatus(raw)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(st.Location)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("the answer's playlist location is not a URL")
	}
	if !(u.Scheme == "https" || u.Scheme == "http" && c.base.Scheme == "http") {
		return nil, fmt.Errorf("the answer's playlist location is not https")
	}
	if !c.playlistHost(u.Hostname()) {
		return nil, fmt.Errorf("the answer's playlist is on a host X does not use")
	}
	// What is fetched is what a wrapper wraps: check that too, by the
	// CDN's own door, so that a wrapper of an untrusted URL is not taken
	// (and then refused at the fetch, failing the download) but ignored.
	lists, err := Playlists(st.Location)
	if err != nil {
		return nil, fmt.Errorf("the answer's playlist location: %w", err)
	}
	for _, v := range []*url.URL{lists.Follow, lists.Whole} {
		if err := allowCDN(v, c.base); err != nil {
			return nil, fmt.Errorf("the answer's playlist: %w", err)
		}
	}
	return st, nil
}

// playlistHost reports whether a playlist may come from host.
func (c *Client) playlistHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if IsXHost(host) || host == strings.ToLower(c.base.Hostname()) {
		return true
	}
	for _, d := range []string{"pscp.tv", "periscope.tv", "twimg.com"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}
