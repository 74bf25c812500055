package fakex

import (
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/spacekeep/spacekeep/host/testaudio"
)

// Space states, as X spells them in metadata.state.
const (
	StateNotStarted = "NotStarted"
	StateRunning    = "Running"
	StateEnded      = "Ended"
	StateTimedOut   = "TimedOut"
	StateCanceled   = "Canceled"
)

// Playlist shapes: what the status endpoint's source.location looks like
// (X-FACTS §4). Every audio shape also serves master_playlist.m3u8 beside
// its playlist, whose variant lives under /transcode/.../<JWT>/ and whose
// chunks exist only under /non_transcode/.
const (
	ShapeReplay   = "replay"    // .../non_transcode/.../audio-space/playlist_<digits>.m3u8?type=replay
	ShapeMaster   = "master"    // .../non_transcode/.../audio-space/master_playlist.m3u8
	ShapeWrapped  = "wrapped"   // https://twitter.com/i/live_video_stream/authorized_status/...?url=<replay URL>
	ShapeTWPrefix = "tw_prefix" // .../audio-space/tw_playlist_<digits>.m3u8?type=replay (no un-prefixed name exists)
	ShapeVideo    = "video"     // .../non_transcode/<region>/<bucket>/master_dynamic_<digits>.m3u8?type=replay, .ts chunks
	ShapeLive     = "live"      // .../audio-space/dynamic_playlist.m3u8?type=live, a growing window of 4
)

// EXTINF modes: how a media playlist writes each chunk's duration. HLS
// makes EXTINF a hint (an integer below version 3, rounded by many
// packagers); the chunks hold 140 to 142 frames (2.987 to 3.029 s) whatever
// the playlist says (X-FACTS §5).
const (
	ExtinfRounded = "rounded" // #EXTINF:3.000, for every chunk (the default)
	ExtinfInteger = "integer" // #EXTINF:3, in a VERSION:3 playlist
	ExtinfExact   = "exact"   // #EXTINF:2.987, / 3.008, / 3.029, to the millisecond, as X's live lists
)

// Creator shapes: where creator_results.result keeps name and screen_name.
const (
	CreatorCore   = "core"   // late 2025: result.core.{name,screen_name}, result.avatar.image_url
	CreatorLegacy = "legacy" // before: result.legacy.{name,screen_name,profile_image_url_https}
)

// Participant is someone in a Space's admins or speakers.
type Participant struct {
	DisplayName string
	ScreenName  string // the @handle without "@"
}

