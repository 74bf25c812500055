package nmhost

import (
	"sync"
	"time"

	"github.com/spacekeep/spacekeep/protocol"
)

// pump carries job events from the driver to the stream without ever
// blocking the driver: the subscription callback only records the event
// and signals; one goroutine writes. Progress is coalesced per job (latest
// wins, at most one frame per interval per job); job.done and job.failed
// are queued in order, never dropped, and discard the job's pending
// progress, which they supersede.
type pump struct {
	write    func(protocol.Event) // writes one frame; errors are the writer's to log
	interval time.Duration

	mu       sync.Mutex
	pending  map[string]protocol.Event // latest unsent progress per job
	order    []string                  // jobs with pending progress, first come first
	terminal []protocol.Event
	lastSent map[string]time.Time
	finished map[string]bool // jobs whose terminal event was seen: later progress is stale
	paused   int
	closing  bool

	wake chan struct{}
	done chan struct{}
}

func newPump(interval time.Duration, write func(protocol.Event)) *pump {
	p := &pump{
		write:    write,
		interval: interval,
		pending:  map[string]protocol.Event{},
		lastSent: map[string]time.Time{},
		finished: map[string]bool{},
		wake:     make(chan struct{}, 1),
		done:     make(chan struct{}),
	}
	go p.run()
	return p
}

// push records e; it never blocks on I/O.
func (p *pump) push(e protocol.Event) {
	p.mu.Lock()
	switch e.Type {
	case protocol.TypeJobProgress:
		if p.finished[e.Job] {
			p.mu.Unlock()
			return
		}
		if _, ok := p.pending[e.Job]; !ok {
			p.order = append(p.order, e.Job)
		}
		p.pending[e.Job] = e
	default: // job.done, job.failed and anything added later: never dropped
		if e.Type == protocol.TypeJobDone || e.Type == protocol.TypeJobFailed {
			p.finished[e.Job] = true
			p.dropPending(e.Job)
		}
		p.terminal = append(p.terminal, e)
	}
	p.mu.Unlock()
	p.signal()
}

// dropPending forgets job's unsent progress. Callers hold mu.
func (p *pump) dropPending(job string) {
	if _, ok := p.pending[job]; !ok {
		return
	}
	delete(p.pending, job)
	for i, j := range p.order {
		if j == job {
			p.order = append(p.order[:i], p.order[i+1:]...)
			break
		}
	}
}

func (p *pump) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// revive forgets that job finished: a new start may reuse its id.
func (p *pump) revive(job string) {
	p.mu.Lock()
	delete(p.finished, job)
	p.mu.Unlock()
}

// pause holds writing until resume, so that a download.start reply goes out
// before the new job's first event.
func (p *pump) pause() { p.mu.Lock(); p.paused++; p.mu.Unlock() }

func (p *pump) resume() {
	p.mu.Lock()
	p.paused--
	p.mu.Unlock()
	p.signal()
}

// close writes everything still pending, ignoring the interval, and stops.
func (p *pump) close() {
	p.mu.Lock()
	p.closing = true
	p.mu.Unlock()
	p.signal()
	<-p.done
}

func (p *pump) run() {
	defer close(p.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		batch, next, stop := p.take(time.Now())
		for _, e := range batch {
			p.write(e)
		}
		if stop {
			return
		}
		if len(batch) > 0 {
			continue // more may have come while writing
		}
		if next > 0 {
			timer.Reset(next)
		}
		select {
		case <-p.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// take returns the events due now in the order to write them, how long to
// wait for the next progress to become due (0: nothing pending), and
// whether the pump is finished.
func (p *pump) take(now time.Time) (batch []protocol.Event, next time.Duration, stop bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused > 0 && !p.closing {
		return nil, 0, false
	}
	batch = p.terminal
	p.terminal = nil
	var keep []string
	for _, job := range p.order {
		due := p.lastSent[job].Add(p.interval)
		if p.closing || !now.Before(due) {
			batch = append(batch, p.pending[job])
			delete(p.pending, job)
			p.lastSent[job] = now
			continue
		}
		keep = append(keep, job)
		if wait := due.Sub(now); next == 0 || wait < next {
			next = wait
		}
	}
	p.order = keep
	return batch, next, p.closing && len(batch) == 0
}
