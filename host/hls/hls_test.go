package hls

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/adts"
	"github.com/spacekeep/spacekeep/host/syncbuf"
	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

// cdn serves n real ADTS chunks with faults on chosen first attempts.
type cdn struct {
	t      *testing.T
	chunks [][]byte
	mu     sync.Mutex
	hits   map[int]int
	fault  map[int]string // chunk → "500" | "429" | "short" | "html" | "always500" | "lean" | "leanfirst" | "ts"
	inUse  atomic.Int32
	peak   atomic.Int32
}

func newCDN(t *testing.T, n int) (*cdn, *httptest.Server) {
	t.Helper()
	chunks, err := testaudio.Generate(n)
	if err != nil {
		t.Fatalf("generate audio: %v", err)
	}
	c := &cdn{t: t, chunks: chunks, hits: map[int]int{}, fault: map[int]string{}}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return c, srv
}

func (c *cdn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Cookie") != "" {
		c.t.Errorf("the CDN got a Cookie header")
	}
	cur := c.inUse.Add(1)
	defer c.inUse.Add(-1)
	for {
		p := c.peak.Load()
		if cur <= p || c.peak.CompareAndSwap(p, cur) {
			break
		}
	}
	var i int
	if _, err := fmt.Sscanf(filepath.Base(r.URL.Path), "chunk_%d.aac", &i); err != nil || i >= len(c.chunks) {
		http.NotFound(w, r)
		return
	}
	c.mu.Lock()
	c.hits[i]++
	first := c.hits[i] == 1
	fault := c.fault[i]
	c.mu.Unlock()
	body := c.chunks[i]
	switch {
	case fault == "always500" || (fault == "500" && first):
		http.Error(w, "boom", http.StatusInternalServerError)
		return
	case fault == "429" && first:
		http.Error(w, "slow down", http.StatusTooManyRequests)
		return
	case fault == "html" && first:
		w.Write([]byte("<html>error</html>"))
		return
	case fault == "lean" || (fault == "leanfirst" && first):
		body = lean(c.t, body) // all its bytes, but 0.4 s short of audio
	case fault == "ts":
		body = testaudio.TS(body)
	case fault == "short" && first:
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body[:len(body)/2]) // the server closes the connection: a cut-off body
		return
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.Write(body)
}

func (c *cdn) hitsOf(i int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits[i]
}

func (c *cdn) list(base string) []Chunk {
	out := make([]Chunk, len(c.chunks))
	for i := range c.chunks {
		out[i] = Chunk{Dir: base + "/a/", File: fmt.Sprintf("chunk_%d.aac?type=replay", i), Name: fmt.Sprintf("chunk_%d.aac", i), Duration: testaudio.ChunkDuration}
	}
	return out
}

// lean drops the last 19 frames (0.4 s) of an ADTS chunk.
func lean(t *testing.T, chunk []byte) []byte {
	n, err := testaudio.FrameEnd(chunk, testaudio.Frames(0)-19)
	if err != nil {
		t.Fatal(err)
	}
	return chunk[:n]
}

// TestDownloadTakesEXTINFAsAHint: chunks of 140 to 142 frames listed as
// 3.000 or as the integer 3 are fetched once each; a chunk short of its
// EXTINF beyond rounding is fetched once more and, served short again,
// kept as served; one served whole the second time is kept whole.
func TestDownloadTakesEXTINFAsAHint(t *testing.T) {
	for _, listed := range []float64{3.000, 3} {
		c, srv := newCDN(t, 6)
		c.fault[2], c.fault[4] = "lean", "leanfirst"
		list := c.list(srv.URL)
		for i := range list {
			list[i].Duration = listed
		}
		dir := t.TempDir()
		if err := Download(context.Background(), list, Options{Client: srv.Client(), Dir: dir, MaxConns: 2}); err != nil {
			t.Fatalf("EXTINF %v: %v", listed, err)
		}
		for i := range c.chunks {
			want := 1
			if i == 2 || i == 4 {
				want = 2
			}
			if c.hitsOf(i) != want {
				t.Errorf("EXTINF %v: chunk %d (%d frames) fetched %d times, want %d", listed, i, testaudio.Frames(i), c.hitsOf(i), want)
			}
		}
		if got, _ := os.ReadFile(filepath.Join(dir, "chunk_2.aac")); !bytes.Equal(got, lean(t, c.chunks[2])) {
			t.Errorf("the chunk served short twice is not kept as served")
		}
		if got, _ := os.ReadFile(filepath.Join(dir, "chunk_4.aac")); !bytes.Equal(got, c.chunks[4]) {
			t.Errorf("the chunk served whole the second time is not kept whole")
		}
	}
}

