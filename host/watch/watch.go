// Package watch is the watcher loop: every interval it asks a source which
// of the watched hosts are live and starts one recording per live Space,
// once. It knows nothing of X: the source ("who is live"), the recorder
// ("record this Space") and the claim (one recording across processes) are
// given to it, so tests drive it with a fake clock.
package watch

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/protocol"
)

// Defaults and bounds.
const (
	DefaultInterval = 30 * time.Second
	MinInterval     = 5 * time.Second
	DefaultBatch    = 100
	// DefaultRateWait is the pause after a rate limit that did not say until when.
	DefaultRateWait = 15 * time.Minute
	// MaxPause bounds every pause X asks for: a reset header far ahead (a
	// clock gone wrong, a year-3000 x-rate-limit-reset) is tried again
	// after it rather than believed.
	MaxPause = 15 * time.Minute
)

// Bound returns until, brought to at most MaxPause after now.
func Bound(until, now time.Time) time.Time {
	if limit := now.Add(MaxPause); until.After(limit) {
		return limit
	}
	return until
}

// At words a time for people: its clock time when it is today, else its
// date too ("Mon 2 Jan 2006 15:04").
func At(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04")
	}
	return t.Format("Mon 2 Jan 2006 15:04")
}

// ErrNoSession is returned by a Source that has no session to ask with:
// the watcher pauses until Wake.
var ErrNoSession = errors.New("no session to ask with")

// Live is a live Space of a watched host.
type Live struct {
	Host    string // the watched host's id
	Handle  string // its handle, when known
	Space   string // the Space's id
	Title   string
	Job     string // set by the recorder
	Started time.Time
}

// Answer is what a Source says about one batch of hosts.
type Answer struct {
	Live []Live
	// NotBefore asks for no other call before it (a rate limit's budget is
	// spent until its reset); zero means no such wish.
	NotBefore time.Time
}

// Source tells which of ids (at most Config.Batch) are live.
type Source func(ctx context.Context, ids []string) (Answer, error)

// Recorder starts recording l and returns its job id and a channel closed
// when the recording has ended.
type Recorder func(ctx context.Context, l Live) (job string, done <-chan struct{}, err error)

// Claimer takes the right to record a Space across processes; ok is false
// when another process holds it. release gives it back.
type Claimer func(space string) (release func(), ok bool, err error)

// RetryAter is implemented by a Source's rate-limit error: when to ask again
// (zero when unknown).
type RetryAter interface{ RetryAt() time.Time }

// Config configures a Watcher.
type Config struct {
	// Hosts returns the ids to watch; it is read again every round, so a
	// change of the list takes effect at the next look.
	Hosts  func() ([]string, error)
	Source Source
	Record Recorder
	// Claim is optional: without it only this process's own memory keeps a
	// Space from being recorded twice.
	Claim Claimer
	// Interval between looks: 0 means DefaultInterval; never below MinInterval.
	Interval time.Duration
	// Batch is the most ids per Source call; 0 means DefaultBatch.
	Batch int
	// RateWait is the pause after a rate limit without a reset; 0 means DefaultRateWait.
	RateWait time.Duration
	// Now and Sleep are the clock; tests replace them. Sleep returns early
	// with an error when ctx is done.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// OnLive is told of every recording the watcher starts.
	OnLive func(Live)
	Log    zerolog.Logger
}

// Status is the watcher's state, for watch.status.
type Status struct {
	State     string // a protocol.Watch* state
	Message   string
	Hosts     int
	Last      time.Time
	Until     time.Time // rate_limited: until when
	Recording []Live
}

// Watcher is one watcher loop. Its methods are safe for concurrent use.
type Watcher struct {
	cfg Config

	mu        sync.Mutex
	status    Status
	started   map[string]bool // Spaces this watcher has started (or seen recorded) once
	recording map[string]Live
	wake      context.CancelFunc
	woken     bool
}

