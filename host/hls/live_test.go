package hls

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// livePlaylist serves a media playlist that grows by one chunk per request,
// as a sliding window of 3 when window is set, until gone (404) or ended.
type livePlaylist struct {
	mu     sync.Mutex
	n      int
	window bool
	gone   bool
	frozen bool // stops growing, without ENDLIST
	ended  bool
	repeat bool // lists chunk_1 twice, in every list that holds it
}

func (p *livePlaylist) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gone {
		http.NotFound(w, r)
		return
	}
	var entries []int // the chunk of each entry, numbered from 0
	for i := range p.n {
		entries = append(entries, i)
		if p.repeat && i == 1 {
			entries = append(entries, i)
		}
	}
	from := 0
	if p.window {
		from = max(0, len(entries)-3)
	}
	fmt.Fprintf(w, "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:%d\n", from)
	for _, c := range entries[from:] {
		fmt.Fprintf(w, "#EXTINF:3.008,\nchunk_%d.aac?type=live\n", c)
	}
	if p.ended {
		fmt.Fprint(w, "#EXT-X-ENDLIST\n")
	} else if !p.frozen {
		p.n++
	}
}

func (p *livePlaylist) set(f func(p *livePlaylist)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(p)
}

func follow(t *testing.T, p *livePlaylist, opt FollowOptions, during func(q *Queue)) (*Queue, error) {
	t.Helper()
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL + "/audio-space/playlist_1.m3u8")
	l := &Loader{Client: srv.Client(), NotFoundPatience: 50 * time.Millisecond}
	pl, _, err := l.Media(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	q := NewQueue(Chunks(pl)...)
	opt.Interval = 5 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- l.Follow(ctx, u, pl, q, opt) }()
	during(q)
	return q, <-done
}

func waitLen(t *testing.T, q *Queue, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for q.Len() < n {
		if time.Now().After(deadline) {
			t.Fatalf("the queue holds %d chunks after 5 s, want %d", q.Len(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func checkOrder(t *testing.T, q *Queue) {
	t.Helper()
	for i := range q.Len() {
		if got := q.At(i).Name; got != fmt.Sprintf("chunk_%d.aac", i) {
			t.Fatalf("chunk %d is %s: want every chunk once, in playlist order", i, got)
		}
	}
}

func TestFollowAddsNewChunksUntilENDLIST(t *testing.T) {
	p := &livePlaylist{n: 2, window: true}
	q, err := follow(t, p, FollowOptions{}, func(q *Queue) {
		waitLen(t, q, 10)
		p.set(func(p *livePlaylist) { p.ended = true })
	})
	if err != nil || !q.Closed() {
		t.Fatalf("Follow: %v, closed %v", err, q.Closed())
	}
	checkOrder(t, q)
}

func TestFollowEndsWhenTheStreamEndedAndThePlaylistStopsGrowing(t *testing.T) {
	for _, gone := range []bool{false, true} {
		t.Run(fmt.Sprintf("gone=%v", gone), func(t *testing.T) {
			p := &livePlaylist{n: 2}
			ended := make(chan struct{})
			q, err := follow(t, p, FollowOptions{Ended: ended, Quiet: 50 * time.Millisecond}, func(q *Queue) {
				waitLen(t, q, 6)
				// X says the Space ended; its playlist stops growing (or is gone) without ENDLIST.
				p.set(func(p *livePlaylist) { p.frozen, p.gone = true, gone })
				close(ended)
			})
			if err != nil || !q.Closed() {
				t.Fatalf("Follow: %v, closed %v", err, q.Closed())
			}
			checkOrder(t, q)
		})
	}
}

func TestFollowFailsWhileLiveWhenThePlaylistIsGone(t *testing.T) {
	p := &livePlaylist{n: 2}
	q, err := follow(t, p, FollowOptions{}, func(q *Queue) {
		waitLen(t, q, 4)
		p.set(func(p *livePlaylist) { p.gone = true })
	})
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("Follow: %v, want the 404", err)
	}
	if _, _, _, qerr := q.since(0); qerr == nil {
		t.Error("the queue was not closed with the error: a download of it would wait forever")
	}
}

// A live list that names a chunk twice (at the end of one read, then in
// the middle of the next) adds it once, and what follows it still comes,
// in order, with no gap reported, whether the list slides or not.
func TestFollowKeepsARepeatedChunkOnce(t *testing.T) {
	for _, window := range []bool{false, true} {
		t.Run(fmt.Sprintf("window=%v", window), func(t *testing.T) {
			p := &livePlaylist{n: 2, window: window, repeat: true}
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
				waitLen(t, q, 8)
				p.set(func(p *livePlaylist) { p.ended = true })
			})
			if err != nil || !q.Closed() {
				t.Fatalf("Follow: %v, closed %v", err, q.Closed())
			}
			checkOrder(t, q)
			mu.Lock()
			defer mu.Unlock()
			if len(gaps) != 0 {
				t.Errorf("gaps %+v, want none", gaps)
			}
		})
	}
}
