package watch

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/protocol"
)

// clock is a fake clock: Sleep records the pause and moves time on at once.
type clock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
	// stopAfter cancels the run after this many sleeps.
	stopAfter int
	cancel    context.CancelFunc
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	if len(c.sleeps) >= c.stopAfter {
		c.cancel()
	}
	return ctx.Err()
}

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.Itoa(1_000_000_000_000_000_000 + i)
	}
	return out
}

type rateErr struct{ at time.Time }

func (e rateErr) Error() string      { return "rate limited" }
func (e rateErr) RetryAt() time.Time { return e.at }

func run(t *testing.T, cfg Config, sleeps int, made ...**Watcher) *clock {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &clock{now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), stopAfter: sleeps, cancel: cancel}
	cfg.Now, cfg.Sleep = c.Now, c.Sleep
	if cfg.Record == nil {
		cfg.Record = func(context.Context, Live) (string, <-chan struct{}, error) {
			return "", make(chan struct{}), errors.New("no recorder")
		}
	}
	w := New(cfg)
	for _, m := range made {
		*m = w
	}
	if err := w.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v", err)
	}
	return c
}

func TestBatchesOf100(t *testing.T) {
	var calls [][]string
	hosts := ids(150)
	c := run(t, Config{
		Hosts: func() ([]string, error) { return hosts, nil },
		Source: func(_ context.Context, b []string) (Answer, error) {
			calls = append(calls, b)
			return Answer{}, nil
		},
	}, 2)
	if len(calls) != 4 || len(calls[0]) != 100 || len(calls[1]) != 50 || calls[1][49] != hosts[149] {
		t.Fatalf("calls: %d, sizes %d/%d; want 2 requests per round (100 + 50)", len(calls), len(calls[0]), len(calls[1]))
	}
	if c.sleeps[0] != DefaultInterval {
		t.Errorf("pause %v, want %v", c.sleeps[0], DefaultInterval)
	}
}

func TestRateLimitWaitsWhatXSays(t *testing.T) {
	base := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	n := 0
	c := run(t, Config{
		Hosts:    func() ([]string, error) { return ids(3), nil },
		Interval: time.Second, // raised to the 5 s minimum
		Source: func(context.Context, []string) (Answer, error) {
			n++
			switch n {
			case 1:
				return Answer{}, rateErr{base.Add(7 * time.Minute)}
			case 2:
				return Answer{}, rateErr{} // no reset header: 15 minutes
			case 3:
				return Answer{NotBefore: base.Add(7*time.Minute + 15*time.Minute + 2*time.Minute)}, nil // budget spent
			}
			return Answer{}, nil
		},
	}, 4)
	want := []time.Duration{7 * time.Minute, 15 * time.Minute, 2 * time.Minute, MinInterval}
	for i, w := range want {
		if c.sleeps[i] != w {
			t.Errorf("pause %d = %v, want %v (all %v)", i, c.sleeps[i], w, c.sleeps)
		}
	}
}

func TestOneRecordingPerSpace(t *testing.T) {
	var mu sync.Mutex
	recorded := map[string]int{}
	claimed := map[string]bool{"taken": true} // another process holds it
	done := make(chan struct{})
	var released []string
	w := run(t, Config{
		Hosts: func() ([]string, error) { return ids(2), nil },
		Source: func(context.Context, []string) (Answer, error) {
			return Answer{Live: []Live{{Host: "1", Space: "1abc"}, {Host: "2", Space: "taken"}}}, nil
		},
		Claim: func(space string) (func(), bool, error) {
			if claimed[space] {
				return nil, false, nil
			}
			return func() { mu.Lock(); released = append(released, space); mu.Unlock() }, true, nil
		},
		Record: func(_ context.Context, l Live) (string, <-chan struct{}, error) {
			mu.Lock()
			recorded[l.Space]++
			mu.Unlock()
			return "job-" + l.Space, done, nil
		},
	}, 3)
	_ = w
	if recorded["1abc"] != 1 || recorded["taken"] != 0 {
		t.Fatalf("recordings %v: want 1abc once and never the claimed one", recorded)
	}
	close(done)
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(released)
		mu.Unlock()
		if n == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if len(released) != 1 || released[0] != "1abc" {
		t.Fatalf("released %v: the claim must be given back when the recording ends", released)
	}
}

func TestStatusStates(t *testing.T) {
	var w *Watcher
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &clock{now: time.Unix(0, 0), stopAfter: 2, cancel: cancel}
	n := 0
	var states []string
	w = New(Config{
		Hosts: func() ([]string, error) { return ids(1), nil },
		Now:   c.Now,
		Sleep: func(ctx context.Context, d time.Duration) error {
			states = append(states, w.Status().State)
			return c.Sleep(ctx, d)
		},
		Source: func(context.Context, []string) (Answer, error) {
			n++
			if n == 1 {
				return Answer{}, ErrNoSession
			}
			return Answer{}, nil
		},
	})
	w.Run(ctx)
	if len(states) != 2 || states[0] != protocol.WatchNoSession || states[1] != protocol.WatchWatching {
		t.Fatalf("states %v", states)
	}
}

func TestFileClaimer(t *testing.T) {
	dir := t.TempDir()
	a, b := FileClaimer(dir), FileClaimer(dir)
	rel, ok, err := a("1abcDEF")
	if err != nil || !ok {
		t.Fatalf("first claim: %v %v", ok, err)
	}
	if _, ok, err := b("1abcDEF"); err != nil || ok {
		t.Fatalf("second claim while held: ok=%v err=%v", ok, err)
	}
	rel()
	rel2, ok, err := b("1abcDEF")
	if err != nil || !ok {
		t.Fatalf("claim after release: %v %v", ok, err)
	}
	rel2()
	if _, _, err := a("../x"); err == nil {
		t.Fatal("an odd id was claimed")
	}
}

// A reset header far ahead (year 3000) pauses at most MaxPause, then the
// watcher asks again; the status shows the date when it is not today.
func TestRateLimitPauseIsBounded(t *testing.T) {
	far := time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	var w *Watcher
	var msgs []string
	c := run(t, Config{
		Hosts: func() ([]string, error) { return ids(3), nil },
		Source: func(context.Context, []string) (Answer, error) {
			n++
			if n > 1 {
				msgs = append(msgs, w.Status().Message)
			}
			switch n {
			case 1:
				return Answer{}, rateErr{far}
			case 2:
				return Answer{NotBefore: far}, nil
			}
			return Answer{}, nil
		},
	}, 3, &w)
	want := []time.Duration{MaxPause, MaxPause, DefaultInterval}
	for i, d := range want {
		if c.sleeps[i] != d {
			t.Errorf("pause %d = %v, want %v (all %v)", i, c.sleeps[i], d, c.sleeps)
		}
	}
	base := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	if len(msgs) == 0 || strings.Contains(msgs[0], "3000") || !strings.Contains(msgs[0], At(base.Add(MaxPause), base)) {
		t.Errorf("status after a far reset: %q", msgs)
	}
}

func TestAtSaysTheDateWhenNotToday(t *testing.T) {
	now := time.Date(2026, 3, 4, 23, 55, 0, 0, time.Local)
	if got := At(now.Add(10*time.Minute), now); got != "Thu 5 Mar 2026 00:05" {
		t.Errorf("tomorrow: %q", got)
	}
	if got := At(now.Add(-time.Hour), now); got != "22:55" {
		t.Errorf("today: %q", got)
	}
}
