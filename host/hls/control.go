package hls

import (
	"sync"
	"time"
)

// controlInterval is how often the concurrency controller looks at throughput.
const controlInterval = 250 * time.Millisecond

// controller finds the number of connections that fills the link: with
// per-request latency one connection cannot, and past the link's limit
// more connections only burden the server. It doubles while throughput
// grows by more than 12%, steps back when a level brings nothing, and now
// and then probes a quarter higher; a 429/503 halves it. Its level is
// requests in flight: over HTTP/1.1 one per connection, over HTTP/2 up to
// StreamsPerConn per connection (multiplexed). The connections themselves
// are the Transport's, which counts those actually open (OpenConns) for
// the progress reports.
type controller struct {
	limit, max int
	conns      int // the cap on connections, until multiplexed raises max
	prev       int // the level before the last growth, to step back to
	fixed      bool
	slowStart  bool
	probing    bool
	best       float64 // the rate at the current level
	stall      int     // intervals since the last change
	hold       int     // intervals to wait before judging
}

func newController(max int, fixed bool) *controller {
	c := &controller{max: max, conns: max, fixed: fixed, slowStart: true}
	c.limit = min(8, max)
	if fixed {
		c.limit = max
	}
	return c
}

// observe takes the recent rate; busy says whether work was waiting (a
// level cannot be judged while the queue runs dry).
func (c *controller) observe(rate float64, active int, busy bool) {
	if c.fixed || !busy || active < c.limit {
		return
	}
	if c.hold > 0 {
		c.hold--
		return
	}
	switch {
	case c.slowStart && rate > c.best*1.12:
		c.best = rate
		c.grow(c.limit)
	case c.probing && rate > c.best*1.05:
		c.best = rate
		c.grow(max(1, c.limit/4))
	case c.slowStart || c.probing:
		// The last growth brought nothing: step back to the level before it.
		c.slowStart, c.probing = false, false
		if c.prev > 0 {
			c.limit = c.prev
		}
		c.best = max(c.best, rate)
		c.stall = 0
		c.hold = 2
	default:
		c.stall++
		if c.stall >= 12 { // the link may have changed: probe upwards
			c.stall = 0
			c.best = rate
			c.probing = true
			c.grow(max(1, c.limit/4))
		}
	}
}

func (c *controller) grow(by int) {
	if c.limit >= c.max {
		c.slowStart, c.probing = false, false
		return
	}
	c.prev = c.limit
	c.limit = min(c.max, c.limit+by)
	c.hold = 2 // let the meter's window fill at the new level before judging it
}

// multiplexed raises the cap to streams requests per connection: the
// server answers over HTTP/2, where requests in flight share connections
// (Options.MaxConns caps those) and more of them hide each one's latency.
func (c *controller) multiplexed(streams int) {
	if c.fixed || c.conns == 0 {
		return
	}
	c.max = c.conns * streams
	// Start at two streams per connection (one waiting out its request's
	// latency while the other transfers) rather than ramp up to it: each
	// doubling costs a few control intervals at a lower level, a second
	// and more of a 12-second download on a far link (spacebench).
	c.limit = max(c.limit, min(c.max, 2*c.conns))
	c.conns = 0
}

func (c *controller) backOff() {
	if c.fixed {
		return
	}
	c.limit = max(1, c.limit/2)
	c.prev = 0
	c.slowStart, c.probing = false, false
	c.best = 0
	c.hold = 3
}

// meter measures a recent rate over a sliding window.
type meter struct {
	mu     sync.Mutex
	window time.Duration
	events []sample
}

type sample struct {
	t time.Time
	n int64
}

func newMeter(window time.Duration) *meter { return &meter{window: window} }

func (m *meter) add(n int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	m.events = append(m.events, sample{now, n})
	m.trim(now)
}

func (m *meter) trim(now time.Time) {
	i := 0
	for i < len(m.events) && now.Sub(m.events[i].t) > m.window {
		i++
	}
	if i > 0 {
		m.events = append(m.events[:0], m.events[i:]...)
	}
}

// rate is bytes per second over the window.
func (m *meter) rate() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	m.trim(now)
	if len(m.events) == 0 {
		return 0
	}
	var sum int64
	for _, e := range m.events {
		sum += e.n
	}
	span := now.Sub(m.events[0].t)
	if span < controlInterval {
		span = controlInterval
	}
	return float64(sum) / span.Seconds()
}
