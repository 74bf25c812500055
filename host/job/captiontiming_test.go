package job

import (
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/internal/readers"
	"github.com/spacekeep/spacekeep/protocol"
)

// TestCaptionsStartWhenTheWordsWereSpoken downloads the fake's 2-hour talk
// show (speakers, partial captions growing word by word, finals that come
// once a sentence ends, one-word answers with no partials, interjections)
// and reads its .vtt with webvtt-py: 90 % of the cues must start within a
// second of when their words were spoken (the README gives the figure).
// Cues that started at their final were 1.5-8 s late: none passed.
func TestCaptionsStartWhenTheWordsWereSpoken(t *testing.T) {
	const id = "1TaLkShOw2hRs"
	spec := fakex.TalkShow(id, 2400)
	e := newEnv(t, fakex.Options{}, spec)
	ev := e.download(id, protocol.Options{})
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("job ended %s: %s", ev.Type, ev.Message)
	}
	cues := readers.WebVTT(t, strings.TrimSuffix(ev.Path, ".m4a")+".vtt")
	spoken := map[string][2]float64{}
	for _, c := range spec.Captions {
		from, to := c.Spoken()
		spoken[c.Text] = [2]float64{from, to}
	}
	if len(cues) != len(spec.Captions) {
		t.Fatalf("%d cues for %d captions", len(cues), len(spec.Captions))
	}
	var late []float64
	within := 0
	for _, c := range cues {
		s, ok := spoken[c.Text]
		if !ok {
			t.Fatalf("cue %q was never said", c.Text)
		}
		d := c.Start - s[0]
		late = append(late, d)
		if math.Abs(d) <= 1 {
			within++
		}
		if c.End <= c.Start {
			t.Errorf("cue %q ends at %.3f, starts at %.3f", c.Text, c.End, c.Start)
		}
	}
	sort.Float64s(late)
	share := float64(within) / float64(len(cues))
	t.Logf("%d cues: %.1f %% start within 1 s of the speech; start - speech: median %.2f s, 95th percentile %.2f s, worst %.2f s",
		len(cues), 100*share, late[len(late)/2], late[len(late)*95/100], late[len(late)-1])
	if share < 0.9 {
		t.Errorf("%.1f %% of the cues start within 1 s of the speech, want 90 %%", 100*share)
	}
}
