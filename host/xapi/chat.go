package xapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// The Periscope chat service keeps a Space's captions and chat (X-FACTS
// §9): the status answer's chatToken → accessChatPublic → endpoint and
// access token → history, paged by cursor. It is not X's API host: it
// gets no X cookies, only its own tokens.

// DefaultChatBase is where accessChatPublic lives.
const DefaultChatBase = "https://proxsee.pscp.tv"

// Chat message kinds and body types (X-FACTS §9).
const (
	chatKindMessage = 1
	bodyCaption     = 45
)

// maxHistoryPages bounds a history walk: a cursor that never ends must not
// loop for ever (a 10-hour Space with captions is a few hundred pages).
const maxHistoryPages = 20000

// Caption is one final caption of a Space.
type Caption struct {
	At               time.Time // when it was said
	Handle, Name     string    // the speaker, as the caption names them
	UserID           string    // periscope user id, when given
	ParticipantIndex int       // -1 when not given
	Text             string
}

// ChatOptions configure the chat service client.
type ChatOptions struct {
	// Base is the chat service's base URL; empty means DefaultChatBase.
	Base string
	// HTTP is the client; nil means http.DefaultClient. It must not add
	// X's cookies: none are ever given to it here.
	HTTP *http.Client
}

// ChatError is a failure of the chat service, with the captions read
// before it (a 503 midway keeps the pages already read).
type ChatError struct {
	Stage  string // "access" or "history"
	Status int    // HTTP status, 0 for a network or format error
	Err    error
}

func (e *ChatError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("the chat service answered %d to %s", e.Status, e.Stage)
	}
	return fmt.Sprintf("the chat service's %s failed: %v", e.Stage, e.Err)
}

func (e *ChatError) Unwrap() error { return e.Err }

// Captions reads the final, non-empty captions of a Space from the chat
// service, in time order, given the status answer's chatToken. On an
// error midway it returns the captions read so far with a *ChatError.
func Captions(ctx context.Context, opt ChatOptions, chatToken string) ([]Caption, error) {
	if chatToken == "" {
		return nil, &ChatError{Stage: "access", Err: errors.New("no chat token in the stream status")}
	}
	hc := opt.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	base := strings.TrimRight(opt.Base, "/")
	if base == "" {
		base = DefaultChatBase
	}
	var acc struct {
		Endpoint          string          `json:"endpoint"`
		AccessToken       string          `json:"access_token"`
		ReplayEndpoint    string          `json:"replay_endpoint"`
		ReplayAccessToken string          `json:"replay_access_token"`
		RoomID            json.RawMessage `json:"room_id"`
	}
	if err := chatPost(ctx, hc, base+"/api/v2/accessChatPublic", map[string]any{"chat_token": chatToken}, &acc, "access"); err != nil {
		return nil, err
	}
	endpoint, token := acc.Endpoint, acc.AccessToken
	if endpoint == "" {
		endpoint, token = acc.ReplayEndpoint, acc.ReplayAccessToken
	}
	if u, err := url.Parse(endpoint); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, &ChatError{Stage: "access", Err: fmt.Errorf("no usable chat endpoint in the answer (%q)", endpoint)}
	}
	var room any = string(acc.RoomID)
	var rs string
	if json.Unmarshal(acc.RoomID, &rs) == nil {
		room = rs
	}
	var out []Caption
	cursor := ""
	for page := 0; page < maxHistoryPages; page++ {
		var h struct {
			Messages []struct {
				Kind    int    `json:"kind"`
				Payload string `json:"payload"`
			} `json:"messages"`
			Cursor string `json:"cursor"`
		}
		req := map[string]any{"room": room, "access_token": token, "cursor": cursor}
		if err := chatPost(ctx, hc, strings.TrimRight(endpoint, "/")+"/chatapi/v1/history", req, &h, "history"); err != nil {
			return out, err
		}
		for _, m := range h.Messages {
			if m.Kind != chatKindMessage {
				continue // joins and presence
			}
			if c, ok := parseCaption(m.Payload); ok {
				out = append(out, c)
			}
		}
		if h.Cursor == "" || h.Cursor == cursor {
			break
		}
		cursor = h.Cursor
	}
	sortCaptions(out)
	return out, nil
}

// parseCaption reads a kind-1 payload; ok only for a final, non-empty caption.
func parseCaption(payload string) (Caption, bool) {
	var p struct {
		Body   string `json:"body"`
		Sender struct {
			UserID      flexString `json:"user_id"`
			Username    string     `json:"username"`
			DisplayName string     `json:"display_name"`
		} `json:"sender"`
		Timestamp int64 `json:"timestamp"` // ns
	}
	if json.Unmarshal([]byte(payload), &p) != nil || p.Body == "" {
		return Caption{}, false
	}
	var b struct {
		Type             int        `json:"type"`
		Final            bool       `json:"final"`
		Body             string     `json:"body"`
		Username         string     `json:"username"`
		DisplayName      string     `json:"displayName"`
		UserID           flexString `json:"user_id"`
		ParticipantIndex *int       `json:"participant_index"`
		Timestamp        int64      `json:"timestamp"` // ms
		ProgramDateTime  string     `json:"programDateTime"`
	}
	if json.Unmarshal([]byte(p.Body), &b) != nil || b.Type != bodyCaption || !b.Final {
		return Caption{}, false
	}
	text := strings.TrimSpace(b.Body)
	if text == "" {
		return Caption{}, false
	}
	c := Caption{Handle: strings.TrimPrefix(b.Username, "@"), Name: b.DisplayName, UserID: string(b.UserID),
		ParticipantIndex: -1, Text: text}
	if b.ParticipantIndex != nil {
		c.ParticipantIndex = *b.ParticipantIndex
	}
	switch {
	case b.Timestamp > 0:
		c.At = time.UnixMilli(b.Timestamp).UTC()
	case b.ProgramDateTime != "":
		if t, err := time.Parse(time.RFC3339Nano, b.ProgramDateTime); err == nil {
			c.At = t.UTC()
		}
	}
	if c.At.IsZero() && p.Timestamp > 0 {
		c.At = time.Unix(0, p.Timestamp).UTC()
	}
	if c.At.IsZero() {
		return Caption{}, false // a caption that cannot be placed
	}
	return c, true
}

func sortCaptions(cs []Caption) {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].At.Before(cs[j].At) })
}

// chatPost posts JSON and decodes the JSON answer into out.
func chatPost(ctx context.Context, hc *http.Client, u string, body, out any, stage string) error {
	b, err := json.Marshal(body)
	if err != nil {
		return &ChatError{Stage: stage, Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return &ChatError{Stage: stage, Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	resp, err := hc.Do(req)
	if err != nil {
		return &ChatError{Stage: stage, Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIBody))
	if err != nil {
		return &ChatError{Stage: stage, Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		return &ChatError{Stage: stage, Status: resp.StatusCode}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &ChatError{Stage: stage, Err: fmt.Errorf("the answer is not JSON: %w", err)}
	}
	return nil
}