// TestDownloadRefusesMPEGTS: a chunk that is MPEG-TS throughout is not
// ADTS audio with junk, and fetching it again does not change that.
func TestDownloadRefusesMPEGTS(t *testing.T) {
	c, srv := newCDN(t, 3)
	c.fault[1] = "ts"
	err := Download(context.Background(), c.list(srv.URL), Options{Client: srv.Client(), Dir: t.TempDir(), MaxConns: 1})
	if protocol.CodeOf(err) != protocol.CodeBadPlaylist || !strings.Contains(err.Error(), "MPEG-TS") || !errors.Is(err, adts.ErrNotADTS) {
		t.Fatalf("err = %v, want bad_playlist: not ADTS audio", err)
	}
	if n := strings.Count(err.Error(), "not ADTS audio"); n != 1 {
		t.Errorf("the message says %d times that it is not ADTS audio: %v", n, err)
	}
	if c.hitsOf(1) != 1 {
		t.Fatalf("the TS chunk was fetched %d times", c.hitsOf(1))
	}
}

func TestDownloadRecoversFromFaults(t *testing.T) {
	c, srv := newCDN(t, 12)
	c.fault[1], c.fault[3], c.fault[5], c.fault[7] = "500", "429", "short", "html"
	dir := t.TempDir()
	var last Progress
	err := Download(context.Background(), c.list(srv.URL), Options{Client: srv.Client(), Dir: dir, MaxConns: 4,
		Progress: func(p Progress) { last = p }})
	if err != nil {
		t.Fatalf("Download: %v", err)
	}
	for i, want := range c.chunks {
		got, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("chunk_%d.aac", i)))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("chunk %d on disk differs (%v)", i, err)
		}
	}
	if last.Done != 12 || last.Total != 12 {
		t.Fatalf("last progress %+v, want 12/12", last)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.part")); len(m) > 0 {
		t.Fatalf("partial files left: %v", m)
	}
	if int(c.peak.Load()) > 4 {
		t.Fatalf("used %d connections, cap was 4", c.peak.Load())
	}
}

func TestDownloadResumesWithoutRefetching(t *testing.T) {
	c, srv := newCDN(t, 8)
	dir := t.TempDir()
	// An earlier run fetched chunks 0, 2 and 3.
	all := c.list(srv.URL)
	if err := Download(context.Background(), []Chunk{all[0], all[2], all[3]}, Options{Client: srv.Client(), Dir: dir}); err != nil {
		t.Fatalf("earlier Download: %v", err)
	}
	c.hits = map[int]int{}
	// A chunk the earlier run did not record (left by a crash) is fetched again.
	os.WriteFile(filepath.Join(dir, "chunk_4.aac"), []byte("garbage"), 0o600)
	var first Progress
	var once sync.Once
	onDisk := map[int]bool{}
	err := Download(context.Background(), c.list(srv.URL), Options{Client: srv.Client(), Dir: dir,
		Progress: func(p Progress) { once.Do(func() { first = p }) },
		OnChunk:  func(i int) { onDisk[i] = true }})
	if err != nil {
		t.Fatalf("Download: %v", err)
	}
	if len(onDisk) != 8 {
		t.Errorf("OnChunk told of %d chunks, want all 8 (resumed ones too)", len(onDisk))
	}
	for _, i := range []int{0, 2, 3} {
		if c.hits[i] != 0 {
			t.Errorf("chunk %d on disk was fetched again", i)
		}
	}
	for _, i := range []int{1, 4, 5, 6, 7} {
		if c.hits[i] != 1 {
			t.Errorf("chunk %d fetched %d times, want 1", i, c.hits[i])
		}
	}
	if first.Resumed != 3 {
		t.Errorf("resumed %d chunks, want 3", first.Resumed)
	}
}

