package captions

import (
	"math"
	"testing"
)

func TestPlaceStartsCuesWhenTheWordsBegan(t *testing.T) {
	nan := math.NaN()
	turns := []Turn{{Start: 10, End: 30, Speaker: "@ada"}, {Start: 30, End: 40, Speaker: "@bob"}}
	said := []Said{
		{Began: 0.5, Final: 4.4, Speaker: "@host", Text: "with partials", Ref: 1},
		{Began: nan, Final: 14, Speaker: "@ada", Text: "no partials, in Ada's turn", Ref: 2},
		{Began: nan, Final: 20, Speaker: "@ada", Text: "Ada again, same turn", Ref: 3},
		{Began: nan, Final: 32, Speaker: "@ada", Text: "Ada's final just after her turn", Ref: 4},
		{Began: nan, Final: 50, Speaker: "@carl", Text: "no turn at all", Ref: 5},
		{Began: 49, Final: 51, Speaker: "@bob", Text: "overlaps Carl", Ref: 6},
		{Began: -3, Final: -1, Speaker: "@bob", Text: "before the audio", Ref: 7},
		{Began: 59, Final: 62, Speaker: "@bob", Text: "runs past the end", Ref: 8},
		{Began: nan, Final: 70, Speaker: "@bob", Text: "after the end", Ref: 9},
	}
	cues, outside := Place(said, turns, 60)
	want := []struct {
		ref        int
		start, end float64
	}{
		{1, 0.5, 4.4},
		{2, 10, 14},
		{3, 14, 20},
		{4, 20, 32},
		{6, 49, 50}, // cut where Carl's starts
		{5, 50, 50 + readingTime("no turn at all")}, // dated by its final only: a reading time
		{8, 59, 60},
	}
	if outside != 2 || len(cues) != len(want) {
		t.Fatalf("outside %d, cues %+v", outside, cues)
	}
	for i, w := range want {
		if c := cues[i]; c.Ref != w.ref || math.Abs(c.Start-w.start) > 1e-9 || math.Abs(c.End-w.end) > 1e-9 {
			t.Errorf("cue %d = %+v, want ref %d %g-%g", i, c, w.ref, w.start, w.end)
		}
	}
}
