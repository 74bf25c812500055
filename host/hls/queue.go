package hls

import "sync"

// Queue is a list of chunks that may grow while a download runs: a live
// recording's playlist gains a chunk every few seconds. A finished
// playlist is the simple case, a queue closed from the start.
type Queue struct {
	mu      sync.Mutex
	chunks  []Chunk
	names   map[string]bool
	closed  bool
	err     error
	changed chan struct{} // closed and replaced on every change
}

// NewQueue returns an open queue holding chunks.
func NewQueue(chunks ...Chunk) *Queue {
	q := &Queue{names: make(map[string]bool, len(chunks)), changed: make(chan struct{})}
	q.Add(chunks...)
	return q
}

// Add appends the chunks whose cache names the queue does not hold yet, in
// order, and returns how many it added. Adding to a closed queue adds
// nothing.
func (q *Queue) Add(chunks ...Chunk) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0
	}
	n := 0
	for _, c := range chunks {
		if q.names[c.Name] {
			continue
		}
		q.names[c.Name] = true
		q.chunks = append(q.chunks, c)
		n++
	}
	if n > 0 {
		q.notify()
	}
	return n
}

// Close says that no chunk will be added: a download of the queue returns
// once the chunks it holds are on disk.
func (q *Queue) Close() { q.CloseWithError(nil) }

// CloseWithError closes the queue; a download of it then fails with err
// (if not nil), as when a live playlist can no longer be read.
func (q *Queue) CloseWithError(err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.closed, q.err = true, err
	q.notify()
}

func (q *Queue) notify() {
	close(q.changed)
	q.changed = make(chan struct{})
}

// Len is the number of chunks in the queue.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.chunks)
}

// At returns chunk i, which must be below Len.
func (q *Queue) At(i int) Chunk {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.chunks[i]
}

// Closed reports whether the queue is closed.
func (q *Queue) Closed() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closed
}

// since returns the chunks from index i on, whether the queue is closed
// (and with what error), and a channel closed at the next change.
func (q *Queue) since(i int) (more []Chunk, changed <-chan struct{}, closed bool, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if i < len(q.chunks) {
		more = q.chunks[i:len(q.chunks):len(q.chunks)]
	}
	return more, q.changed, q.closed, q.err
}
