package xapi

import (
	"net/url"
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

// The shapes come from x-samples/url_shapes.txt.
func TestPlaylists(t *testing.T) {
	const nt = "https://prod-fastly-ap-northeast-1.video.pscp.tv/Transcoding/v1/hls/zUUp/non_transcode/ap-northeast-1/periscope-replay-direct-prod-ap-northeast-1-public/audio-space/"
	tests := []struct {
		name, in, want string
		code           protocol.Code
	}{
		{"replay kept", nt + "playlist_16741300876014598598.m3u8?type=replay", nt + "playlist_16741300876014598598.m3u8?type=replay", ""},
		{"live to master", nt + "dynamic_playlist.m3u8?type=live", nt + "master_playlist.m3u8", ""},
		{"tw prefix kept", nt + "tw_dynamic_playlist.m3u8?type=live", nt + "tw_master_playlist.m3u8", ""},
		{"master kept", nt + "master_playlist.m3u8", nt + "master_playlist.m3u8", ""},
		{"wrapped", "https://twitter.com/i/live_video_stream/authorized_status/1618183355492859905/LIVE_PUBLIC/FnTxMDWaAAE_38D?url=" + nt + "playlist_1.m3u8%3Ftype%3Dreplay", nt + "playlist_1.m3u8?type=replay", ""},
		{"live media list to master", nt + "playlist_1674130087.m3u8?type=live", nt + "master_playlist.m3u8", ""},
		{"tw live media list to master", nt + "tw_playlist_1674130087.m3u8?type=live", nt + "tw_master_playlist.m3u8", ""},
		{"video master kept", "https://prod-fastly-ap-northeast-1.video.pscp.tv/Transcoding/v1/hls/x/non_transcode/ap-northeast-1/periscope-replay-direct-prod-ap-northeast-1-public/master_dynamic_16726907818458204116.m3u8?type=replay", "https://prod-fastly-ap-northeast-1.video.pscp.tv/Transcoding/v1/hls/x/non_transcode/ap-northeast-1/periscope-replay-direct-prod-ap-northeast-1-public/master_dynamic_16726907818458204116.m3u8?type=replay", ""},
		{"master of masters kept", nt + "master_master_playlist.m3u8", nt + "master_master_playlist.m3u8", ""},
		{"geoblocked", "https://x.com/i/live_video_stream/geoblocked/1/x", "", protocol.CodeForbidden},
		{"not a url", "::", "", protocol.CodeAPIChanged},
		{"wrapper without url", "https://twitter.com/i/live_video_stream/authorized_status/1/LIVE_PUBLIC/x", "", protocol.CodeAPIChanged},
		{"ftp", "ftp://h/audio-space/playlist_1.m3u8", "", protocol.CodeAPIChanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lists, err := Playlists(tt.in)
			got := lists.Whole
			if tt.code != "" {
				if protocol.CodeOf(err) != tt.code {
					t.Fatalf("got %v, %v; want code %s", got, err, tt.code)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Fatalf("got %v, %v; want %s", got, err, tt.want)
			}
		})
	}
}

func TestChunkBase(t *testing.T) {
	l, _ := Playlists("https://cdn/Transcoding/v1/hls/HASH/transcode/ap-northeast-1/periscope-replay-direct-prod-ap-northeast-1-public/eyJhbGciOi.eyJFbmNv.ldkt/audio-space/playlist_16761019244202992663.m3u8")
	got := ChunkBase(l.Whole).String()
	want := "https://cdn/Transcoding/v1/hls/HASH/non_transcode/ap-northeast-1/periscope-replay-direct-prod-ap-northeast-1-public/audio-space/playlist_16761019244202992663.m3u8"
	if got != want {
		t.Fatalf("ChunkBase = %s\nwant       %s", got, want)
	}
	plain := "https://cdn/Transcoding/v1/hls/HASH/non_transcode/r/b/audio-space/playlist_1.m3u8"
	l2, _ := Playlists(plain)
	if got := ChunkBase(l2.Whole).String(); got != plain {
		t.Fatalf("non_transcode changed: %s", got)
	}
}

// What may be fetched from the CDN: https, the default port, X's CDN
// domains; with a test base that is not X's, that base's host too.
func TestAllowCDN(t *testing.T) {
	test, _ := url.Parse("http://127.0.0.1:4000")
	prod, _ := url.Parse("https://x.com")
	for _, tt := range []struct {
		u    string
		base *url.URL
		ok   bool
	}{
		{"https://prod-fastly-us-east-1.video.pscp.tv/a/audio-space/playlist_1.m3u8", nil, true},
		{"https://prod-fastly-us-east-1.video.pscp.tv:443/a.m3u8", prod, true},
		{"http://prod-fastly-us-east-1.video.pscp.tv/a.m3u8", prod, false},
		{"https://prod-fastly-us-east-1.video.pscp.tv:8443/a.m3u8", prod, false},
		{"https://evil.example/a.m3u8", prod, false},
		{"https://pscp.tv.evil.example/a.m3u8", prod, false},
		{"http://127.0.0.1:5000/a.m3u8", test, true},
		{"http://localhost:5000/a.m3u8", test, false},
		{"http://x.com:5000/a.m3u8", prod, false},
		{"http://127.0.0.1:5000/a.m3u8", prod, false},
	} {
		u, _ := url.Parse(tt.u)
		if err := allowCDN(u, tt.base); (err == nil) != tt.ok {
			t.Errorf("allowCDN(%s, %v) = %v, want ok=%v", tt.u, tt.base, err, tt.ok)
		}
	}
}
