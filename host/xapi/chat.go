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
	"strconv"
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

// A history walk is bounded three ways, so that a chat service that
// misbehaves (a cursor that loops A, B, A, ..., or never ends) cannot keep a
// download walking and growing: a cursor seen before ends it, and so do
// maxHistoryPages pages or maxHistoryBytes bytes of answers (a 10-hour Space
// with captions is a few hundred pages of a few hundred KB).
const maxHistoryPages = 5000

// maxHistoryBytes is a variable so that tests need not read 512 MB.
var maxHistoryBytes int64 = 512 << 20

// maxUtterance is the longest an utterance may run from its first partial
// to its final; past it the partials belong to something lost (a final
// that never came) and do not date the caption.
const maxUtterance = 60 * time.Second

// wordTime is about how long a spoken word lasts (speech runs at 150-200
// words a minute): a first partial that already holds k words was begun
// about k words before it came.
const wordTime = 300 * time.Millisecond

// Caption is one final caption of a Space.
type Caption struct {
	// At is when the final caption came: when the sentence ended.
	At time.Time
	// Began is when its speaker began it: the first partial of the
	// utterance (same speaker, after that speaker's previous final), less
	// the time of the words that partial already holds, never before that
	// speaker's previous final. It is zero when no partial came before the
	// final.
	Began            time.Time
	Handle, Name     string // the speaker, as the caption names them
	UserID           string // periscope user id, when given
	ParticipantIndex int    // -1 when not given
	Text             string
}

