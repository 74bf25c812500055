package library

import (
	"context"
	"math"
	"testing"

	"github.com/spacekeep/spacekeep/host/record"
)

// A live recording's listener curve comes back from the library with its
// peak, and the stats take peak and average from the curves (time-weighted),
// not from the one count X gave at the end.
func TestListenerCurveInListAndStats(t *testing.T) {
	ctx := context.Background()
	l := open(t)
	dir := t.TempDir()
	live := sample(1, "alice")
	live.DurationS = 400
	live.LiveListeners = 20 // X's count at the end: lower than the peak
	// 100 for 100 s, 300 for 100 s, 20 for the last 200 s: the mean over time is 110.
	live.ListenerCurve = []record.ListenerPoint{{TS: 0, Count: 100}, {TS: 100, Count: 300}, {TS: 200, Count: 20}}
	replay := sample(2, "bob")
	replay.LiveListeners = 50
	for _, r := range []*record.Record{live, replay} {
		if err := l.Add(ctx, r, dir); err != nil {
			t.Fatal(err)
		}
	}
	page, err := l.List(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range page.Items {
		switch it.ID {
		case live.ID:
			if len(it.ListenerCurve) != 3 || it.ListenerCurve[1].Count != 300 || it.ListenerCurve[1].TS != 100 || it.PeakListeners != 300 {
				t.Errorf("the live recording's item: curve %+v peak %d, want the 3 points and 300", it.ListenerCurve, it.PeakListeners)
			}
		case replay.ID:
			if it.ListenerCurve != nil || it.PeakListeners != 0 {
				t.Errorf("a Space without a curve lists %+v peak %d", it.ListenerCurve, it.PeakListeners)
			}
		}
	}
	st, err := l.Stats(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if st.PeakListeners != 300 || st.PeakSpace != live.ID {
		t.Errorf("peak %d in %s, want 300 in %s (the curve's peak)", st.PeakListeners, st.PeakSpace, live.ID)
	}
	if want := (110.0 + 50) / 2; math.Abs(st.AvgListeners-want) > 0.01 {
		t.Errorf("average %.2f, want %.2f (the curve's mean over time, and the other Space's count)", st.AvgListeners, want)
	}
}
