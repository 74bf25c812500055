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
