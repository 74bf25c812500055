package xapi

import (
	"net/url"
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

// A page's status answer is checked at the URL that would be fetched, after
// unwrapping: one whose authorized_status wrapper is on X's CDN but wraps a
// plain-http, off-CDN or odd-port playlist is not used (X is asked instead),
// rather than taken and then refused at the fetch, failing the download.
func TestPageStatusIsCheckedUnwrapped(t *testing.T) {
	c, err := New(protocol.Cookies{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	const wrapper = "https://prod-fastly-us-east-1.video.pscp.tv/i/api/1.1/live_video_stream/authorized_status/1/LIVE_PUBLIC/x?url="
	for _, inner := range []string{
		"http://127.0.0.1:9/a/audio-space/playlist_1.m3u8",
		"https://evil.example/a/audio-space/playlist_1.m3u8",
		"https://prod-fastly-us-east-1.video.pscp.tv:8443/a/audio-space/playlist_1.m3u8",
	} {
		raw := `{"source":{"location":"` + wrapper + url.QueryEscape(inner) + `","status":"ENDED"}}`
		if st, err := c.checkGivenStatus([]byte(raw)); err == nil {
			t.Errorf("a wrapper of %s was taken: %+v", inner, st)
		}
	}
	good := "https://prod-fastly-us-east-1.video.pscp.tv/a/audio-space/playlist_1.m3u8?type=replay"
	raw := `{"source":{"location":"` + wrapper + url.QueryEscape(good) + `","status":"ENDED"}}`
	if _, err := c.checkGivenStatus([]byte(raw)); err != nil {
		t.Errorf("a wrapper of %s was refused: %v", good, err)
	}
}
