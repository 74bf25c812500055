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
	livePlaylistName  = regexp.MustCompile(`^(tw_)?dynamic_playlist\.m3u8$`)
	mediaPlaylistName = regexp.MustCompile(`^(tw_)?playlist_\d+\.m3u8$`)
)

// Lists is where a Space's recording is, in the fetcher's terms.
type Lists struct {
	// Follow is the list X's own player plays: a live window, or the replay.
	Follow *url.URL
	// Whole is the list that holds every chunk since the start (it may be a
	// master): load it, follow it while the Space is live, and read it again
	// to fill what a live recording missed.
	Whole *url.URL
}

// Live reports whether Whole is not what X named: a live window that
// lists only its last chunks was rewritten to the list of them all.
func (l Lists) Live() bool { return l.Follow.String() != l.Whole.String() }

// Video reports whether the lists are those of a Space with video: its
// lists sit outside /audio-space/, or are masters of masters or the
// master_dynamic ones of video broadcasts.
func (l Lists) Video() bool {
	name := path.Base(l.Follow.Path)
	return !strings.Contains(l.Follow.Path, "/audio-space/") ||
		strings.HasPrefix(name, "master_master_") || strings.HasPrefix(name, "master_dynamic_")
}

// Playlists turns the location X's stream status gives into the lists to
// fetch: it unwraps authorized_status wrappers and, for a live window
// (dynamic_playlist.m3u8, or playlist_<n>.m3u8 with ?type=live), names the
// master playlist beside it, whose variant lists every chunk since the
// start. Spaces with video (no /audio-space/ in the path) are masters of
// their own; the fetcher picks their audio by CODECS.
func Playlists(location string) (Lists, error) {
	u, err := url.Parse(strings.TrimSpace(location))
	if err != nil || u.Host == "" {
		return Lists{}, protocol.Errorf(protocol.CodeAPIChanged, "X gave a playlist location that is not a URL")
	}
	for range 3 { // a wrapper may wrap a wrapper
		if !strings.Contains(u.Path, "/live_video_stream/authorized_status/") {
			break
		}
		inner := u.Query().Get("url")
		if inner == "" {
			return Lists{}, protocol.Errorf(protocol.CodeAPIChanged, "X gave a wrapped playlist location without its URL")
		}
		if u, err = url.Parse(inner); err != nil || u.Host == "" {
			return Lists{}, protocol.Errorf(protocol.CodeAPIChanged, "X gave a wrapped playlist location that is not a URL")
		}
	}
	if strings.Contains(u.Path, "/live_video_stream/geoblocked/") {
		return Lists{}, protocol.Errorf(protocol.CodeForbidden, "X does not make this Space available in your country.")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return Lists{}, protocol.Errorf(protocol.CodeAPIChanged, "X gave a playlist location with scheme %q", u.Scheme)
	}
	whole := *u
	dir, name := path.Split(u.Path)
	live := livePlaylistName.MatchString(name) ||
		mediaPlaylistName.MatchString(name) && u.Query().Get("type") == "live" && strings.HasSuffix(dir, "/audio-space/")
	if live {
		prefix := ""
		if strings.HasPrefix(name, "tw_") {
			prefix = "tw_"
		}
		whole.Path = dir + prefix + "master_playlist.m3u8"
		whole.RawPath = ""
		whole.RawQuery = ""
	}
	return Lists{Follow: u, Whole: &whole}, nil
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
