package job

import (
	"context"
	"sync"

	"github.com/spacekeep/spacekeep/protocol"
)

// arrivals tells the merge which chunks the download has put on disk, so
// that ffmpeg works while the chunks are still coming in.
type arrivals struct {
	mu      sync.Mutex
	have    []bool
	done    bool
	err     error
	changed chan struct{} // closed and replaced on every change
	exited  chan struct{} // closed when the download has returned
}

func newArrivals(n int) *arrivals {
	return &arrivals{have: make([]bool, n), changed: make(chan struct{}), exited: make(chan struct{})}
}

// arrive records that chunk i is on disk.
func (a *arrivals) arrive(i int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.have[i] = true
	close(a.changed)
	a.changed = make(chan struct{})
}

// finish records the download's result; no chunk arrives after it.
func (a *arrivals) finish(err error) {
	a.mu.Lock()
	a.done, a.err = true, err
	close(a.changed)
	a.changed = make(chan struct{})
	a.mu.Unlock()
	close(a.exited)
}

// wait blocks until chunk i is on disk, or returns why it never will be.
func (a *arrivals) wait(ctx context.Context, i int) error {
	for {
		a.mu.Lock()
		if a.have[i] {
			a.mu.Unlock()
			return nil
		}
		if a.done {
			err := a.err
			a.mu.Unlock()
			if err == nil {
				err = protocol.Errorf(protocol.CodeInternal, "chunk %d never arrived", i)
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
