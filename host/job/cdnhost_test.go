package job

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/protocol"
)

// A page's answer may wrap any URL in an authorized_status location; what
// the host then fetches, after every unwrap, every redirect and for every
// chunk, must be on X's CDN (here: the fake's host), never a plain-http
// port the page chose.
func TestPageAnswerCannotSendTheHostOffTheCDN(t *testing.T) {
	var hits atomic.Int32
	// The page's target: "localhost", another host than the fake's 127.0.0.1.
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:3.0,\nchunk_1_0_a.aac\n#EXT-X-ENDLIST\n"))
	}))
	defer target.Close()
	elsewhere := strings.Replace(target.URL, "127.0.0.1", "localhost", 1)
	// A server on the fake's own host that redirects there, or lists chunks there.
	relay := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/redirect/audio-space/playlist_1.m3u8"):
			http.Redirect(w, r, elsewhere+"/audio-space/playlist_1.m3u8", http.StatusFound)
		case strings.HasSuffix(r.URL.Path, "/chunks/audio-space/playlist_1.m3u8"):
			w.Write([]byte("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:3.0,\n" + elsewhere + "/audio-space/chunk_1_0_a.aac\n#EXT-X-ENDLIST\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer relay.Close()

	for name, loc := range map[string]string{
		"avatar":   "", // the page's AudioSpaceById names the cover  "https://twitter.com/i/live_video_stream/authorized_status/1/LIVE_PUBLIC/x?url=" + elsewhere + "/audio-space/playlist_1.m3u8",
		"redirect": relay.URL + "/redirect/audio-space/playlist_1.m3u8",
		"chunks":   relay.URL + "/chunks/audio-space/playlist_1.m3u8",
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, fakex.Options{})
			audio, status, key, err := e.x.PageAnswers(fakex.DemoID)
			if err != nil {
				t.Fatal(err)
			}
			var st map[string]any
			if err := json.Unmarshal(status, &st); err != nil {
				t.Fatal(err)
			}
			if loc != "" {
				st["source"].(map[string]any)["location"] = loc
				status, _ = json.Marshal(st)
			} else {
				audio = []byte(strings.ReplaceAll(string(audio), `"image_url":"`, `"image_url":"`+elsewhere+`/profile_images/x.jpg#`))
			}
			id, err := e.m.Start(protocol.DownloadStart{Space: fakex.DemoID, Cookies: e.cookies, Options: protocol.Options{OutputDir: e.out},
				Page: &protocol.PageAnswers{AudioSpace: audio, StreamStatus: status, MediaKey: key}})
			if err != nil {
				t.Fatal(err)
			}
			ev, err := e.m.Wait(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Type == protocol.TypeJobDone && ev.Path == "" {
				t.Fatalf("done without a file: %+v", ev)
			}
			if loc == "" {
				if ev.Type != protocol.TypeJobDone {
					t.Errorf("a cover art the page names failed the job: %+v", ev)
				}
			} else if ev.Type != protocol.TypeJobFailed || !strings.Contains(ev.Message, "refused") {
				t.Errorf("the job ended %s %q, want it refused", ev.Type, ev.Message)
			}
			if n := hits.Swap(0); n > 0 {
				t.Fatalf("the host fetched %d times from %s, a host the page chose (job ended %s %s)", n, elsewhere, ev.Type, ev.Message)
			}
		})
	}
}