// SpaceSpec describes a Space the fake knows. Zero fields take defaults
// that make a plausible Space (see AddSpace).
type SpaceSpec struct {
	ID         string
	Title      string
	State      string // one of the State constants; default Ended
	Replayable bool   // is_space_available_for_replay
	HostName   string // the creator's display name
	HostHandle string // the creator's screen name, without "@"
	// AvatarURL is the creator's profile image. Empty means one the fake
	// serves itself from the CDN listener (a generated JPEG, in _normal and
	// _400x400 sizes); a value starting with "/" is a path on the CDN.
	AvatarURL    string
	CreatorShape string // CreatorCore (default) or CreatorLegacy
	Chunks       int    // default 20 for Spaces that have audio
	// PlaylistShape is one of the Shape constants; default ShapeReplay, or
	// ShapeLive for a Running Space.
	PlaylistShape string
	// Extinf is one of the Extinf constants; default ExtinfRounded.
	Extinf string
	// DataWithErrors adds a "Dependency: Unspecified" error next to the data.
	DataWithErrors bool
	// Playlist404s makes the first N playlist requests answer 404, as X does
	// for about a minute after a Space ends.
	Playlist404s int
	// JunkEvery puts a partial MPEG-TS header before the ID3 tag of every
	// k-th chunk (chunks k-1, 2k-1, ...), on every request; default 5, as
	// real chunks carry some; below 0, none.
	JunkEvery int
	// LeanEvery makes every k-th chunk hold LeanFrames fewer frames (0.4 s)
	// than its EXTINF says, on every request: X serving it short.
	LeanEvery int
	// FailEvery answers 503 to the first request of every k-th chunk.
	FailEvery int
	// ResetEvery resets the connection (TCP RST) halfway through the body of
	// the first request of every k-th chunk.
	ResetEvery int
	// ShortEvery sends fewer bytes than Content-Length, then closes the
	// connection, on the first request of every k-th chunk.
	ShortEvery int
	// Times; defaults derive from a fixed date (2024-06-28) so file names in
	// demos are stable, or from now for live and scheduled Spaces.
	StartedAt, EndedAt, ScheduledStart time.Time
	Admins, Speakers, Listeners        []Participant
	TotalLiveListeners                 int
	TotalReplayWatched                 int
	// ListenerCounts, for a Running Space, are the live listener counts
	// its AudioSpaceById answers give in turn (the last one repeats), as
	// total_live_listeners and participant_count: a count that changes
	// over time. See listeners.go.
	ListenerCounts []int
	// Talk is the speaking schedule the chunks' Hydra levels show; nil
	// means each person in turn for 15 s. Away takes speakers off the
	// stage for a while. NoHydra leaves the Hydra frames out of the tags;
	// BadHydraEvery damages every k-th tag (cut JSON, a level past the
	// participants list). See hydra.go.
	Talk          []Talk
	Away          []Away
	NoHydra       bool
	BadHydraEvery int
	// Captions are what the chat service's history holds for the Space
	// (with partials, chat, reactions and joins around them); ChatFail
	// makes the history answer that status from page ChatFailPage on (1
	// is the first page), or accessChatPublic when ChatFailPage is 0.
	// ChatLoop makes the history's cursor loop from page 3 back to page 2
	// for ever, as a broken chat service might. See chat.go.
	Captions     []CaptionSpec
	ChatFail     int
	ChatFailPage int
	ChatLoop     bool
	// ChatPageSize is how many messages a history page holds; default 5.
	ChatPageSize int
	// LiveInterval is how often a Running Space gains a chunk; default
	// ChunkDuration (real time). Tests use a few milliseconds.
	LiveInterval time.Duration
	// LiveWindow, if above 0, makes a Running Space offer no list of its
	// whole recording: every media playlist (the master's variant too)
	// shows only its last LiveWindow chunks until the Space ends.
	LiveWindow int
	// VideoNoSound serves a Space with video's MPEG-TS chunks without their
	// AAC packets (picture only), so that nothing X serves has sound (video.go).
	VideoNoSound bool
}

// refTime is the default end of ended Spaces: fixed, so demo file names are stable.
var refTime = time.Date(2024, 6, 28, 18, 0, 0, 0, time.UTC)

// chunkDur is testaudio.ChunkDuration, a chunk's mean length, as a Duration.
const chunkDur = time.Duration(testaudio.ChunkDuration * float64(time.Second))

// defaultJunkEvery is SpaceSpec.JunkEvery's default.
const defaultJunkEvery = 5

// secs turns seconds into a Duration.
func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

var regions = []string{"us-east-1", "us-west-1", "eu-west-3", "eu-central-1", "ap-northeast-1", "ap-south-1"}

// space is a SpaceSpec with its derived names and its mutable counters.
type space struct {
	spec     SpaceSpec
	hash     string // the /Transcoding/v1/hls/<hash>/ path segment
	region   string
	bucket   string
	digits   string // playlist_<digits>.m3u8
	mediaKey string // 28_<snowflake>
	hostID   string // creator rest_id
	jwt      string // the /transcode/ JWT segment
	added    time.Time

	playlistHits int
	hits         map[int]int // GETs per chunk index
	stallUntil   time.Time   // CDN requests hang until then (Stall)
	infoHits     int         // AudioSpaceById answers while Running

	chat *chatLog // the chat history, made once (chat.go); shared by copies
}

// chatLog is a Space's chat history, made on its first request.
type chatLog struct {
	once sync.Once
	msgs []map[string]any
}

// AddSpace adds (or replaces) a Space. It may be called at any time.
func (s *Server) AddSpace(spec SpaceSpec) {
	sp := newSpace(spec, time.Now())
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.spaces[sp.spec.ID]; ok {
		delete(s.byMediaKey, old.mediaKey)
		delete(s.byHash, old.hash)
	}
	s.spaces[sp.spec.ID] = sp
	s.byMediaKey[sp.mediaKey] = sp
	s.byHash[sp.hash] = sp
}

