package xapi

import (
	"net/url"
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

// FuzzPageAnswers feeds the checks of the page's answers (AudioSpaceById
// and the stream status the extension relays: untrusted JSON) whatever a
// page could send, and then the playlist rules and the CDN's door, as a
// download would: nothing may panic, and what passes must keep the
// promises given.go and cdn.go make.
func FuzzPageAnswers(f *testing.F) {
	const id = "1OyKAWgagpqJb"
	f.Add([]byte(`{"data":{"audioSpace":{"metadata":{"rest_id":"1OyKAWgagpqJb","state":"Ended","title":"T","media_key":"28_1806756364403196306","is_space_available_for_replay":true,"creator_results":{"result":{"core":{"name":"H","screen_name":"h"}}}}}}}`),
		[]byte(`{"source":{"location":"https://prod-fastly-us-east-1.video.pscp.tv/Transcoding/v1/hls/z/non_transcode/us-east-1/b/audio-space/playlist_1.m3u8?type=replay","status":"ENDED"}}`))
	f.Add([]byte(`{"data":{"audioSpace":{}}}`),
		[]byte(`{"source":{"location":"https://twitter.com/i/live_video_stream/authorized_status/1/LIVE_PUBLIC/x?url=http://localhost:9/audio-space/playlist_1.m3u8"}}`))
	f.Add([]byte(`{"data":{"audioSpace":{"metadata":{"rest_id":"1OyKAWgagpqJb","state":"Running","media_key":"28_1"}}}}`),
		[]byte(`{"source":{"noRedirectPlaybackUrl":"https://x.pscp.tv:8443/master_master_playlist.m3u8?type=live"},"chatToken":"c"}`))
	f.Add([]byte(`null`), []byte(`{"source":{"location":"ftp://a/b"}}`))
	c, err := New(protocol.Cookies{}, Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, audio, status []byte) {
		if sp, err := checkGivenSpace(audio, id); err == nil {
			if sp.ID != id {
				t.Fatalf("accepted an answer about %q", sp.ID)
			}
			if sp.MediaKey != "" && !validMediaKey(sp.MediaKey) {
				t.Fatalf("accepted media key %q", sp.MediaKey)
			}
		}
		st, err := c.checkGivenStatus(status)
		if err != nil {
			return
		}
		u, err := url.Parse(st.Location)
		if err != nil || u.Scheme != "https" || !c.playlistHost(u.Hostname()) {
			t.Fatalf("accepted location %q", st.Location)
		}
		lists, err := Playlists(st.Location)
		if err != nil {
			return
		}
		_ = lists.Video()
		for _, v := range []*url.URL{lists.Follow, lists.Whole} {
			if allowCDN(v, c.base) == nil && (v.Scheme != "https" || v.Port() != "" && v.Port() != "443") {
				t.Fatalf("the CDN door lets %s through", v.Redacted())
			}
		}
	})
}
