package fakex

import (
	"bytes"
	"fmt"
	"math"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/host/testaudio"
)

var chunkRE = regexp.MustCompile(`^chunk_(\d{19})_(\d+)(_a\.aac|\.ts)$`)

// liveWindow is how many segments a live dynamic playlist shows.
const liveWindow = 4

func (s *Server) cdnHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.cdnConns.request(r)
		if !s.record("cdn", r) {
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		switch {
		case strings.HasPrefix(r.URL.Path, "/profile_images/"):
			s.serveAvatar(w, r)
		case strings.HasPrefix(r.URL.Path, "/Transcoding/v1/hls/"):
			s.serveHLS(w, r)
		default:
			http.NotFound(w, r)
		}
	})
}

// serveHLS routes a playlist or chunk request to its Space by the <hash>
// path segment and checks that the file exists in the directory asked for.
func (s *Server) serveHLS(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	hash, _, _ := strings.Cut(strings.TrimPrefix(path, "/Transcoding/v1/hls/"), "/")
	slash := strings.LastIndexByte(path, '/')
	dir, file := path[:slash], path[slash+1:]

	s.mu.Lock()
	sp, ok := s.byHash[hash]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.waitStall(r.Context(), sp)
	if s.serveVideo(w, r, sp, dir, file) { // Spaces with video (video.go)
		return
	}
	nonTranscode := dir == sp.dirNonTranscode()
	if !nonTranscode && dir != sp.dirTranscode() {
		http.NotFound(w, r)
		return
	}
	if m := chunkRE.FindStringSubmatch(file); m != nil {
		// Chunks exist only beside the original (non_transcode) playlist:
		// resolving a transcode playlist's chunks naïvely must fail (X-FACTS §4).
		if !nonTranscode {
			http.NotFound(w, r)
			return
		}
		s.serveChunk(w, r, sp, file, m[2])
		return
	}
	if strings.HasSuffix(file, ".m3u8") {
		s.servePlaylist(w, r, sp, file, nonTranscode)
		return
	}
	http.NotFound(w, r)
}

