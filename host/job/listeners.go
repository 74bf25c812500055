package job

import (
	"math"
	"sync"
	"time"

	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/host/xapi"
)

// curveEvery and curveChange say when the listener curve gains a point:
// a minute after the last one, or at once when the count moved by more
// than 10 %.
const (
	curveEvery  = time.Minute
	curveChange = 0.10
)

// listenerCurve keeps X's live listener count over a live recording, from
// the answers the recorder's status checks already get (no calls of its
// own).
type listenerCurve struct {
	mu     sync.Mutex
	points []record.ListenerPoint
	last   time.Time // when the last point was taken
	origin time.Time // t_s 0: the Space's start, else the first point
}

// liveListeners is X's live listener count of a Space: total_live_listeners,
// else participant_count, which some answers carry instead.
func liveListeners(sp *xapi.Space) int {
	if sp.TotalLiveListeners > 0 {
		return sp.TotalLiveListeners
	}
	return sp.ParticipantCount
}

// add takes the count of a live Space's answer got at now. t_s counts from
// the Space's start (the start of a live recording's audio), else from the
// first point.
func (c *listenerCurve) add(sp *xapi.Space, now time.Time) {
	n := liveListeners(sp)
	c.mu.Lock()
	defer c.mu.Unlock()
	if k := len(c.points); k > 0 {
		prev := c.points[k-1].Count
		moved := math.Abs(float64(n-prev)) > curveChange*float64(prev)
		if !moved && now.Sub(c.last) < curveEvery {
			return
		}
	}
	if c.origin.IsZero() {
		c.origin = sp.StartedAt
		if c.origin.IsZero() || c.origin.After(now) {
			c.origin = now
		}
	}
	ts := math.Round(now.Sub(c.origin).Seconds()*1000) / 1000
	c.points = append(c.points, record.ListenerPoint{TS: ts, Count: n})
	c.last = now
}

// curve is the points so far, nil when there are none.
func (c *listenerCurve) curve() []record.ListenerPoint {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.points) == 0 {
		return nil
	}
	return append([]record.ListenerPoint(nil), c.points...)
}
