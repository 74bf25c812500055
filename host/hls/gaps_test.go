package hls

import (
	"strconv"
	"strings"
	"sync"
	"testing"
)

// A sliding window read too late lost the chunks it moved past: Follow
// says which, where they belong, and that the start before the first
// window read is missing too.
func TestFollowReportsTheChunksASlidingWindowMovedPast(t *testing.T) {
	p := &livePlaylist{window: true, n: 5}
	var (
		mu   sync.Mutex
		gaps []Gap
	)
	opt := FollowOptions{OnGap: func(g Gap) {
		mu.Lock()
		gaps = append(gaps, g)
		mu.Unlock()
	}}
	q, err := follow(t, p, opt, func(q *Queue) {
		waitLen(t, q, 6)
		p.set(func(p *livePlaylist) { p.n += 7 }) // a stall: 7 chunks pass unseen
		n := q.Len()
		waitLen(t, q, n+3)
		// Then the whole list: the chunks missed cannot go at the end.
		p.set(func(p *livePlaylist) { p.window, p.ended = false, true })
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < q.Len(); i++ {
		a, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(q.At(i-1).Name, "chunk_"), ".aac"))
		b, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(q.At(i).Name, "chunk_"), ".aac"))
		if b <= a {
			t.Fatalf("chunk %s after %s: the queue is out of order", q.At(i).Name, q.At(i-1).Name)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(gaps) != 2 {
		t.Fatalf("gaps %+v, want the start and the stall", gaps)
	}
	// The first window read listed chunks 2-4 (the server had 5).
	if g := gaps[0]; g.Index != 0 || g.First != 0 || g.Chunks != 2 || g.Duration < 6 || g.Duration > 6.1 {
		t.Errorf("the start: %+v, want chunks 0-1 (6 s) before index 0", g)
	}
	g := gaps[1]
	if g.Chunks < 5 || g.Index == 0 || g.Index >= q.Len() {
		t.Fatalf("the stall: %+v, want at least 5 chunks (7 new, a window of 3), inside the queue of %d", g, q.Len())
	}
	// The chunk at Index is the first one after the gap.
	if want := "chunk_" + itoa(g.First+uint64(g.Chunks)) + ".aac"; q.At(g.Index).Name != want {
		t.Errorf("chunk at the gap's index is %s, want %s", q.At(g.Index).Name, want)
	}
	if prev := "chunk_" + itoa(g.First-1) + ".aac"; q.At(g.Index-1).Name != prev {
		t.Errorf("chunk before the gap is %s, want %s", q.At(g.Index-1).Name, prev)
	}
}

// A list that holds the whole recording has no gap, however late it is read.
func TestFollowFindsNoGapInAGrowingList(t *testing.T) {
	p := &livePlaylist{n: 5}
	var gaps []Gap
	var mu sync.Mutex
	_, err := follow(t, p, FollowOptions{OnGap: func(g Gap) { mu.Lock(); gaps = append(gaps, g); mu.Unlock() }}, func(q *Queue) {
		waitLen(t, q, 7)
		p.set(func(p *livePlaylist) { p.n += 20 })
		waitLen(t, q, 30)
		p.set(func(p *livePlaylist) { p.ended = true })
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(gaps) != 0 {
		t.Errorf("gaps %+v in a list that holds every chunk", gaps)
	}
}

func itoa(n uint64) string {
	return strconv.FormatUint(n, 10)
}
