package hls

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/host/playlist"
)

func variants(spec ...string) []playlist.Variant {
	var out []playlist.Variant
	for i, s := range spec {
		bw, codecs, _ := strings.Cut(s, " ")
		var b uint32
		fmt.Sscan(bw, &b)
		out = append(out, playlist.Variant{RawURI: fmt.Sprint(i), Bandwidth: b, Codecs: codecs})
	}
	return out
}

// The variant is chosen by CODECS, never by its place: real masters list a
// video variant first or last.
func TestChooseVariantByCodecs(t *testing.T) {
	for _, tt := range []struct {
		name    string
		vs      []playlist.Variant
		picture bool
		want    string
		kind    Kind
		video   bool
	}{
		{"audio between two video", variants("2750000 avc1.4d401f,mp4a.40.2", "96000 mp4a.40.2", "900000 avc1.42c01e,mp4a.40.2"), false, "1", KindAudio, true},
		{"audio first", variants("96000 mp4a.40.2", "900000 avc1.42c01e,mp4a.40.2"), false, "0", KindAudio, true},
		{"no audio-only: smallest video", variants("2750000 avc1.4d401f,mp4a.40.2", "400000 avc1.42c01e,mp4a.40.2", "900000 avc1.42c01e,mp4a.40.2"), false, "1", KindVideo, true},
		{"picture: largest video", variants("400000 avc1.42c01e,mp4a.40.2", "96000 mp4a.40.2", "2750000 avc1.4d401f,mp4a.40.2"), true, "2", KindVideo, true},
		{"picture without video", variants("96000 mp4a.40.2"), true, "0", KindAudio, false},
		{"old audio master without CODECS", variants("96000", "128000"), false, "1", KindAudio, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, kind, video := choose(tt.vs, tt.picture)
			if v.RawURI != tt.want || kind != tt.kind || video != tt.video {
				t.Errorf("chose %s (%s, video %v), want %s (%s, video %v)", v.RawURI, kind, video, tt.want, tt.kind, tt.video)
			}
		})
	}
}

// Masters nest (master_master → master → media); deeper than the bound is
// an error, not a loop.
func TestStreamFollowsNestedMastersWithABound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/master_master_playlist.m3u8":
			w.Write([]byte("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2750000,CODECS=\"avc1.4d401f,mp4a.40.2\"\nv720.m3u8\n" +
				"#EXT-X-STREAM-INF:BANDWIDTH=96000,CODECS=\"mp4a.40.2\"\naudio-space/master_playlist.m3u8\n" +
				"#EXT-X-STREAM-INF:BANDWIDTH=900000,CODECS=\"avc1.42c01e,mp4a.40.2\"\nv360.m3u8\n"))
		case r.URL.Path == "/audio-space/master_playlist.m3u8":
			w.Write([]byte("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=96000,CODECS=\"mp4a.40.2\"\nplaylist_1.m3u8\n"))
		case r.URL.Path == "/audio-space/playlist_1.m3u8":
			w.Write([]byte("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:3.008,\nchunk_1_0_a.aac\n#EXT-X-ENDLIST\n"))
		case r.URL.Path == "/v360.m3u8", r.URL.Path == "/v720.m3u8":
			w.Write([]byte("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:3.008,\nchunk_1_0.ts\n#EXT-X-ENDLIST\n"))
		case strings.HasPrefix(r.URL.Path, "/loop"):
			w.Write([]byte("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=96000,CODECS=\"mp4a.40.2\"\n" + r.URL.Path + "x\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	l := &Loader{Client: srv.Client()}
	at := func(p string) *url.URL { u, _ := url.Parse(srv.URL + p); return u }
	st, err := l.Stream(context.Background(), at("/master_master_playlist.m3u8"), false)
	if err != nil {
		t.Fatal(err)
	}
	if st.URL.Path != "/audio-space/playlist_1.m3u8" || st.Kind != KindAudio || !st.HasVideo {
		t.Errorf("got %s (%s, video %v), want the audio-only list, a Space with video", st.URL.Path, st.Kind, st.HasVideo)
	}
	st, err = l.Stream(context.Background(), at("/master_master_playlist.m3u8"), true)
	if err != nil || st.URL.Path != "/v720.m3u8" || st.Kind != KindVideo {
		t.Errorf("picture: got %v, %v; want the 720p list", st.URL, err)
	}
	if _, err := l.Stream(context.Background(), at("/loop"), false); err == nil || !strings.Contains(err.Error(), "nest") {
		t.Errorf("endless masters: %v", err)
	}
}