// RemoveSpace deletes a Space: the API then answers as X does for a deleted one.
func (s *Server) RemoveSpace(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sp, ok := s.spaces[id]; ok {
		delete(s.spaces, id)
		delete(s.byMediaKey, sp.mediaKey)
		delete(s.byHash, sp.hash)
	}
}

// EndSpace ends a Running Space now: it keeps the chunks it has, becomes
// Ended and replayable, and its status then points at a replay playlist.
func (s *Server) EndSpace(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp, ok := s.spaces[id]
	if !ok {
		return fmt.Errorf("fakex: end Space %s: no such Space", id)
	}
	now := time.Now()
	sp.spec.Chunks = sp.chunkCount(now)
	sp.spec.State = StateEnded
	sp.spec.Replayable = true
	sp.spec.EndedAt = now
	if sp.spec.PlaylistShape == ShapeLive {
		sp.spec.PlaylistShape = ShapeReplay
	}
	return nil
}

// ChunkHits returns how many GETs each chunk index of a Space received.
func (s *Server) ChunkHits(spaceID string) map[int]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int]int{}
	if sp, ok := s.spaces[spaceID]; ok {
		for k, v := range sp.hits {
			out[k] = v
		}
	}
	return out
}

// Space returns the Space's spec with its defaults filled in.
func (s *Server) Space(id string) (SpaceSpec, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp, ok := s.spaces[id]
	if !ok {
		return SpaceSpec{}, false
	}
	return sp.spec, true
}

// MediaKey returns the media_key of a Space ("28_<snowflake>").
func (s *Server) MediaKey(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sp, ok := s.spaces[id]; ok {
		return sp.mediaKey
	}
	return ""
}

func newSpace(spec SpaceSpec, now time.Time) *space {
	sum := sha512.Sum512([]byte("spacekeep-fakex:" + spec.ID))
	u := func(i int) uint64 { return binary.BigEndian.Uint64(sum[i*8:]) }
	if spec.State == "" {
		spec.State = StateEnded
	}
	hasAudio := spec.State == StateEnded || spec.State == StateTimedOut || spec.State == StateRunning
	if spec.Chunks == 0 && hasAudio {
		spec.Chunks = 20
	}
	if spec.Title == "" {
		spec.Title = "Space " + spec.ID
	}
	if spec.HostHandle == "" {
		spec.HostHandle = "host" + strconv.FormatUint(u(0)%100000, 10)
	}
	if spec.HostName == "" {
		spec.HostName = "Host " + spec.HostHandle
	}
	if spec.CreatorShape == "" {
		spec.CreatorShape = CreatorCore
	}
	if spec.PlaylistShape == "" {
		spec.PlaylistShape = ShapeReplay
		if spec.State == StateRunning {
			spec.PlaylistShape = ShapeLive
		}
	}
	if spec.Extinf == "" {
		spec.Extinf = ExtinfRounded
	}
	if spec.JunkEvery == 0 {
		spec.JunkEvery = defaultJunkEvery
	}
	if spec.LiveInterval <= 0 {
		spec.LiveInterval = chunkDur
	}
	length := secs(testaudio.Length(spec.Chunks))
	switch spec.State {
	case StateRunning:
		if spec.StartedAt.IsZero() {
			spec.StartedAt = now.Add(-length).Truncate(time.Millisecond)
		}
	case StateNotStarted:
		if spec.ScheduledStart.IsZero() {
			spec.ScheduledStart = now.Add(24 * time.Hour).Truncate(time.Minute)
		}
	case StateCanceled:
		if spec.ScheduledStart.IsZero() {
			spec.ScheduledStart = refTime
		}
	default:
		if spec.EndedAt.IsZero() {
			spec.EndedAt = refTime.Add(time.Duration(u(1)%3600) * time.Second)
		}
		if spec.StartedAt.IsZero() {
			spec.StartedAt = spec.EndedAt.Add(-length - 2*time.Second).Truncate(time.Millisecond)
		}
	}
	region := regions[u(2)%uint64(len(regions))]
	created := spec.StartedAt
	if created.IsZero() {
		created = spec.ScheduledStart.Add(-time.Hour)
	}
	// A Twitter snowflake: ms since the Twitter epoch, shifted left 22 bits.
	snow := uint64(created.UnixMilli()-1288834974657)<<22 | u(3)&(1<<22-1)
	sp := &space{
		chat:     &chatLog{},
		spec:     spec,
		hash:     base64.RawURLEncoding.EncodeToString(sum[:]),
		region:   region,
		bucket:   "periscope-replay-direct-prod-" + region + "-public",
		digits:   fmt.Sprintf("16%018d", u(4)%1e18),
		mediaKey: "28_" + strconv.FormatUint(snow, 10),
		hostID:   UserID(spec.HostHandle),
		jwt:      fakeJWT(sum[:16]),
		added:    now,
		hits:     map[int]int{},
	}
	return sp
}

