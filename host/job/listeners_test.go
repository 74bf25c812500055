package job

import (
	"os"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// A live recording's info JSON holds the listener counts X served while it
// was live: every change of more than 10 %, not the small ones, from the
// status checks the recorder makes anyway.
func TestLiveRecordingKeepsTheListenerCurve(t *testing.T) {
	served := []int{10, 10, 10, 30, 31, 30, 100, 100}
	e := newEnv(t, fakex.Options{}, fakex.SpaceSpec{ID: fakex.LiveID, Title: "On air", State: fakex.StateRunning,
		Chunks: 4, LiveInterval: 30 * time.Millisecond, HostName: "H", HostHandle: "h", ListenerCounts: served})
	id, err := e.m.Start(protocol.DownloadStart{Space: fakex.LiveID, Cookies: e.cookies,
		Options: protocol.Options{OutputDir: e.out, WriteInfoJSON: true}})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for e.x.ListenerAnswers(fakex.LiveID) < len(served)+1 {
		if time.Now().After(deadline) {
			t.Fatalf("X was asked %d times in 30 s", e.x.ListenerAnswers(fakex.LiveID))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := e.x.EndSpace(fakex.LiveID); err != nil {
		t.Fatal(err)
	}
	ev, err := e.m.Wait(t.Context(), id)
	if err != nil || ev.Type != protocol.TypeJobDone {
		t.Fatalf("the recording ended with %+v %v", ev, err)
	}
	f, err := os.Open(infoOf(ev.Path))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec, err := record.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	var counts []int
	for i, p := range rec.ListenerCurve {
		counts = append(counts, p.Count)
		if p.TS < 0 || i > 0 && p.TS <= rec.ListenerCurve[i-1].TS {
			t.Errorf("point %d at %.3f s: times must grow from 0: %+v", i, p.TS, rec.ListenerCurve)
		}
	}
	if want := []int{10, 30, 100}; !equalInts(counts, want) {
		t.Errorf("the curve's counts are %v, want %v (the changes of more than 10 %% the fake served)", counts, want)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The curve gains a point a minute when the count stays, and at once when
// it moves by more than 10 %; participant_count stands in when
// total_live_listeners is missing.
func TestListenerCurvePoints(t *testing.T) {
	start := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	var c listenerCurve
	at := func(s int, total, participants int) {
		c.add(&xapi.Space{StartedAt: start, TotalLiveListeners: total, ParticipantCount: participants}, start.Add(time.Duration(s)*time.Second))
	}
	at(5, 100, 0)
	at(35, 105, 0) // +5 %, 30 s later: no point
	at(65, 109, 0) // a minute after the last point
	at(70, 121, 0) // +11 %: at once
	at(80, 0, 60)  // participant_count, -50 %
	at(100, 0, 61) // small, 20 s: no point
	want := []record.ListenerPoint{{TS: 5, Count: 100}, {TS: 65, Count: 109}, {TS: 70, Count: 121}, {TS: 80, Count: 60}}
	got := c.curve()
	if len(got) != len(want) {
		t.Fatalf("curve %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("point %d is %+v, want %+v", i, got[i], want[i])
		}
	}
}
