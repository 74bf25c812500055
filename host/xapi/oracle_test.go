package xapi

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/protocol"
)

func startFake(t *testing.T, opts fakex.Options) *fakex.Server {
	t.Helper()
	s, err := fakex.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	for _, sp := range fakex.DefaultSpaces() {
		s.AddSpace(sp)
	}
	return s
}

// apiCalls are the requests to X's API (and guest activation) the fake saw.
func apiCalls(s *fakex.Server) []fakex.Request {
	var out []fakex.Request
	for _, r := range s.Requests() {
		if r.Listener == "api" || r.Path == "/1.1/guest/activate.json" {
			out = append(out, r)
		}
	}
	return out
}

func resolve(t *testing.T, c *Client, id string) (*Space, *StreamStatus, error) {
	t.Helper()
	ctx := context.Background()
	sp, err := c.AudioSpaceByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	st, err := c.Status(ctx, sp.MediaKey)
	return sp, st, err
}

func TestGuestWithoutCookies(t *testing.T) {
	s := startFake(t, fakex.Options{})
	c, err := New(protocol.Cookies{}, Options{Base: s.APIBase()})
	if err != nil {
		t.Fatal(err)
	}
	sp, st, err := resolve(t, c, fakex.DemoID)
	if err != nil {
		t.Fatalf("as a guest: %v", err)
	}
	if sp.ID != fakex.DemoID || st.Location == "" {
		t.Fatalf("got %+v %+v", sp, st)
	}
	calls := apiCalls(s)
	if len(calls) != 3 || calls[0].Path != "/1.1/guest/activate.json" || calls[0].Method != http.MethodPost {
		t.Fatalf("want activation, AudioSpaceById, status; got %+v", calls)
	}
	for _, r := range calls[1:] {
		if r.HasCookie || r.Header.Get("x-guest-token") == "" || r.Header.Get("x-csrf-token") != "" {
			t.Errorf("%s: a guest call carries a guest token and no cookie or csrf: %v", r.Path, r.Header)
		}
	}
	// The token is kept for its lifetime: another client of the process reuses it.
	c2, _ := New(protocol.Cookies{}, Options{Base: s.APIBase()})
	if _, _, err := resolve(t, c2, fakex.TimedOutID); err != nil {
		t.Fatal(err)
	}
	if n := s.GuestActivations(); n != 1 {
		t.Errorf("%d guest activations, want 1 (cached)", n)
	}
}

func TestGuestTokenRenewedOn401(t *testing.T) {
	s := startFake(t, fakex.Options{})
	c, _ := New(protocol.Cookies{}, Options{Base: s.APIBase()})
	if _, err := c.AudioSpaceByID(context.Background(), fakex.DemoID); err != nil {
		t.Fatal(err)
	}
	s.ExpireGuestTokens()
	if _, _, err := resolve(t, c, fakex.DemoID); err != nil {
		t.Fatalf("after the token expired: %v", err)
	}
	if n := s.GuestActivations(); n != 2 {
		t.Errorf("%d guest activations, want 2 (renewed once)", n)
	}
}

func TestGuestsRefusedSaysLogIn(t *testing.T) {
	s := startFake(t, fakex.Options{RefuseGuests: true})
	c, _ := New(protocol.Cookies{}, Options{Base: s.APIBase()})
	_, err := c.AudioSpaceByID(context.Background(), fakex.DemoID)
	if protocol.CodeOf(err) != protocol.CodeAuth || !strings.Contains(err.Error(), "guest") || !strings.Contains(err.Error(), "Log in") {
		t.Fatalf("got %v, want auth_required saying guests are refused and to log in", err)
	}
	// Refused after a token was handed out: renewed once, then the same words.
	s.SetRefuseGuests(false)
	c2, _ := New(protocol.Cookies{}, Options{Base: s.APIBase()})
	if _, err := c2.AudioSpaceByID(context.Background(), fakex.DemoID); err != nil {
		t.Fatal(err)
	}
	s.SetRefuseGuests(true)
	if _, err := c2.AudioSpaceByID(context.Background(), fakex.DemoID); protocol.CodeOf(err) != protocol.CodeAuth || !strings.Contains(err.Error(), "guest") {
		t.Fatalf("got %v, want guest refused", err)
	}
}