// fakeJWT makes a JWT-looking path segment like the real transcode ones.
func fakeJWT(sig []byte) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT","version":"2"}`)) + "." +
		enc([]byte(`{"EncoderSetting":"encoder_setting_audio_only","Kbps":96}`)) + "." + enc(sig)
}

// chunkCount is how many chunks exist now: fixed for a finished Space,
// growing by one per LiveInterval for a Running one.
func (sp *space) chunkCount(now time.Time) int {
	if sp.spec.State != StateRunning {
		return sp.spec.Chunks
	}
	return sp.spec.Chunks + int(now.Sub(sp.added)/sp.spec.LiveInterval)
}

// chunkTime is when chunk i began, as its name and PROGRAM-DATE-TIME say.
func (sp *space) chunkTime(i int) time.Time {
	start := sp.spec.StartedAt
	if start.IsZero() {
		start = refTime
	}
	// A few hundred µs of per-chunk jitter, like the real names; always
	// far less than the 3 s step, so the order never changes.
	jitter := time.Duration((i*7919+13)%997)*time.Microsecond + time.Duration((i*104729+497)%1000)
	return start.Add(secs(testaudio.Start(i)) + jitter)
}

// chunkName is chunk i's file name (without query).
func (sp *space) chunkName(i int) string {
	ext := "_a.aac"
	if sp.spec.PlaylistShape == ShapeVideo {
		ext = ".ts"
	}
	return fmt.Sprintf("chunk_%d_%d%s", sp.chunkTime(i).UnixNano(), i, ext)
}

// dirNonTranscode is the CDN directory that really holds the chunks.
func (sp *space) dirNonTranscode() string {
	d := "/Transcoding/v1/hls/" + sp.hash + "/non_transcode/" + sp.region + "/" + sp.bucket
	if sp.spec.PlaylistShape == ShapeVideo {
		return d
	}
	return d + "/audio-space"
}

// dirTranscode is the directory of the master playlist's variant.
func (sp *space) dirTranscode() string {
	d := "/Transcoding/v1/hls/" + sp.hash + "/transcode/" + sp.region + "/" + sp.bucket + "/" + sp.jwt
	if sp.spec.PlaylistShape == ShapeVideo {
		return d
	}
	return d + "/audio-space"
}

// playlistName is the media playlist's basename, keeping the tw_ prefix.
func (sp *space) playlistName() string {
	if sp.spec.PlaylistShape == ShapeTWPrefix {
		return "tw_playlist_" + sp.digits + ".m3u8"
	}
	return "playlist_" + sp.digits + ".m3u8"
}

// location is source.location of the status answer, on the CDN at cdn.
func (sp *space) location(cdn string) string {
	dir := cdn + sp.dirNonTranscode() + "/"
	replay := dir + sp.playlistName() + "?type=replay"
	switch sp.spec.PlaylistShape {
	case ShapeMaster:
		return dir + "master_playlist.m3u8"
	case ShapeWrapped:
		// The real wrapper does not escape the inner URL (url_shapes.txt).
		return "https://twitter.com/i/live_video_stream/authorized_status/" + sp.hostID + "/LIVE_PUBLIC/" + sp.hash[:15] + "?url=" + replay
	case ShapeVideo, ShapeVideoMaster:
		return sp.videoLocation(cdn) // video.go
	case ShapeLive:
		return dir + "dynamic_playlist.m3u8?type=live"
	}
	return replay
}
