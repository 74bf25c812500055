package xapi

import (
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/protocol"
)

func TestDownloadable(t *testing.T) {
	soon := time.Now().Add(time.Hour)
	for _, c := range []struct {
		sp   Space
		code protocol.Code // "" = downloadable
		msg  string
	}{
		{Space{State: StateEnded, Replayable: true}, "", ""},
		{Space{State: StateTimedOut, Replayable: true}, "", ""}, // the host dropped, the replay is there
		{Space{State: StateRunning}, "", ""},                    // recorded live
		{Space{State: StateEnded}, protocol.CodeNotReplayable, ""},
		{Space{State: StateTimedOut}, protocol.CodeNotReplayable, ""},
		{Space{State: StateCanceled}, protocol.CodeNotReplayable, "cancelled before it started"},
		{Space{State: StateNotStarted, Replayable: true}, protocol.CodeNotStarted, ""},
		{Space{State: StateNotStarted, ScheduledStart: soon}, protocol.CodeNotStarted, soon.Local().Format("15:04")},
		{Space{State: "SomethingNew", Replayable: true}, "", ""}, // a newer end with a replay
	} {
		err := c.sp.Downloadable()
		if got := protocol.CodeOf(err); err == nil && c.code != "" || err != nil && got != c.code {
			t.Errorf("%s replay=%v: %v, want code %q", c.sp.State, c.sp.Replayable, err, c.code)
		}
		if c.msg != "" && (err == nil || !strings.Contains(err.Error(), c.msg)) {
			t.Errorf("%s: %v, want it to say %q", c.sp.State, err, c.msg)
		}
	}
}

func TestCDNRules(t *testing.T) {
	a, b := CDNRules(), CDNRules()
	if a.Header.Get("Referer") != "https://x.com/" || a.Header.Get("Origin") != "https://x.com" || a.Header.Get("User-Agent") != UserAgent {
		t.Errorf("CDN header %v", a.Header)
	}
	if a.Header.Get("Cookie") != "" || a.Header.Get("Authorization") != "" {
		t.Error("the CDN header carries a credential")
	}
	a.Header.Set("Referer", "changed")
	if b.Header.Get("Referer") != "https://x.com/" {
		t.Error("CDNRules shares its header between callers")
	}
	if a.NotFoundPatience < time.Minute {
		t.Errorf("404 patience %v: X's CDN answers 404 for minutes after a Space ends", a.NotFoundPatience)
	}
	if a.ChunkBase == nil {
		t.Error("no chunk base rule")
	}
}