func TestDownloadGivesUpAndKeepsWhatItHas(t *testing.T) {
	c, srv := newCDN(t, 6)
	c.fault[5] = "always500"
	dir := t.TempDir()
	err := Download(context.Background(), c.list(srv.URL), Options{Client: srv.Client(), Dir: dir, MaxConns: 2, Attempts: 2})
	if protocol.CodeOf(err) != protocol.CodeNetwork {
		t.Fatalf("err = %v, want code network", err)
	}
	if !strings.Contains(err.Error(), "HTTP 500") {
		t.Errorf("error %q does not say what the server answered", err)
	}
	n := 0
	for i := 0; i < 5; i++ {
		if _, err := os.Stat(filepath.Join(dir, fmt.Sprintf("chunk_%d.aac", i))); err == nil {
			n++
		}
	}
	if n == 0 {
		t.Fatal("no chunk kept for the next run")
	}
}

func TestDownloadCancels(t *testing.T) {
	c, srv := newCDN(t, 4)
	c.fault[0] = "always500"
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	err := Download(ctx, c.list(srv.URL), Options{Client: srv.Client(), Dir: t.TempDir(), Attempts: 1000})
	if protocol.CodeOf(err) != protocol.CodeCancelled {
		t.Fatalf("err = %v, want cancelled", err)
	}
}

func TestDownloadRefusesFullDisk(t *testing.T) {
	c, srv := newCDN(t, 2)
	dir := t.TempDir()
	// A file where the cache folder should be: writing fails like a disk error.
	blocked := filepath.Join(dir, "cache")
	os.WriteFile(blocked, nil, 0o600)
	err := Download(context.Background(), c.list(srv.URL), Options{Client: srv.Client(), Dir: blocked})
	if protocol.CodeOf(err) != protocol.CodeDisk {
		t.Fatalf("err = %v, want code disk", err)
	}
}

func TestLoaderFollowsMasterAndWaitsOut404(t *testing.T) {
	var plHits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/hls/audio-space/master_playlist.m3u8", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\n/old/playlist_1.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2000\n/t/transcode/JWT/audio-space/playlist_2.m3u8\n")
	})
	mux.HandleFunc("/t/transcode/JWT/audio-space/playlist_2.m3u8", func(w http.ResponseWriter, r *http.Request) {
		if plHits.Add(1) <= 2 {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:3.008,\nchunk_1_0_a.aac?type=replay\n#EXTINF:2.987,\nchunk_2_1_a.aac?type=replay\n#EXT-X-ENDLIST\n")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	u, _ := url.Parse(srv.URL + "/hls/audio-space/master_playlist.m3u8")
	l := &Loader{Client: srv.Client(), NotFoundPatience: 10 * time.Second,
		ChunkBase: func(p *url.URL) *url.URL {
			b := *p
			b.Path = strings.Replace(p.Path, "/transcode/JWT/", "/non_transcode/", 1)
			return &b
		}}
	pl, from, err := l.Media(context.Background(), u)
	if err != nil {
		t.Fatalf("Media: %v", err)
	}
	if !strings.HasSuffix(from.Path, "/playlist_2.m3u8") {
		t.Errorf("took variant %s, want the last", from)
	}
	got := Chunks(pl)
	if len(got) != 2 || !strings.HasSuffix(got[0].URL(), "/t/non_transcode/audio-space/chunk_1_0_a.aac?type=replay") || got[0].Dir != got[1].Dir || got[1].Name != "chunk_2_1_a.aac" {
		t.Fatalf("chunks = %+v", got)
	}
	if plHits.Load() != 3 {
		t.Errorf("playlist fetched %d times, want 3", plHits.Load())
	}
}

func TestLoaderGivesUpOn404(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	u, _ := url.Parse(srv.URL + "/audio-space/playlist_1.m3u8")
	l := &Loader{Client: srv.Client(), NotFoundPatience: 10 * time.Millisecond}
	_, _, err := l.Media(context.Background(), u)
	var pe *protocol.Error
	if !errors.As(err, &pe) || pe.Code != protocol.CodeNetwork || !strings.Contains(pe.Message, "404") {
		t.Fatalf("err = %v, want a network error naming the 404", err)
	}
}

func TestControllerFindsTheLinkLimit(t *testing.T) {
	// A link of 8 units where each connection carries at most 0.42 units.
	c := newController(64, false)
	rate := func(n int) float64 { return min(8, 0.42*float64(n)) }
	for range 60 {
		c.observe(rate(c.limit), c.limit, true)
	}
	if c.limit < 19 || c.limit > 40 {
		t.Fatalf("settled at %d connections, want enough to fill the link (19..40) and no more", c.limit)
	}
	before := c.limit
	c.backOff()
	if c.limit != before/2 {
		t.Fatalf("backOff went from %d to %d connections, want half", before, c.limit)
	}
}

// After a Space ends X answers 404 for minutes: the wait is said once at
// info, each retry after it at debug.
func TestPlaylistWaitIsSaidOnce(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) <= 2 {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:3.000,\nchunk_1_0_a.aac\n#EXT-X-ENDLIST\n")
	}))
	defer srv.Close()
	var logs syncbuf.Buffer
	l := &Loader{Client: srv.Client(), NotFoundPatience: time.Minute, Log: zerolog.New(&logs).Level(zerolog.DebugLevel)}
	u, _ := url.Parse(srv.URL + "/audio-space/playlist_1.m3u8")
	if _, _, err := l.Media(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	if info, debug := strings.Count(logs.String(), `"level":"info"`), strings.Count(logs.String(), `"level":"debug"`); info != 1 || debug != 1 {
		t.Errorf("%d info and %d debug lines, want 1 and 1:\n%s", info, debug, logs.String())
	}
}