func (s *Server) servePlaylist(w http.ResponseWriter, r *http.Request, sp *space, file string, nonTranscode bool) {
	s.mu.Lock()
	sp.playlistHits++
	hits := sp.playlistHits
	spec := sp.spec
	count := sp.chunkCount(time.Now())
	s.mu.Unlock()
	if hits <= spec.Playlist404s {
		http.NotFound(w, r)
		return
	}
	video := spec.PlaylistShape == ShapeVideo
	running := spec.State == StateRunning
	var body string
	switch {
	case !video && nonTranscode && file == "master_playlist.m3u8",
		video && nonTranscode && file == "master_dynamic_"+sp.digits+".m3u8":
		body = sp.masterPlaylist(video)
	case file == sp.playlistName():
		body = sp.mediaPlaylist(spec.windowFrom(count), count, running)
	case !video && nonTranscode && file == "dynamic_playlist.m3u8":
		body = sp.mediaPlaylist(max(0, count-liveWindow), count, running)
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("Cache-Control", "no-cache")
	if r.Method == http.MethodHead {
		return
	}
	s.writeShaped(r.Context(), w, []byte(body)) //nolint:errcheck // the client went away
}

// masterPlaylist lists one variant by absolute path, under /transcode/.
func (sp *space) masterPlaylist(video bool) string {
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n")
	if video {
		b.WriteString(`#EXT-X-STREAM-INF:BANDWIDTH=2750000,RESOLUTION=1280x720,CODECS="avc1.4d401f,mp4a.40.2"` + "\n")
	} else {
		b.WriteString(`#EXT-X-STREAM-INF:BANDWIDTH=96000,CODECS="mp4a.40.2"` + "\n")
	}
	b.WriteString(sp.dirTranscode() + "/" + sp.playlistName() + "\n")
	return b.String()
}

// mediaPlaylist lists chunks [from, to). A Running Space's playlist has
// PROGRAM-DATE-TIME and no ENDLIST; a finished one ends with ENDLIST.
func (sp *space) mediaPlaylist(from, to int, running bool) string {
	typ := "replay"
	if running {
		typ = "live"
	}
	version := 6
	if sp.spec.Extinf == ExtinfInteger {
		version = 3 // integer durations: what a list below version 3 must use
	}
	var b strings.Builder
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:%d\n#EXT-X-TARGETDURATION:4\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MEDIA-SEQUENCE:%d\n", version, from)
	if running {
		b.WriteString("#EXT-X-DISCONTINUITY-SEQUENCE:0\n#EXT-X-START:TIME-OFFSET=0.01\n")
	}
	for i := from; i < to; i++ {
		if running {
			fmt.Fprintf(&b, "#EXT-X-PROGRAM-DATE-TIME:%s\n", sp.chunkTime(i).UTC().Format("2006-01-02T15:04:05.000Z"))
		}
		fmt.Fprintf(&b, "#EXTINF:%s,\n%s?type=%s\n", sp.extinf(i), sp.chunkName(i), typ)
	}
	if !running {
		b.WriteString("#EXT-X-ENDLIST\n")
	}
	return b.String()
}

// extinf is chunk i's duration as its playlist writes it (SpaceSpec.Extinf).
func (sp *space) extinf(i int) string {
	switch sp.spec.Extinf {
	case ExtinfExact:
		return fmt.Sprintf("%.3f", testaudio.Seconds(i))
	case ExtinfInteger:
		return fmt.Sprintf("%.0f", testaudio.Seconds(i))
	}
	return fmt.Sprintf("%.3f", math.Round(testaudio.Seconds(i)))
}

// LeanFrames is how many frames SpaceSpec.LeanEvery's chunks lack.
const LeanFrames = 19

// fault is what goes wrong with one chunk response.
type fault int

const (
	faultNone  fault = iota
	faultFail        // 503
	faultReset       // RST halfway through the body
	faultShort       // fewer bytes than Content-Length, then FIN
)

func every(k, i int) bool { return k > 0 && (i+1)%k == 0 }

func (s *Server) serveChunk(w http.ResponseWriter, r *http.Request, sp *space, file, seqStr string) {
	seq, err := strconv.Atoi(seqStr)
	s.mu.Lock()
	exists := err == nil && seq < sp.chunkCount(time.Now()) && file == sp.chunkName(seq)
	if !exists {
		s.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	var try int
	if r.Method == http.MethodGet {
		sp.hits[seq]++
		try = sp.hits[seq]
	}
	spec := sp.spec
	s.inflight++
	s.maxInflight = max(s.maxInflight, s.inflight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inflight--
		s.mu.Unlock()
	}()

	var buf bytes.Buffer
	if every(spec.JunkEvery, seq) {
		buf.Write(junk)
	}
	audio := s.audio[seq%len(s.audio)]
	if every(spec.LeanEvery, seq) {
		n, _ := testaudio.FrameEnd(audio, testaudio.Frames(seq)-LeanFrames) // fewer frames than audio holds: no error
		audio = audio[:n]
	}
	buf.Write(sp.taggedAudio(seq, audio))
	body := buf.Bytes()

	f := faultNone
	if try == 1 {
		switch {
		case every(spec.FailEvery, seq):
			f = faultFail
		case every(spec.ResetEvery, seq):
			f = faultReset
		case every(spec.ShortEvery, seq):
			f = faultShort
		}
	}
	if f == faultFail {
		http.Error(w, "503 Service Unavailable", http.StatusServiceUnavailable)
		return
	}

	h := w.Header()
	h.Set("Content-Type", "audio/aac")
	h.Set("Accept-Ranges", "bytes")
	h.Set("Cache-Control", "public, max-age=31536000")
	status := http.StatusOK
	if from, to, ok := parseRange(r.Header.Get("Range"), len(body)); ok {
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", from, to-1, len(body)))
		body = body[from:to]
		status = http.StatusPartialContent
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	switch f {
	case faultReset, faultShort:
		part := body[:len(body)/2]
		if err := s.writeShaped(r.Context(), w, part); err != nil {
			return
		}
		s.cut(w, f == faultReset)
	default:
		if s.writeShaped(r.Context(), w, body) == nil {
			s.cdnConns.served(len(body))
		}
	}
}

// cut ends the connection mid-body: with a TCP RST (reset) or a plain close.
func (s *Server) cut(w http.ResponseWriter, reset bool) {
	rc := http.NewResponseController(w)
	rc.Flush() //nolint:errcheck // best effort: the cut follows anyway
	conn, _, err := rc.Hijack()
	if err != nil {
		// Cannot hijack (never with HTTP/1.1): abort, which also closes.
		panic(http.ErrAbortHandler)
	}
	raw := conn
	if nc, ok := conn.(interface{ NetConn() net.Conn }); ok {
		raw = nc.NetConn()
	}
	tcp, ok := raw.(*net.TCPConn)
	if cc, counted := raw.(*countedConn); counted {
		tcp, ok = cc.Conn.(*net.TCPConn)
	}
	if ok && reset {
		tcp.SetLinger(0) //nolint:errcheck // linger 0 makes Close send RST
	}
	// Close the raw TCP connection so TLS sends no close_notify: the client
	// sees the stream break, as with a real network fault.
	raw.Close()
}

// parseRange understands the single ranges "bytes=a-", "bytes=a-b" and
// "bytes=-n"; anything else is ignored and the whole body is sent.
func parseRange(h string, size int) (from, to int, ok bool) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false
	}
	a, b, found := strings.Cut(spec, "-")
	if !found {
		return 0, 0, false
	}
	if a == "" {
		n, err := strconv.Atoi(b)
		if err != nil || n <= 0 {
			return 0, 0, false
		}
		return max(0, size-n), size, true
	}
	from, err := strconv.Atoi(a)
	if err != nil || from >= size {
		return 0, 0, false
	}
	to = size
	if b != "" {
		end, err := strconv.Atoi(b)
		if err != nil || end < from {
			return 0, 0, false
		}
		to = min(size, end+1)
	}
	return from, to, true
}
