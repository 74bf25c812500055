package xapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/protocol"
)

const chatSpaceID = "1yoKMwXBVpoKQ"

// chatSpace is a Space whose captions are known: who said what, and when
// the words began (the fake's ground truth).
func chatSpace() fakex.SpaceSpec {
	return fakex.SpaceSpec{ID: chatSpaceID, Title: "Chat", State: fakex.StateEnded, Replayable: true, Chunks: 10,
		HostName: "Host", HostHandle: "host", Speakers: []fakex.Participant{{DisplayName: "Ada", ScreenName: "ada"}},
		Captions: []fakex.CaptionSpec{
			{Who: 0, At: 0.4, Text: "Welcome everyone to this Space about keeping things."},
			{Who: 0, At: 4.5, Text: "Today we talk."},
			{Who: 1, At: 6, Text: "Thanks for having me here today."},
			{Who: 1, At: 9, Text: "Yes.", NoPartials: true},
			{Who: 0, At: 12, Text: "Great & <fine> stuff."},
		}}
}

// chatCaptions reads a Space's captions from the fake's chat service.
func chatCaptions(t *testing.T, s *fakex.Server, id string) ([]Caption, error) {
	t.Helper()
	c, err := New(protocol.Cookies{}, Options{Base: s.APIBase()})
	if err != nil {
		t.Fatal(err)
	}
	_, st, err := resolve(t, c, id)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return Captions(ctx, ChatOptions{Base: s.APIBase()}, st.ChatToken)
}

// TestCaptionsBeganWithTheirFirstPartial: the fake's history has partials
// growing word by word before each final, an empty final where a new voice
// opens, chat and reactions. Each caption's Began is within a second of
// when its words began; At (the final) comes after the words ended.
func TestCaptionsBeganWithTheirFirstPartial(t *testing.T) {
	s := startFake(t, fakex.Options{})
	spec := chatSpace()
	s.AddSpace(spec)
	got, err := chatCaptions(t, s, chatSpaceID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(spec.Captions) {
		t.Fatalf("got %d captions: %+v", len(got), got)
	}
	start := got[0].Start().Add(-400 * time.Millisecond) // the fake's audio start, as near as the first caption says
	for i, w := range spec.Captions {
		c := got[i]
		from, to := w.Spoken()
		began := c.Began.Sub(start).Seconds()
		if c.Text != w.Text {
			t.Errorf("caption %d: %q, want %q", i, c.Text, w.Text)
		}
		if w.NoPartials {
			if !c.Began.IsZero() {
				t.Errorf("caption %d had no partials but Began %v", i, c.Began)
			}
			continue
		}
		if began < from-0.3 || began > from+1 {
			t.Errorf("caption %d began at %.2f s, its words at %.2f s", i, began, from)
		}
		if end := c.At.Sub(start).Seconds(); end < to {
			t.Errorf("caption %d final at %.2f s, before its words ended (%.2f s)", i, end, to)
		}
	}
}

// TestChatHistoryWithALoopingCursorEnds: a cursor that comes back (A, B,
// A, ...) ends the walk at once, with the captions read and an error that
// says why, after a handful of requests, not 20,000.
func TestChatHistoryWithALoopingCursorEnds(t *testing.T) {
	s := startFake(t, fakex.Options{})
	spec := chatSpace()
	spec.ChatLoop = true
	s.AddSpace(spec)
	got, err := chatCaptions(t, s, chatSpaceID)
	var ce *ChatError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "cursor") {
		t.Fatalf("err = %v, want a ChatError about the cursor", err)
	}
	history := 0
	for _, r := range s.Requests() {
		if strings.HasSuffix(r.Path, "/chatapi/v1/history") {
			history++
		}
	}
	if history != 3 {
		t.Errorf("%d history requests, want 3 (pages 1, 2, 3, whose cursor is page 2's again)", history)
	}
	seen := map[string]bool{}
	for _, c := range got {
		if seen[c.Text] {
			t.Errorf("caption %q twice", c.Text)
		}
		seen[c.Text] = true
	}
}

// TestChatHistoryBounds: a cursor that never repeats and never ends stops
// at maxHistoryPages; answers that add up to maxHistoryBytes stop it too.
func TestChatHistoryBounds(t *testing.T) {
	for _, tc := range []struct {
		name string
		pad  int
		want string
	}{
		{"pages", 0, "pages"},
		{"bytes", 1 << 20, "MB of history"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func(was int64) { maxHistoryBytes = was }(maxHistoryBytes)
			maxHistoryBytes = 10 << 20
			pages := 0
			hc := roundTripper(func(body map[string]any) (int, string) {
				if body["chat_token"] != nil {
					return 200, `{"endpoint":"https://chat.example","access_token":"a","room_id":"r"}`
				}
				pages++
				msg, _ := json.Marshal(strings.Repeat("x", tc.pad))
				return 200, fmt.Sprintf(`{"messages":[{"kind":1,"payload":%s}],"cursor":"c%d"}`, msg, pages)
			})
			_, err := Captions(context.Background(), ChatOptions{Base: "https://access.example", HTTP: hc}, "tok")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to name the %s bound", err, tc.want)
			}
			limit := maxHistoryPages
			if tc.pad > 0 {
				limit = int(maxHistoryBytes) / tc.pad // each page a little more than pad
			}
			if pages != limit {
				t.Errorf("%d pages read, want %d", pages, limit)
			}
		})
	}
}

// FuzzChatHistory feeds the history parsing any page: it must not panic,
// and every caption it keeps is final, non-empty and begins no later than
// its final.
func FuzzChatHistory(f *testing.F) {
	caption := func(text string, final bool, ms int64, who string) string {
		body, _ := json.Marshal(map[string]any{"type": 45, "body": text, "final": final, "username": who, "timestamp": ms})
		payload, _ := json.Marshal(map[string]any{"body": string(body), "timestamp": ms * 1e6, "uuid": fmt.Sprint(ms)})
		m, _ := json.Marshal(map[string]any{"kind": 1, "payload": string(payload)})
		return string(m)
	}
	f.Add([]byte(`{"messages":[` + caption("", true, 900, "a") + `,` + caption("hi", false, 1000, "a") + `,` +
		caption("hi there", false, 1400, "a") + `,` + caption("hi there you", true, 2000, "a") + `],"cursor":"x"}`))
	f.Add([]byte(`{"messages":[{"kind":1,"payload":"{\"body\":\"{\\\"type\\\":45,\\\"final\\\":true,\\\"body\\\":\\\"x\\\",\\\"programDateTime\\\":\\\"2024-01-01T00:00:00Z\\\"}\"}"}]}`))
	f.Add([]byte(`{"messages":[{"kind":2,"payload":"{}"},{"kind":1,"payload":"not json"}],"cursor":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p historyPage
		if json.Unmarshal(b, &p) != nil {
			return
		}
		var h history
		h.add(p)
		h.add(p) // a page served twice
		for _, c := range h.captions() {
			if c.Text == "" || c.At.IsZero() || (!c.Began.IsZero() && c.Began.After(c.At)) {
				t.Fatalf("caption %+v", c)
			}
		}
	})
}

// roundTripper is an HTTP client whose answers come from answer, given the
// request's JSON body: a chat service that misbehaves in ways the fake
// does not.
func roundTripper(answer func(body map[string]any) (status int, json string)) *http.Client {
	return &http.Client{Transport: rtFunc(func(r *http.Request) (*http.Response, error) {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			return nil, err
		}
		status, s := answer(body)
		return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader(s)), Header: http.Header{}, Request: r}, nil
	})}
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