// TestDownloadMeasuresWhatTheStoreKeeps: chunks served as MPEG-TS, whose
// Store keeps their AAC (a Space with video, its sound) or the MPEG-TS as
// served (its picture, for an mp4), are fetched once each: their audio is
// measured in what is kept, and MPEG-TS kept whole is not taken for a
// chunk without audio (which was fetched twice and warned about).
func TestDownloadMeasuresWhatTheStoreKeeps(t *testing.T) {
	for _, keepTS := range []bool{false, true} {
		c, srv := newCDN(t, 4)
		adtsOf := map[string][]byte{}
		for i, ch := range c.chunks {
			c.fault[i] = "ts"
			adtsOf[string(testaudio.TS(ch))] = ch
		}
		store := func(b []byte) ([]byte, error) {
			if keepTS {
				return b, nil
			}
			a, ok := adtsOf[string(b)]
			if !ok {
				return nil, errors.New("not a chunk of this CDN")
			}
			return a, nil
		}
		var log syncbuf.Buffer
		err := Download(context.Background(), c.list(srv.URL), Options{Client: srv.Client(), Dir: t.TempDir(), MaxConns: 2,
			Store: store, Log: zerolog.New(&log)})
		if err != nil {
			t.Fatalf("keep MPEG-TS %v: %v", keepTS, err)
		}
		for i := range c.chunks {
			if c.hitsOf(i) != 1 {
				t.Errorf("keep MPEG-TS %v: chunk %d fetched %d times, want 1", keepTS, i, c.hitsOf(i))
			}
		}
		if strings.Contains(log.String(), "short") {
			t.Errorf("keep MPEG-TS %v: a whole chunk is logged as short: %s", keepTS, log.String())
		}
	}
}

// TestChunkStoredAtACancelIsNotFetchedAgain: a cancel can end the download
// between a fetch storing its chunk and the download hearing of it; the
// chunk on disk must still count on resume (TestNativeHostCancelAndEOFKeepTheCache
// saw it fetched again once in a while).
func TestChunkStoredAtACancelIsNotFetchedAgain(t *testing.T) {
	c, srv := newCDN(t, 1)
	for round := range 20 {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		// Store runs in the fetch, before the chunk is written: cancelling
		// there races the chunk's hand-in against the download's return.
		store := func(b []byte) ([]byte, error) { cancel(); return b, nil }
		Download(ctx, c.list(srv.URL), Options{Client: srv.Client(), Dir: dir, Store: store})
		if _, err := os.Stat(filepath.Join(dir, "chunk_0.aac")); err != nil {
			t.Fatalf("round %d: the chunk was not written: %v", round, err)
		}
		before := c.hitsOf(0)
		if err := Download(context.Background(), c.list(srv.URL), Options{Client: srv.Client(), Dir: dir}); err != nil {
			t.Fatalf("round %d: resume: %v", round, err)
		}
		if c.hitsOf(0) != before {
			t.Fatalf("round %d: the chunk on disk was fetched again", round)
		}
	}
}
