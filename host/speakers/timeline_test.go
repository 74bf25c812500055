package speakers

import (
	"math"
	"reflect"
	"testing"
)

// span is one person talking (level 40) from From to To seconds.
type span struct {
	ID       string
	From, To float64
}

// run feeds one sample a second from 0 to end: each person on stage has
// level 40 inside their spans and 1 outside; stage lists who is on stage
// at a time (nil: everyone named in spans).
func run(t *testing.T, p Params, end float64, spans []span, stage func(at float64) []string) ([]Turn, []Talk) {
	t.Helper()
	tl := New(p)
	var ids []string
	seen := map[string]bool{}
	for _, s := range spans {
		if !seen[s.ID] {
			seen[s.ID] = true
			ids = append(ids, s.ID)
		}
	}
	for at := 0.0; at < end; at++ {
		on := ids
		if stage != nil {
			on = stage(at)
		}
		var lv []Level
		for _, id := range on {
			l := 1
			for _, s := range spans {
				if s.ID == id && at >= s.From && at < s.To {
					l = 40
				}
			}
			lv = append(lv, Level{ID: id, Level: l})
		}
		tl.Observe(at, lv)
	}
	return tl.Finish(end)
}

func talkOf(talks []Talk, id string) Talk {
	for _, k := range talks {
		if k.ID == id {
			return k
		}
	}
	return Talk{}
}

func TestOneSpeaker(t *testing.T) {
	turns, talks := run(t, Params{}, 60, []span{{"host", 0, 60}}, nil)
	if want := []Turn{{"host", 0, 60}}; !reflect.DeepEqual(turns, want) {
		t.Fatalf("turns = %v, want %v", turns, want)
	}
	if k := talkOf(talks, "host"); k.Seconds != 60 || k.Turns != 1 {
		t.Errorf("talk = %+v", k)
	}
}

func TestTurnsShortGapsAndInterjections(t *testing.T) {
	spans := []span{
		{"a", 0, 20},
		{"a", 22, 30},   // a 2 s pause: still a's turn
		{"b", 31, 33},   // "mm-hm" (2 s): folds into a
		{"a", 33, 40},   //
		{"b", 50, 70},   // after 10 s of silence, b
		{"c", 70, 90},   //
		{"c", 100, 110}, // c again after 10 s: a new turn of c, merged as the same person in a row
	}
	turns, talks := run(t, Params{}, 120, spans, nil)
	want := []Turn{{"a", 0, 40}, {"b", 50, 70}, {"c", 70, 110}}
	if !reflect.DeepEqual(turns, want) {
		t.Fatalf("turns = %v\nwant    %v", turns, want)
	}
	// Talk time counts what each one really said, interjections too.
	if k := talkOf(talks, "b"); k.Seconds != 22 || k.Turns != 1 {
		t.Errorf("b talk = %+v, want 22 s in 1 turn", k)
	}
	if k := talkOf(talks, "a"); k.Seconds != 35 {
		t.Errorf("a talk = %+v, want 35 s", k)
	}
	if talks[0].ID != "a" || talks[1].ID != "c" {
		t.Errorf("order = %v, want most talk first", talks)
	}
}

func TestOverlapKeepsTheFloor(t *testing.T) {
	// b starts while a still talks: a keeps the floor until a stops.
	turns, talks := run(t, Params{}, 40, []span{{"a", 0, 20}, {"b", 15, 40}}, nil)
	if want := []Turn{{"a", 0, 20}, {"b", 20, 40}}; !reflect.DeepEqual(turns, want) {
		t.Fatalf("turns = %v, want %v", turns, want)
	}
	if k := talkOf(talks, "b"); k.Seconds != 25 {
		t.Errorf("b talked %v s, want 25 (overlap counts)", k.Seconds)
	}
}

