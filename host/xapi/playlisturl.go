package xapi

import (
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// Playlist names are like playlist_16741300876014598598.m3u8, sometimes with a tw_ prefix.
var (
	livePlaylistName = regexp.MustCompile(`^(tw_)?dynamic_playlist\.m3u8$`)
)

// PlaylistURL turns the location X's stream status gives into the playlist
// that holds the whole recording: it unwraps authorized_status wrappers,
// refuses video broadcasts, and rewrites a live window to the master
// playlist (whose last variant lists every chunk since the start).
func PlaylistURL(location string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(location))
	if err != nil || u.Host == "" {
		return nil, protocol.Errorf(protocol.CodeAPIChanged, "X gave a playlist location that is not a URL")
	}
	for range 3 { // a wrapper may wrap a wrapper
		if !strings.Contains(u.Path, "/live_video_stream/authorized_status/") {
			break
		}
		inner := u.Query().Get("url")
		if inner == "" {
			return nil, protocol.Errorf(protocol.CodeAPIChanged, "X gave a wrapped playlist location without its URL")
		}
		if u, err = url.Parse(inner); err != nil || u.Host == "" {
			return nil, protocol.Errorf(protocol.CodeAPIChanged, "X gave a wrapped playlist location that is not a URL")
		}
	}
	if strings.Contains(u.Path, "/live_video_stream/geoblocked/") {
		return nil, protocol.Errorf(protocol.CodeForbidden, "X does not make this Space available in your country.")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, protocol.Errorf(protocol.CodeAPIChanged, "X gave a playlist location with scheme %q", u.Scheme)
	}
	if !strings.Contains(u.Path, "/audio-space/") {
		return nil, protocol.NewError(protocol.CodeVideoSpace, nil)
	}
	dir, name := path.Split(u.Path)
	if livePlaylistName.MatchString(name) {
		prefix := strings.TrimSuffix(name, "dynamic_playlist.m3u8")
		u.Path = dir + prefix + "master_playlist.m3u8"
		u.RawPath = ""
		u.RawQuery = ""
	}
	return u, nil
}

// ChunkBase returns the URL against which a media playlist's chunk names
// resolve. Playlists under /transcode/<region>/<bucket>/<JWT>/audio-space/
// name chunks that exist only under /non_transcode/<region>/<bucket>/audio-space/.
func ChunkBase(playlist *url.URL) *url.URL {
	parts := strings.Split(playlist.Path, "/")
	for i, p := range parts {
		if p != "transcode" || i+4 >= len(parts) {
			continue
		}
		// parts[i+1] region, parts[i+2] bucket, parts[i+3] the JWT of encoder settings.
		if parts[i+3] == "audio-space" {
			break
		}
		out := append([]string{}, parts[:i]...)
		out = append(out, "non_transcode", parts[i+1], parts[i+2])
		out = append(out, parts[i+4:]...)
		b := *playlist
		b.Path = strings.Join(out, "/")
		b.RawPath = ""
		return &b
	}
	return playlist
}