// Start is the caption's best start: Began, else At.
func (c Caption) Start() time.Time {
	if c.Began.IsZero() {
		return c.At
	}
	return c.Began
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
// service, in the order they began, given the status answer's chatToken.
// On an error midway (the service fails, its cursor loops, a bound is
// reached) it returns the captions read so far with a *ChatError.
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
	if _, err := chatPost(ctx, hc, base+"/api/v2/accessChatPublic", map[string]any{"chat_token": chatToken}, &acc, "access"); err != nil {
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
	var (
		hist    history
		cursor  string
		seen    = map[string]bool{"": true}
		read    int64
		walkErr error
	)
	for page := 0; ; page++ {
		if page == maxHistoryPages {
			walkErr = &ChatError{Stage: "history", Err: fmt.Errorf("stopped after %d pages", page)}
			break
		}
		if read >= maxHistoryBytes {
			walkErr = &ChatError{Stage: "history", Err: fmt.Errorf("stopped after %d MB of history", read>>20)}
			break
		}
		var h historyPage
		req := map[string]any{"room": room, "access_token": token, "cursor": cursor}
		n, err := chatPost(ctx, hc, strings.TrimRight(endpoint, "/")+"/chatapi/v1/history", req, &h, "history")
		read += n
		if err != nil {
			walkErr = err
			break
		}
		hist.add(h)
		if h.Cursor == "" {
			break
		}
		if seen[h.Cursor] {
			walkErr = &ChatError{Stage: "history", Err: fmt.Errorf("its cursor came back to an earlier page after %d pages", page+1)}
			break
		}
		seen[h.Cursor] = true
		cursor = h.Cursor
	}
	return hist.captions(), walkErr
}

// historyPage is one answer of the history call.
type historyPage struct {
	Messages []struct {
		Kind    int    `json:"kind"`
		Payload string `json:"payload"`
	} `json:"messages"`
	Cursor string `json:"cursor"`
}

// history collects the caption messages of a walk: the finals whole, the
// partials only as who and when (they only date the finals).
type history struct {
	finals   []captionMsg
	partials []captionMsg
	uuids    map[string]bool // of the finals kept: a page served twice adds nothing
}

// captionMsg is one caption message, partial or final.
type captionMsg struct {
	c       Caption // At is the message's time
	speaker string  // who, for pairing partials with their final
	final   bool
	words   int // in a partial's text
}

func (h *history) add(p historyPage) {
	for _, m := range p.Messages {
		if m.Kind != chatKindMessage {
			continue // joins and presence
		}
		msg, uuid, ok := parseCaption(m.Payload)
		if !ok {
			continue
		}
		if !msg.final {
			h.partials = append(h.partials, captionMsg{c: Caption{At: msg.c.At}, speaker: msg.speaker,
				words: len(strings.Fields(msg.c.Text))})
			continue
		}
		if uuid != "" {
			if h.uuids == nil {
				h.uuids = map[string]bool{}
			}
			if h.uuids[uuid] {
				continue
			}
			h.uuids[uuid] = true
		}
		h.finals = append(h.finals, msg)
	}
}

// captions pairs each final with the first partial of its utterance (the
// same speaker's partials since that speaker's previous final, empty finals
// included: a new voice often opens with one) and returns the non-empty
// finals in the order they began.
func (h *history) captions() []Caption {
	all := make([]captionMsg, 0, len(h.finals)+len(h.partials))
	all = append(append(all, h.finals...), h.partials...)
	// By time; at one instant the partials first: they came before their final.
	sort.SliceStable(all, func(i, j int) bool {
		if !all[i].c.At.Equal(all[j].c.At) {
			return all[i].c.At.Before(all[j].c.At)
		}
		return !all[i].final && all[j].final
	})
	began := map[string]time.Time{}     // each speaker's open utterance
	lastFinal := map[string]time.Time{} // each speaker's previous final
	var out []Caption
	for _, m := range all {
		if !m.final {
			if _, open := began[m.speaker]; !open {
				b := m.c.At.Add(-time.Duration(m.words) * wordTime)
				if prev, ok := lastFinal[m.speaker]; ok && b.Before(prev) {
					b = prev
				}
				began[m.speaker] = b
			}
			continue
		}
		b, open := began[m.speaker]
		delete(began, m.speaker)
		lastFinal[m.speaker] = m.c.At
		if m.c.Text == "" {
			continue // a boundary, not a caption
		}
		c := m.c
		if open && c.At.Sub(b) <= maxUtterance {
			c.Began = b
		}
		out = append(out, c)
	}
	sortCaptions(out)
	return out
}

// parseCaption reads a kind-1 payload; ok for a caption, partial or final,
// that can be placed in time. Finals keep their text (trimmed, maybe
// empty); uuid is the message's id, when given.
func parseCaption(payload string) (msg captionMsg, uuid string, ok bool) {
	var p struct {
		Body   string `json:"body"`
		Sender struct {
			UserID      flexString `json:"user_id"`
			Username    string     `json:"username"`
			DisplayName string     `json:"display_name"`
		} `json:"sender"`
		Timestamp int64  `json:"timestamp"` // ns
		UUID      string `json:"uuid"`
	}
	if json.Unmarshal([]byte(payload), &p) != nil || p.Body == "" {
		return msg, "", false
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
	if json.Unmarshal([]byte(p.Body), &b) != nil || b.Type != bodyCaption {
		return msg, "", false
	}
	c := Caption{Handle: strings.TrimPrefix(b.Username, "@"), Name: b.DisplayName, UserID: string(b.UserID),
		ParticipantIndex: -1, Text: strings.TrimSpace(b.Body)}
	if b.ParticipantIndex != nil {
		c.ParticipantIndex = *b.ParticipantIndex
	}
	switch {
	case b.Timestamp > 0 && b.Timestamp < maxUnixMilli:
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
		return msg, "", false // a caption that cannot be placed
	}
	// The speaker is the caption's person; the sender when it names none.
	who := strings.ToLower(c.Handle)
	if who == "" {
		who = strings.ToLower(strings.TrimPrefix(p.Sender.Username, "@"))
	}
	if who == "" && c.ParticipantIndex >= 0 {
		who = "#" + strconv.Itoa(c.ParticipantIndex)
	}
	if who == "" {
		who = "id:" + c.UserID
	}
	return captionMsg{c: c, speaker: who, final: b.Final}, p.UUID, true
}

// maxUnixMilli is year 9999 in Unix milliseconds: a larger "timestamp"
// is not one (and would overflow time's arithmetic).
const maxUnixMilli = 253402300799999

// sortCaptions orders captions by when they began, then by when they ended.
func sortCaptions(cs []Caption) {
	sort.SliceStable(cs, func(i, j int) bool {
		if a, b := cs[i].Start(), cs[j].Start(); !a.Equal(b) {
			return a.Before(b)
		}
		return cs[i].At.Before(cs[j].At)
	})
}

// chatPost posts JSON and decodes the JSON answer into out.
func chatPost(ctx context.Context, hc *http.Client, u string, body, out any, stage string) (int64, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, &ChatError{Stage: stage, Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return 0, &ChatError{Stage: stage, Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	resp, err := hc.Do(req)
	if err != nil {
		return 0, &ChatError{Stage: stage, Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIBody))
	n := int64(len(data))
	if err != nil {
		return n, &ChatError{Stage: stage, Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		return n, &ChatError{Stage: stage, Status: resp.StatusCode}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return n, &ChatError{Stage: stage, Err: fmt.Errorf("the answer is not JSON: %w", err)}
	}
	return n, nil
}