// New returns a Watcher; Run runs it.
func New(cfg Config) *Watcher {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	cfg.Interval = max(cfg.Interval, MinInterval)
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.RateWait <= 0 {
		cfg.RateWait = DefaultRateWait
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	return &Watcher{cfg: cfg, started: map[string]bool{}, recording: map[string]Live{},
		status: Status{State: protocol.WatchIdle}}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Interval is the time between two looks.
func (w *Watcher) Interval() time.Duration { return w.cfg.Interval }

// Status returns the watcher's state now.
func (w *Watcher) Status() Status {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := w.status
	st.Recording = make([]Live, 0, len(w.recording))
	for _, l := range w.recording {
		st.Recording = append(st.Recording, l)
	}
	return st
}

// Wake ends the current pause: the next look happens now (a session
// arrived, the list changed). A rate limit's pause is kept.
func (w *Watcher) Wake() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.status.State == protocol.WatchRateLimited {
		return
	}
	w.woken = true
	if w.wake != nil {
		w.wake()
	}
}

func (w *Watcher) setState(state, msg string) {
	w.mu.Lock()
	w.status.State, w.status.Message = state, msg
	w.mu.Unlock()
}

// Run looks every interval until ctx is done; it returns ctx's error.
// Recordings it started are the recorder's: they go on.
func (w *Watcher) Run(ctx context.Context) error {
	for {
		wait := w.round(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		w.mu.Lock()
		if w.woken && w.status.State != protocol.WatchRateLimited {
			w.woken = false
			w.mu.Unlock()
			continue
		}
		w.woken = false
		sctx, cancel := context.WithCancel(ctx)
		w.wake = cancel
		w.mu.Unlock()
		_ = w.cfg.Sleep(sctx, wait) // an early end is a Wake or ctx: both handled above
		w.mu.Lock()
		w.wake = nil
		w.mu.Unlock()
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// round looks once at every watched host and returns how long to wait.
func (w *Watcher) round(ctx context.Context) time.Duration {
	ids, err := w.cfg.Hosts()
	if err != nil {
		w.cfg.Log.Warn().Err(err).Msg("watch: cannot read the watch list")
		w.setState(protocol.WatchError, "Cannot read the watch list: "+err.Error())
		return w.cfg.Interval
	}
	w.mu.Lock()
	w.status.Hosts = len(ids)
	w.mu.Unlock()
	if len(ids) == 0 {
		w.setState(protocol.WatchIdle, "No host to watch.")
		return w.cfg.Interval
	}
	wait := w.cfg.Interval
	for start := 0; start < len(ids); start += w.cfg.Batch {
		batch := ids[start:min(start+w.cfg.Batch, len(ids))]
		ans, err := w.cfg.Source(ctx, batch)
		if ctx.Err() != nil {
			return 0
		}
		if err != nil {
			return w.failed(err)
		}
		for _, l := range ans.Live {
			w.live(ctx, l)
		}
		if !ans.NotBefore.IsZero() {
			ans.NotBefore = Bound(ans.NotBefore, w.cfg.Now())
			if d := ans.NotBefore.Sub(w.cfg.Now()); d > wait {
				// The budget is spent: the rest of the list waits for the reset.
				w.mu.Lock()
				w.status.Last = w.cfg.Now()
				w.status.State, w.status.Message = protocol.WatchRateLimited, "X's budget for this account is spent: the next look waits for its reset ("+At(ans.NotBefore, w.cfg.Now())+")."
				w.status.Until = ans.NotBefore
				w.mu.Unlock()
				return d
			}
		}
	}
	w.mu.Lock()
	w.status.Last = w.cfg.Now()
	w.status.Until = time.Time{}
	w.status.State, w.status.Message = protocol.WatchWatching, ""
	w.mu.Unlock()
	return wait
}

// failed records a look's failure and returns the pause it calls for.
func (w *Watcher) failed(err error) time.Duration {
	var ra RetryAter
	switch {
	case errors.Is(err, ErrNoSession):
		w.setState(protocol.WatchNoSession, "Paused: no x.com session. Open the browser with x.com logged in.")
		return w.cfg.Interval
	case errors.As(err, &ra):
		until := ra.RetryAt()
		now := w.cfg.Now()
		if until.IsZero() || !until.After(now) {
			until = now.Add(w.cfg.RateWait)
		}
		until = Bound(until, now)
		w.cfg.Log.Warn().Str("until", At(until, now)).Msg("watch: X is rate-limiting this account; pausing")
		w.mu.Lock()
		w.status.State, w.status.Message = protocol.WatchRateLimited, "X is rate-limiting this account: watching resumes at "+At(until, now)+"."
		w.status.Until = until
		w.mu.Unlock()
		return until.Sub(now)
	}
	w.cfg.Log.Warn().Err(err).Msg("watch: look failed")
	w.setState(protocol.WatchError, protocol.AsError(err).Error())
	return w.cfg.Interval
}

// live starts a recording of l unless this watcher already did or another
// process holds the Space.
func (w *Watcher) live(ctx context.Context, l Live) {
	w.mu.Lock()
	seen := w.started[l.Space]
	w.mu.Unlock()
	if seen {
		return
	}
	release := func() {}
	if w.cfg.Claim != nil {
		rel, ok, err := w.cfg.Claim(l.Space)
		if err != nil {
			w.cfg.Log.Warn().Err(err).Str("space", l.Space).Msg("watch: cannot claim the Space")
			return
		}
		if !ok {
			w.cfg.Log.Info().Str("space", l.Space).Msg("watch: another spacekeep records this Space")
			return
		}
		release = rel
	}
	l.Started = w.cfg.Now()
	job, done, err := w.cfg.Record(ctx, l)
	if err != nil {
		release()
		w.cfg.Log.Warn().Err(err).Str("space", l.Space).Msg("watch: cannot start the recording")
		return
	}
	l.Job = job
	w.mu.Lock()
	w.started[l.Space] = true
	w.recording[l.Space] = l
	w.mu.Unlock()
	w.cfg.Log.Info().Str("space", l.Space).Str("job", job).Str("host", l.Handle).Msg("watch: host is live, recording")
	if w.cfg.OnLive != nil {
		w.cfg.OnLive(l)
	}
	go func() {
		<-done
		w.mu.Lock()
		delete(w.recording, l.Space)
		w.mu.Unlock()
		release()
	}()
}