func TestLeaveAndComeBack(t *testing.T) {
	// b is on stage 0-20 and 40-60, talking 5-20 and 45-60; while off
	// stage b is simply absent from the samples.
	stage := func(at float64) []string {
		if at >= 20 && at < 40 {
			return []string{"a"}
		}
		return []string{"a", "b"}
	}
	turns, talks := run(t, Params{}, 60, []span{{"a", 20, 40}, {"b", 5, 20}, {"b", 45, 60}}, stage)
	if want := []Turn{{"b", 5, 20}, {"a", 20, 40}, {"b", 45, 60}}; !reflect.DeepEqual(turns, want) {
		t.Fatalf("turns = %v, want %v", turns, want)
	}
	if k := talkOf(talks, "b"); k.Seconds != 30 || k.Turns != 2 {
		t.Errorf("b = %+v, want 30 s in 2 turns", k)
	}
}

func TestLeavingMidSentenceEndsTheTurn(t *testing.T) {
	// b is talking when b leaves the stage at 10: b's turn ends there.
	stage := func(at float64) []string {
		if at >= 10 {
			return []string{"a"}
		}
		return []string{"a", "b"}
	}
	turns, _ := run(t, Params{}, 30, []span{{"b", 0, 30}, {"a", 15, 30}}, stage)
	if want := []Turn{{"b", 0, 10}, {"a", 15, 30}}; !reflect.DeepEqual(turns, want) {
		t.Fatalf("turns = %v, want %v", turns, want)
	}
}

func TestHysteresis(t *testing.T) {
	// A level hovering between Off and On neither starts nor ends a turn.
	tl := New(Params{})
	levels := []int{1, 9, 6, 5, 7, 6, 5, 2, 1, 1, 6, 7, 6, 1}
	for i, l := range levels {
		tl.Observe(float64(i), []Level{{"a", l}})
	}
	turns, talks := tl.Finish(float64(len(levels)))
	if want := []Turn{{"a", 1, 7}}; !reflect.DeepEqual(turns, want) {
		t.Fatalf("turns = %v, want %v", turns, want)
	}
	if talks[0].Seconds != 6 {
		t.Errorf("talk = %v, want 6", talks[0].Seconds)
	}
}

func TestEmptyAndOutOfOrderSamples(t *testing.T) {
	tl := New(Params{})
	tl.Observe(0, nil)
	tl.Observe(1, []Level{})
	if turns, talks := tl.Finish(0); len(turns) != 0 || len(talks) != 0 || tl.Samples() != 0 {
		t.Fatalf("no levels gave turns %v talks %v samples %d", turns, talks, tl.Samples())
	}
	tl = New(Params{})
	tl.Observe(0, []Level{{"a", 40}})
	tl.Observe(10, []Level{{"a", 40}})
	tl.Observe(5, []Level{{"a", 0}}) // before the last: ignored
	tl.Observe(11, nil)              // says nothing: a is still talking
	turns, _ := tl.Finish(20)
	if want := []Turn{{"a", 0, 20}}; !reflect.DeepEqual(turns, want) {
		t.Fatalf("turns = %v, want %v", turns, want)
	}
}

func TestSilenceOnly(t *testing.T) {
	turns, talks := run(t, Params{}, 30, []span{{"a", 100, 200}}, nil)
	if len(turns) != 0 || len(talks) != 0 {
		t.Fatalf("silence gave turns %v talks %v", turns, talks)
	}
}

func TestTurnsNeverOverlapAndStayInOrder(t *testing.T) {
	// A busy hour of three people talking over each other.
	var spans []span
	for i := 0; i < 600; i++ {
		id := []string{"a", "b", "c"}[i*7%3]
		from := float64(i*6 + i%4)
		spans = append(spans, span{id, from, from + float64(3+i%9)})
	}
	turns, _ := run(t, Params{}, 3600, spans, nil)
	for i, tr := range turns {
		if tr.End <= tr.Start || math.IsNaN(tr.Start) {
			t.Fatalf("turn %d empty: %v", i, tr)
		}
		if i > 0 && (tr.Start < turns[i-1].End || tr.ID == turns[i-1].ID) {
			t.Fatalf("turn %d %v after %v", i, tr, turns[i-1])
		}
	}
}
