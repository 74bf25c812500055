package hls

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/playlist"
	"github.com/spacekeep/spacekeep/host/syncbuf"
)

// A replay's list that names one chunk twice gives it once to the
// download (not twice to the file), and the log says so once however
// often the list is read.
func TestRepeatedChunkDownloadedOnce(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n")
		for _, c := range []int{0, 1, 1, 2} {
			fmt.Fprintf(w, "#EXTINF:3.008,\nchunk_%d.aac?type=replay\n", c)
		}
		fmt.Fprint(w, "#EXT-X-ENDLIST\n")
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL + "/audio-space/playlist_1.m3u8")
	var logs syncbuf.Buffer
	l := &Loader{Client: srv.Client(), NotFoundPatience: time.Second, Log: zerolog.New(&logs)}
	for range 2 {
		pl, _, err := l.Media(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range Chunks(pl) {
			names = append(names, c.Name)
		}
		if strings.Join(names, " ") != "chunk_0.aac chunk_1.aac chunk_2.aac" {
			t.Fatalf("chunks %v, want each once", names)
		}
	}
	if n := strings.Count(logs.String(), `"level":"warn"`); n != 1 || !strings.Contains(logs.String(), `"repeats":1`) {
		t.Errorf("want one warning counting the repeat, got %d: %s", n, logs.String())
	}
}

// A read that ends on a repeat still numbered it: the next window, starting
// right after it, lost nothing.
func TestRepeatAtTheEndIsNoGap(t *testing.T) {
	parse := func(seq int, chunks ...int) *playlist.Playlist {
		var b strings.Builder
		fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:%d\n", seq)
		for _, c := range chunks {
			fmt.Fprintf(&b, "#EXTINF:3.0,\nchunk_%d.aac\n", c)
		}
		base, _ := url.Parse("https://cdn.example/audio-space/playlist_1.m3u8")
		pl, err := playlist.Parse(strings.NewReader(b.String()), base)
		if err != nil {
			t.Fatal(err)
		}
		return pl
	}
	first := parse(0, 0, 1, 1)
	w := newSeqWatch(first)
	gaps, from := w.next(parse(3, 2, 3, 4), 2)
	if len(gaps) != 0 || from != 0 {
		t.Errorf("gaps %+v from %d; want none, all new", gaps, from)
	}
}

// The log line of a chunk served short twice counts chunks from 1, as the
// user's warning does ("chunk 3 at 6 s holds …"): the third chunk is 3.
func TestServedShortLogCountsFromOne(t *testing.T) {
	c, srv := newCDN(t, 4)
	c.fault[2] = "lean"
	var logs syncbuf.Buffer
	opt := Options{Client: srv.Client(), Dir: t.TempDir(), MaxConns: 1, Log: zerolog.New(&logs)}
	if err := Download(context.Background(), c.list(srv.URL), opt); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), `"chunk":3,`) || strings.Count(logs.String(), "served short") != 1 {
		t.Errorf("want one served-short line naming chunk 3: %s", logs.String())
	}
}
