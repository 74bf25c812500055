package job

import (
	"context"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

func TestGuestDownloadWithoutCookies(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	e.cookies = protocol.Cookies{}
	ev := e.download(fakex.TimedOutID, protocol.Options{})
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("as a guest: %+v", ev)
	}
	if e.x.GuestActivations() == 0 {
		t.Error("no guest token was asked for")
	}
	for _, r := range e.x.Requests() {
		if r.HasCookie {
			t.Errorf("a guest download sent a cookie to %s", r.Path)
		}
	}
}

func TestGuestsRefusedFailsWithLoginWords(t *testing.T) {
	e := newEnv(t, fakex.Options{RefuseGuests: true})
	e.cookies = protocol.Cookies{}
	ev := e.download(fakex.DemoID, protocol.Options{})
	if ev.Code != protocol.CodeAuth || !strings.Contains(ev.Message, "guest") {
		t.Fatalf("got %+v, want auth_required saying guests are refused", ev)
	}
}

// With the API drifted (every queryId we know refused, and the page's own
// refused without X's per-request transaction id), the page's answers and
// the browser's User-Agent are what makes the download work.
func TestDriftedAPIDownloadsWithThePageAnswers(t *testing.T) {
	e := newEnv(t, fakex.Options{PageQueryID: fakex.DriftQueryID})
	audio, status, key, err := e.x.PageAnswers(fakex.DemoID)
	if err != nil {
		t.Fatal(err)
	}
	const ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"
	id, err := e.m.Start(protocol.DownloadStart{Space: fakex.DemoID, Cookies: e.cookies, Options: protocol.Options{OutputDir: e.out},
		Hints:   &protocol.APIHints{QueryID: fakex.DriftQueryID},
		Page:    &protocol.PageAnswers{AudioSpace: audio, StreamStatus: status, MediaKey: key},
		Browser: &protocol.Browser{UserAgent: ua, Language: "en-GB"}})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := e.m.Wait(context.Background(), id)
	if err != nil || ev.Type != protocol.TypeJobDone {
		t.Fatalf("drifted, with the page's answers: %+v %v", ev, err)
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", ev.Path, chunksOf(t, e.x, fakex.DemoID)); err != nil {
		t.Fatal(err)
	}
	for _, r := range e.x.Requests() {
		if r.Listener == "api" {
			t.Errorf("X's API was asked though the page's answers were enough: %s", r.Path)
		}
	}
	e.checkSecrets()

	// Without them, the failure says what to do in plain words.
	_, err = e.m.SpaceInfo(context.Background(), protocol.SpaceQuery{Space: fakex.DemoID, Cookies: e.cookies,
		Hints: &protocol.APIHints{QueryID: fakex.DriftQueryID}})
	if protocol.CodeOf(err) != protocol.CodeAPIChanged || !strings.Contains(err.Error(), "press play") {
		t.Fatalf("drifted without the page: %v", err)
	}
}

func TestSpaceInfoNeutralStatus(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	for id, want := range map[string]string{
		fakex.DemoID: protocol.StatusEnded, fakex.TimedOutID: protocol.StatusEnded, fakex.NotStartedID: protocol.StatusScheduled,
		fakex.LiveID: protocol.StatusLive, fakex.CanceledID: protocol.StatusCanceled,
	} {
		info, err := e.m.SpaceInfo(context.Background(), protocol.SpaceQuery{Space: id, Cookies: e.cookies})
		if err != nil {
			t.Fatal(err)
		}
		if info.Status != want {
			t.Errorf("%s (%s): status %q, want %q", id, info.State, info.Status, want)
		}
	}
}
