package fakex

import (
	"embed"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/host/testaudio"
)

// Shapes of Spaces with video (X-FACTS §4 and §7). Their picture lists
// and MPEG-TS chunks sit in the bucket's folder, without /audio-space/.
//
// ShapeVideo has no audio-only variant: a master_dynamic_<digits>.m3u8
// lists two video variants (720p and 360p, the larger first), whose
// chunks are real MPEG-TS (H.264 and AAC, made once with ffmpeg: see
// testdata/video/gen.go), so the sound must be taken from the TS chunks.
// ShapeVideoMaster is a master_master_playlist.m3u8 whose audio-only
// variant sits between two video ones and leads to the usual
// audio-space/master_playlist.m3u8 → playlist_<digits>.m3u8 of ADTS
// chunks; a Running Space of this shape is a live Space with video.
// Chunk i of a picture list is testdata chunk i%VideoChunks, whose sound
// is testaudio chunk i%VideoChunks: give such Spaces VideoChunks chunks.
const ShapeVideoMaster = "video_master"

// VideoChunks is how many distinct MPEG-TS chunks the fake has.
const VideoChunks = 4

//go:embed testdata/video/*.ts
var tsFiles embed.FS

// tsChunk is chunk i's MPEG-TS bytes.
func tsChunk(i int) ([]byte, error) {
	return tsFiles.ReadFile(fmt.Sprintf("testdata/video/chunk_%d.ts", i%VideoChunks))
}

// videoVariants are the picture variants, larger first as on real lists.
var videoVariants = []struct {
	name, attrs string
}{
	{"720", `BANDWIDTH=2750000,RESOLUTION=1280x720,CODECS="avc1.4d401f,mp4a.40.2"`},
	{"360", `BANDWIDTH=900000,RESOLUTION=640x360,CODECS="avc1.42c01e,mp4a.40.2"`},
}

// tsAudioPID is the PID ffmpeg gave the AAC of the committed chunks.
const tsAudioPID = 0x101

// withoutPID drops the 188-byte packets of one PID: what is left is still
// a valid transport stream, whose PMT names a stream that never comes.
func withoutPID(ts []byte, pid int) []byte {
	out := make([]byte, 0, len(ts))
	for p := 0; p+188 <= len(ts); p += 188 {
		if int(ts[p+1]&0x1f)<<8|int(ts[p+2]) != pid {
			out = append(out, ts[p:p+188]...)
		}
	}
	return out
}

func (sp *space) hasVideo() bool {
	return sp.spec.PlaylistShape == ShapeVideo || sp.spec.PlaylistShape == ShapeVideoMaster
}

// videoDir is the folder of a Space with video's picture lists and chunks.
func (sp *space) videoDir() string {
	return "/Transcoding/v1/hls/" + sp.hash + "/non_transcode/" + sp.region + "/" + sp.bucket
}

// videoMasterName is the master the status names for a Space with video.
func (sp *space) videoMasterName() string {
	if sp.spec.PlaylistShape == ShapeVideoMaster {
		return "master_master_playlist.m3u8"
	}
	return "master_dynamic_" + sp.digits + ".m3u8"
}

// videoLocation is source.location for a Space with video.
func (sp *space) videoLocation(cdn string) string {
	typ := "replay"
	if sp.spec.State == StateRunning {
		typ = "live"
	}
	return cdn + sp.videoDir() + "/" + sp.videoMasterName() + "?type=" + typ
}

func (sp *space) tsName(i int) string {
	return fmt.Sprintf("chunk_%d_%d.ts", sp.chunkTime(i).UnixNano(), i)
}

// serveVideo answers the requests for a Space with video's own folder
// (its masters, picture lists and TS chunks); it reports false for every
// other request, which the audio code serves as for any Space.
func (s *Server) serveVideo(w http.ResponseWriter, r *http.Request, sp *space, dir, file string) bool {
	if !sp.hasVideo() || dir != sp.videoDir() {
		return false
	}
	s.mu.Lock()
	sp.playlistHits++
	count := sp.chunkCount(time.Now())
	spec := sp.spec
	s.mu.Unlock()
	running := spec.State == StateRunning
	var body string
	switch {
	case file == sp.videoMasterName():
		var b strings.Builder
		b.WriteString("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n")
		for i, v := range videoVariants {
			fmt.Fprintf(&b, "#EXT-X-STREAM-INF:%s\n%s_%s.m3u8\n", v.attrs, sp.digits, v.name)
			if i == 0 && spec.PlaylistShape == ShapeVideoMaster {
				b.WriteString(`#EXT-X-STREAM-INF:BANDWIDTH=96000,CODECS="mp4a.40.2"` + "\naudio-space/master_playlist.m3u8\n")
			}
		}
		body = b.String()
	case strings.HasPrefix(file, sp.digits+"_") && strings.HasSuffix(file, ".m3u8"):
		from := spec.windowFrom(count)
		var b strings.Builder
		fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:%d\n", from)
		for i := from; i < count; i++ {
			fmt.Fprintf(&b, "#EXTINF:%.3f,\n%s\n", testaudio.ChunkDuration, sp.tsName(i))
		}
		if !running {
			b.WriteString("#EXT-X-ENDLIST\n")
		}
		body = b.String()
	case strings.HasSuffix(file, ".ts"):
		i := -1
		if m := chunkRE.FindStringSubmatch(file); m != nil {
			i, _ = strconv.Atoi(m[2])
		}
		if i < 0 || i >= count || file != sp.tsName(i) {
			http.NotFound(w, r)
			return true
		}
		s.mu.Lock()
		sp.hits[i]++
		s.mu.Unlock()
		data, err := tsChunk(i)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return true
		}
		if spec.VideoNoSound {
			data = withoutPID(data, tsAudioPID)
		}
		w.Header().Set("Content-Type", "video/mp2t")
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		if r.Method != http.MethodHead {
			s.writeShaped(r.Context(), w, data) //nolint:errcheck // the client went away
		}
		return true
	default:
		http.NotFound(w, r)
		return true
	}
	w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		s.writeShaped(r.Context(), w, []byte(body)) //nolint:errcheck // the client went away
	}
	return true
}