func TestCookiesWinOverGuest(t *testing.T) {
	s := startFake(t, fakex.Options{RefuseGuests: true})
	at, ct0 := s.Session()
	c, _ := New(protocol.Cookies{AuthToken: at, CT0: ct0}, Options{Base: s.APIBase()})
	if _, _, err := resolve(t, c, fakex.DemoID); err != nil {
		t.Fatal(err)
	}
	for _, r := range apiCalls(s) {
		if r.Header.Get("x-guest-token") != "" || r.Path == "/1.1/guest/activate.json" {
			t.Errorf("a logged-in client asked as a guest: %s", r.Path)
		}
	}
}

// pageAnswers are what the drifted fake's page receives, as the extension passes them on.
func pageAnswers(t *testing.T, s *fakex.Server, id string) *protocol.PageAnswers {
	t.Helper()
	audio, status, key, err := s.PageAnswers(id)
	if err != nil {
		t.Fatal(err)
	}
	return &protocol.PageAnswers{AudioSpace: audio, StreamStatus: status, MediaKey: key}
}

func TestGivenAnswersUsedWithoutCalls(t *testing.T) {
	s := startFake(t, fakex.Options{PageQueryID: fakex.DriftQueryID})
	at, ct0 := s.Session()
	cookies := protocol.Cookies{AuthToken: at, CT0: ct0}
	// Drifted: every queryId we know is refused, and replaying the page's
	// own queryId (the hints) is refused for want of a transaction id.
	c, _ := New(cookies, Options{Base: s.APIBase(), Hints: &protocol.APIHints{QueryID: fakex.DriftQueryID}})
	_, err := c.AudioSpaceByID(context.Background(), fakex.DemoID)
	if protocol.CodeOf(err) != protocol.CodeAPIChanged || !strings.Contains(err.Error(), "press play") {
		t.Fatalf("drifted without the page's answers: %v, want api_changed saying to press play", err)
	}

	page := pageAnswers(t, s, fakex.DemoID)
	s.ResetRequests()
	c, _ = New(cookies, Options{Base: s.APIBase(), Page: page})
	sp, st, err := resolve(t, c, fakex.DemoID)
	if err != nil {
		t.Fatalf("with the page's answers: %v", err)
	}
	if sp.Title == "" || !sp.Replayable || !strings.Contains(st.Location, "/audio-space/") {
		t.Fatalf("got %+v %+v", sp, st)
	}
	if calls := apiCalls(s); len(calls) != 0 {
		t.Errorf("the given answers were enough, yet X was asked: %+v", calls)
	}
	// Used once: a later look (is it still live?) asks X.
	if _, err := c.AudioSpaceByID(context.Background(), fakex.DemoID); err == nil || len(apiCalls(s)) == 0 {
		t.Errorf("a second look did not ask X (err %v)", err)
	}
}

func TestBadGivenAnswersRefused(t *testing.T) {
	s := startFake(t, fakex.Options{PageQueryID: fakex.DriftQueryID})
	good := pageAnswers(t, s, fakex.DemoID)
	other := pageAnswers(t, s, fakex.TimedOutID)
	s.SetDrift("") // X answers again: a refused answer must lead to asking X
	at, ct0 := s.Session()
	cookies := protocol.Cookies{AuthToken: at, CT0: ct0}
	var status map[string]any
	_ = json.Unmarshal(good.StreamStatus, &status)
	evil := func(loc string) json.RawMessage {
		status["source"].(map[string]any)["location"] = loc
		status["source"].(map[string]any)["noRedirectPlaybackUrl"] = loc
		b, _ := json.Marshal(status)
		return b
	}
	big := append([]byte(`{"pad":"`), append([]byte(strings.Repeat("a", maxGiven)), `"}`...)...)
	for name, p := range map[string]*protocol.PageAnswers{
		"not JSON":          {AudioSpace: json.RawMessage(`{"data":`), StreamStatus: good.StreamStatus, MediaKey: good.MediaKey},
		"another Space":     {AudioSpace: other.AudioSpace, StreamStatus: other.StreamStatus, MediaKey: other.MediaKey},
		"too big":           {AudioSpace: big, StreamStatus: big, MediaKey: good.MediaKey},
		"an error answer":   {AudioSpace: json.RawMessage(`{"errors":[{"code":32,"message":"Could not authenticate you."}]}`)},
		"playlist off X":    {AudioSpace: good.AudioSpace, StreamStatus: evil("https://evil.example/audio-space/playlist_1.m3u8"), MediaKey: good.MediaKey},
		"playlist not http": {AudioSpace: good.AudioSpace, StreamStatus: evil("ftp://prod-fastly-us-east-1.video.pscp.tv/audio-space/playlist_1.m3u8"), MediaKey: good.MediaKey},
		"other media key":   {AudioSpace: good.AudioSpace, StreamStatus: good.StreamStatus, MediaKey: "28_1"},
	} {
		t.Run(name, func(t *testing.T) {
			s.ResetRequests()
			c, _ := New(cookies, Options{Base: s.APIBase(), Page: p})
			sp, st, err := resolve(t, c, fakex.DemoID)
			if err != nil {
				t.Fatal(err)
			}
			if sp.ID != fakex.DemoID || strings.Contains(st.Location, "evil") || !strings.HasPrefix(st.Location, s.CDNBase()) {
				t.Fatalf("a bad given answer was used: %+v %+v", sp, st)
			}
			if len(apiCalls(s)) == 0 {
				t.Fatal("X was not asked")
			}
		})
	}
}

