// Package speakers turns audio levels sampled about once a second per
// person into who spoke when: per-person talk time and a sequence of
// turns, one speaker at a time, fit to be chapters. It knows nothing of
// where the levels come from. It works as the samples arrive, in order,
// keeping a few numbers per person and at most two turns in hand, so a
// ten-hour recording costs what a ten-minute one does.
package speakers

import "sort"

// Params tune the timeline; the zero value takes the defaults.
type Params struct {
	// On is the level from which a person starts talking (default 8);
	// Off the level under which a talking person stops (default 4). The
	// gap between them (hysteresis) keeps a level hovering at the
	// threshold from flickering.
	On, Off int
	// Bridge is the longest silence, in seconds, inside one turn (default 2.5).
	Bridge float64
	// MinTurn is the shortest turn, in seconds, that stands on its own
	// (default 4): shorter ones ("mm-hm") fold into their neighbours.
	MinTurn float64
	// Step is how long a sample lasts when nothing follows it (default 1 s).
	Step float64
}

func (p Params) fill() Params {
	if p.On <= 0 {
		p.On = 8
	}
	if p.Off <= 0 || p.Off > p.On {
		p.Off = p.On / 2
	}
	if p.Bridge <= 0 {
		p.Bridge = 2.5
	}
	if p.MinTurn <= 0 {
		p.MinTurn = 4
	}
	if p.Step <= 0 {
		p.Step = 1
	}
	return p
}

// Level is one person's level in a sample.
type Level struct {
	ID    string // stable across samples, whatever index the person had
	Level int
}

// Turn is one stretch of one person speaking.
type Turn struct {
	ID         string
	Start, End float64 // seconds
}

// Talk is one person's total.
type Talk struct {
	ID      string
	Seconds float64 // time talking (overlaps count for each person)
	Turns   int     // turns in the final sequence
}

type person struct {
	talking bool
	since   float64 // when the current talking run began
	total   float64 // seconds talked in closed runs
	level   int
	order   int // first seen
	mark    int // the last sample that gave a level
}

// Timeline is built sample by sample; the zero value is not usable: New.
type Timeline struct {
	p      Params
	people map[string]*person
	last   float64 // time of the last sample
	n      int     // samples seen

	// The floor: who holds it since when, and when they fell silent
	// (silentAt >= 0), in the raw sequence before smoothing.
	holder   string
	holdFrom float64
	silentAt float64

	// Smoothing keeps one turn back (pending) to fold short turns and
	// bridge short silences; done is the output.
	pending *Turn
	done    []Turn
	counts  map[string]int
}

// New starts an empty timeline.
func New(p Params) *Timeline {
	return &Timeline{p: p.fill(), people: map[string]*person{}, counts: map[string]int{}, silentAt: -1}
}

// Observe adds a sample at time at (seconds, not before the previous one):
// the level of each person on stage. People missing from levels are silent
// (they left the stage). An empty levels says nothing and is skipped.
func (t *Timeline) Observe(at float64, levels []Level) {
	if len(levels) == 0 || (t.n > 0 && at < t.last) {
		return
	}
	t.n++
	t.last = at
	for _, l := range levels {
		p := t.people[l.ID]
		if l.ID == "" || p != nil && p.mark == t.n {
			continue // no id, or a second level for the same person
		}
		if p == nil {
			p = &person{order: len(t.people)}
			t.people[l.ID] = p
		}
		p.mark = t.n
		t.set(p, at, l.Level)
	}
	for _, p := range t.people {
		if p.mark != t.n {
			t.set(p, at, 0)
		}
	}
	t.floor(at)
}

// set applies one level with hysteresis.
func (t *Timeline) set(p *person, at float64, level int) {
	p.level = level
	switch {
	case !p.talking && level >= t.p.On:
		p.talking, p.since = true, at
	case p.talking && level < t.p.Off:
		p.talking = false
		p.total += at - p.since
	}
}

// floor decides who holds the floor at this sample: the holder keeps it
// while talking; else the loudest person talking takes it.
func (t *Timeline) floor(at float64) {
	if t.holder != "" && t.people[t.holder].talking {
		if t.silentAt >= 0 && at-t.silentAt > t.p.Bridge {
			// A long silence, then the same person again: a new turn.
			h := t.holder
			t.closeRaw(at)
			t.holder, t.holdFrom = h, at
		}
		t.silentAt = -1
		return
	}
	next := ""
	best := -1
	for id, p := range t.people {
		if p.talking && (p.level > best || p.level == best && p.order < t.people[next].order) {
			next, best = id, p.level
		}
	}
	switch {
	case next != "":
		t.closeRaw(at)
		t.holder, t.holdFrom, t.silentAt = next, at, -1
	case t.holder != "" && t.silentAt < 0:
		t.silentAt = at // the holder fell silent; nobody took over yet
	}
}

// closeRaw ends the holder's raw turn at the latest at the given time.
func (t *Timeline) closeRaw(at float64) {
	if t.holder == "" {
		return
	}
	end := at
	if t.silentAt >= 0 {
		end = t.silentAt
	}
	t.smooth(Turn{ID: t.holder, Start: t.holdFrom, End: end})
	t.holder, t.silentAt = "", -1
}

// smooth takes raw turns in order and emits the final ones: the same
// person after a short silence continues their turn; a short turn folds
// into the one before it (or, first of all, into the one after).
func (t *Timeline) smooth(r Turn) {
	if r.End <= r.Start {
		return
	}
	q := t.pending
	switch {
	case q == nil:
		t.pending = &r
	case r.ID == q.ID && r.Start-q.End <= t.p.Bridge:
		q.End = r.End
	case r.End-r.Start < t.p.MinTurn:
		q.End = r.End // an interjection: the turn before goes on
	case q.End-q.Start < t.p.MinTurn:
		r.Start = q.Start // a short first turn opens the next one
		t.pending = &r
	default:
		t.emit(*q)
		t.pending = &r
	}
}

func (t *Timeline) emit(tr Turn) {
	if n := len(t.done); n > 0 && t.done[n-1].ID == tr.ID {
		// Folding may leave the same person twice in a row.
		t.done[n-1].End = tr.End
		return
	}
	t.done = append(t.done, tr)
	t.counts[tr.ID]++
}

// Samples is how many samples were observed.
func (t *Timeline) Samples() int { return t.n }

// Finish ends the timeline at end (seconds; the audio's length, or 0 for
// the last sample plus a step) and returns the turns, in order and never
// overlapping, and each person's talk, most talk first. Call it once.
func (t *Timeline) Finish(end float64) ([]Turn, []Talk) {
	if min := t.last + t.p.Step; end < min && t.n > 0 {
		end = min
	}
	for _, p := range t.people {
		if p.talking {
			p.talking = false
			p.total += end - p.since
		}
	}
	t.closeRaw(end)
	if t.pending != nil {
		t.emit(*t.pending)
		t.pending = nil
	}
	talks := make([]Talk, 0, len(t.people))
	for id, p := range t.people {
		if p.total > 0 {
			talks = append(talks, Talk{ID: id, Seconds: p.total, Turns: t.counts[id]})
		}
	}
	sort.Slice(talks, func(i, j int) bool {
		if talks[i].Seconds != talks[j].Seconds {
			return talks[i].Seconds > talks[j].Seconds
		}
		return t.people[talks[i].ID].order < t.people[talks[j].ID].order
	})
	return t.done, talks
}
