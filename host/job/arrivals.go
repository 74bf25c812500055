package job

import (
	"context"
	"io"
	"sync"

	"github.com/spacekeep/spacekeep/protocol"
)

// arrivals tells the merge which chunks the download has put on disk, so
// that ffmpeg works while the chunks are still coming in. The list may
// grow (a live recording): the download's success says where it ends.
type arrivals struct {
	mu      sync.Mutex
	have    []bool
	done    bool
	err     error
	stopped bool          // a live recording was stopped: the list ends at the first gap
	changed chan struct{} // closed and replaced on every change
	exited  chan struct{} // closed when the download has returned
}

func newArrivals() *arrivals {
	return &arrivals{changed: make(chan struct{}), exited: make(chan struct{})}
}

func (a *arrivals) notify() {
	close(a.changed)
	a.changed = make(chan struct{})
}

// arrive records that chunk i is on disk.
func (a *arrivals) arrive(i int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for len(a.have) <= i {
		a.have = append(a.have, false)
	}
	a.have[i] = true
	a.notify()
}

// finish records the download's result; no chunk arrives after it.
func (a *arrivals) finish(err error) {
	a.mu.Lock()
	a.done, a.err = true, err
	a.notify()
	a.mu.Unlock()
	close(a.exited)
}

// stop ends the list at the first chunk not on disk: a stopped live
// recording keeps what it has, in order and without gaps. The end is known
// once the download has returned (finish), after the chunks it stored but
// did not hand in have arrived too.
func (a *arrivals) stop() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.stopped = true
	a.notify()
}

// wait blocks until chunk i is on disk and returns nil, or io.EOF when the
// list ends before i, or why chunk i never will be on disk.
func (a *arrivals) wait(ctx context.Context, i int) error {
	for {
		a.mu.Lock()
		switch {
		case i < len(a.have) && a.have[i]:
			a.mu.Unlock()
			return nil
		case a.stopped && a.done:
			// Only once the download has returned: every chunk it
			// stored has been counted by then (fetchAndMerge).
			a.mu.Unlock()
			if i == 0 {
				return protocol.NewError(protocol.CodeCancelled, nil)
			}
			return io.EOF
		case a.done:
			err := a.err
			a.mu.Unlock()
			if err == nil {
				// The download returns nil only once every chunk of
				// the closed list is on disk: i is past its end.
				return io.EOF
			}
			return err
		}
		ch := a.changed
		a.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return protocol.NewError(protocol.CodeCancelled, ctx.Err())
		}
	}
}

// result waits for the download to return and gives its error.
func (a *arrivals) result() error {
	<-a.exited
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}