func TestBrowserUserAgentAndLanguage(t *testing.T) {
	s := startFake(t, fakex.Options{})
	at, ct0 := s.Session()
	const ua = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
	c, _ := New(protocol.Cookies{AuthToken: at, CT0: ct0}, Options{Base: s.APIBase(),
		Browser: &protocol.Browser{UserAgent: ua, Language: "de-DE"}})
	if _, _, err := resolve(t, c, fakex.DemoID); err != nil {
		t.Fatal(err)
	}
	c2, _ := New(protocol.Cookies{}, Options{Base: s.APIBase(), Browser: &protocol.Browser{UserAgent: "bad\r\nX-Injected: 1", Language: "de;evil"}})
	if _, err := c2.AudioSpaceByID(context.Background(), fakex.DemoID); err != nil {
		t.Fatal(err)
	}
	calls := apiCalls(s)
	if len(calls) != 4 { // 2 with the session, 2 as a guest (activation, AudioSpaceById)
		t.Fatalf("%d calls", len(calls))
	}
	for _, r := range calls[:2] {
		if r.Header.Get("User-Agent") != ua || r.Header.Get("Accept-Language") != "de-DE,de;q=0.9" || r.Header.Get("x-twitter-client-language") != "de" {
			t.Errorf("%s: UA %q, languages %q %q", r.Path, r.Header.Get("User-Agent"), r.Header.Get("Accept-Language"), r.Header.Get("x-twitter-client-language"))
		}
	}
	for _, r := range calls[2:] { // a bad browser value falls back to ours
		if r.Header.Get("User-Agent") != UserAgent || r.Header.Get("Accept-Language") != "en-US,en;q=0.9" || r.Header.Get("X-Injected") != "" {
			t.Errorf("%s: UA %q, language %q", r.Path, r.Header.Get("User-Agent"), r.Header.Get("Accept-Language"))
		}
	}
}

// The protocol's example (read by the extension's tests too) carries page
// answers that pass the host's checks.
func TestProtocolExamplePageAnswersPass(t *testing.T) {
	b, err := os.ReadFile("../../protocol/testdata/messages/download.start.request.json")
	if err != nil {
		t.Fatal(err)
	}
	var req struct {
		Payload protocol.DownloadStart `json:"payload"`
	}
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatal(err)
	}
	p := req.Payload.Page
	c, err := New(req.Payload.Cookies, Options{Page: p, Browser: req.Payload.Browser})
	if err != nil {
		t.Fatal(err)
	}
	sp, ok := c.givenSpace("1OyKAWgagpqJb")
	if !ok || sp.MediaKey != p.MediaKey || sp.Status() != protocol.StatusEnded || sp.Creator.Handle != "host" {
		t.Fatalf("the example's AudioSpaceById answer: %+v %v", sp, ok)
	}
	st, ok := c.givenStatus(p.MediaKey)
	if !ok || !strings.Contains(st.Location, ".video.pscp.tv/") {
		t.Fatalf("the example's status answer: %+v %v", st, ok)
	}
	if c.agent != req.Payload.Browser.UserAgent {
		t.Errorf("the example's user agent was not taken: %q", c.agent)
	}
}
