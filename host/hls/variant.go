package hls

import (
	"context"
	"net/url"
	"path"
	"strings"

	"github.com/spacekeep/spacekeep/host/playlist"
	"github.com/spacekeep/spacekeep/protocol"
)

// maxMasterDepth bounds masters of masters: X's deepest is two
// (master_master_playlist → master_playlist → media).
const maxMasterDepth = 4

// Kind is what a media playlist's chunks hold.
type Kind int

const (
	// KindAudio chunks are AAC in ADTS (with ID3 tags): X's audio Spaces.
	KindAudio Kind = iota
	// KindVideo chunks are MPEG-TS holding H.264 video and AAC audio.
	KindVideo
)

func (k Kind) String() string {
	if k == KindVideo {
		return "video"
	}
	return "audio"
}

// Stream is the media playlist a master led to, and what it holds.
type Stream struct {
	Playlist *playlist.Playlist
	URL      *url.URL
	Kind     Kind
	// Codecs is the CODECS of the variant chosen last ("" without a master).
	Codecs string
	// HasVideo is true when a master on the way listed a video variant: the
	// Space has a picture, whichever variant was taken.
	HasVideo bool
}

// Stream loads the media playlist at u, following masters of any depth
// (up to a bound). Variants are chosen by their CODECS, never by their
// place in the list: the audio-only one, else one whose CODECS are not
// said (X's audio masters of old), else the video variant with the
// smallest bandwidth, whose audio is taken from its MPEG-TS chunks. With
// picture the video variant with the largest bandwidth is taken instead,
// when there is one.
func (l *Loader) Stream(ctx context.Context, u *url.URL, picture bool) (Stream, error) {
	var st Stream
	for range maxMasterDepth + 1 {
		pl, err := l.fetch(ctx, u)
		if err != nil {
			return Stream{}, err
		}
		if !pl.Master {
			if len(pl.Segments) == 0 {
				return Stream{}, protocol.Errorf(protocol.CodeBadPlaylist, "the playlist lists no audio chunks")
			}
			st.Playlist, st.URL = pl, u
			if st.Kind != KindVideo && isTS(pl.Segments[0].RawURI) {
				st.Kind, st.HasVideo = KindVideo, true
			}
			return st, nil
		}
		v, kind, video := choose(pl.Variants, picture)
		st.HasVideo = st.HasVideo || video
		st.Kind, st.Codecs = kind, v.Codecs
		u = v.URI
	}
	return Stream{}, protocol.Errorf(protocol.CodeBadPlaylist, "master playlists nest more than %d deep", maxMasterDepth)
}

// choose picks a variant of a master (Parse guarantees one at least), says
// what its chunks hold, and whether the master lists any video.
func choose(vs []playlist.Variant, picture bool) (playlist.Variant, Kind, bool) {
	var audio, unknown, smallest, largest *playlist.Variant
	for i := range vs {
		v := &vs[i]
		switch codecsKind(v.Codecs) {
		case codecsAudio:
			audio = v // the last of them: X's audio masters list the whole recording last
		case codecsVideo:
			if smallest == nil || v.Bandwidth < smallest.Bandwidth {
				smallest = v
			}
			if largest == nil || v.Bandwidth > largest.Bandwidth {
				largest = v
			}
		default:
			unknown = v
		}
	}
	video := smallest != nil
	switch {
	case picture && largest != nil:
		return *largest, KindVideo, true
	case audio != nil:
		return *audio, KindAudio, video
	case unknown != nil:
		return *unknown, KindAudio, video
	}
	return *smallest, KindVideo, true
}

type codecs int

const (
	codecsUnknown codecs = iota
	codecsAudio
	codecsVideo
)

// codecsKind reads a CODECS attribute: audio-only when every codec is an
// audio one, video when any is a picture codec.
func codecsKind(c string) codecs {
	c = strings.ToLower(strings.TrimSpace(c))
	if c == "" {
		return codecsUnknown
	}
	out := codecsAudio
	for _, one := range strings.Split(c, ",") {
		one = strings.TrimSpace(one)
		switch {
		case strings.HasPrefix(one, "mp4a"), strings.HasPrefix(one, "ac-3"), strings.HasPrefix(one, "ec-3"), one == "opus":
		case strings.HasPrefix(one, "avc"), strings.HasPrefix(one, "hvc"), strings.HasPrefix(one, "hev"),
			strings.HasPrefix(one, "av01"), strings.HasPrefix(one, "vp09"):
			return codecsVideo
		default:
			out = codecsUnknown
		}
	}
	return out
}

// isTS reports whether a segment URI names an MPEG-TS file.
func isTS(raw string) bool {
	p := raw
	if u, err := url.Parse(raw); err == nil {
		p = u.Path
	}
	return strings.EqualFold(path.Ext(p), ".ts")
}
