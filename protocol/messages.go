package protocol

import "encoding/json"

// Version is the protocol number the host announces in hello. It grows
// when a change is not backwards compatible.
const Version = 1

// Request types (extension → host).
const (
	TypeDownloadStart = "download.start" // payload DownloadStart → result {job}
	TypeJobsList      = "jobs.list"      // no payload → result {jobs: []JobStatus}
	TypeJobCancel     = "job.cancel"     // payload {job} → result {}
	TypeFileReveal    = "file.reveal"    // payload {path} → result {}: show in folder
	TypeFileOpen      = "file.open"      // payload {path} → result {}: open with the default app
	TypeSettingsGet   = "settings.get"   // no payload → result Settings
	TypeSettingsSet   = "settings.set"   // payload Settings (partial) → result Settings
	TypeDoctor        = "doctor"         // no payload → result Doctor
	TypePing          = "ping"           // no payload → result {}
	TypeSpaceInfo     = "space.info"     // payload SpaceQuery → result SpaceInfo
)

// Message types (host → extension) without an id.
const (
	TypeHello       = "hello"
	TypeJobProgress = "job.progress"
	TypeJobDone     = "job.done"
	TypeJobFailed   = "job.failed"
)

// Request is a message from the extension. ID is chosen by the extension and
// echoed in the Reply.
type Request struct {
	ID      json.RawMessage `json:"id"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Reply answers one Request.
type Reply struct {
	ID     json.RawMessage `json:"id"`
	OK     bool            `json:"ok"`
	Result any             `json:"result,omitempty"`
	Error  *Error          `json:"error,omitempty"`
}

// Hello is the host's first frame.
type Hello struct {
	Type          string   `json:"type"` // "hello"
	Version       string   `json:"version"`
	Protocol      int      `json:"protocol"`
	FFmpeg        bool     `json:"ffmpeg"`
	FFmpegVersion string   `json:"ffmpeg_version,omitempty"`
	Capabilities  []string `json:"capabilities"`
}

// Cookies are the user's x.com session. They are secrets: never log them.
type Cookies struct {
	AuthToken string `json:"auth_token"`
	CT0       string `json:"ct0"`
}

// String hides the values so that a stray %v never leaks them.
func (c Cookies) String() string { return "Cookies{redacted}" }

// GoString hides the values from %#v too.
func (c Cookies) GoString() string { return c.String() }

// Options are a download's options; empty fields take the host's settings.
type Options struct {
	OutputDir     string `json:"output_dir,omitempty"`
	Format        string `json:"format,omitempty"` // "m4a" or "mp3"
	NameTemplate  string `json:"name_template,omitempty"`
	Concurrency   int    `json:"concurrency,omitempty"`
	WriteInfoJSON bool   `json:"write_info_json,omitempty"`
	// Speakers and captions (README "Speakers and captions").
	NoCaptions bool   `json:"no_captions,omitempty"` // do not fetch captions
	NoChapters bool   `json:"no_chapters,omitempty"` // no speaker chapters in the audio
	SubFormat  string `json:"sub_format,omitempty"`  // "vtt" (default) or "srt"
	// Video keeps the picture of a Space with video too: an mp4 (H.264 and
	// AAC copied) instead of the m4a. Spaces without video ignore it.
	Video bool `json:"video,omitempty"`
}

// APIHints are fresher API parameters the extension saw the x.com page use.
type APIHints struct {
	QueryID  string          `json:"query_id,omitempty"`
	Features json.RawMessage `json:"features,omitempty"`
}

// PageAnswers are X's own answers that the x.com page received (AudioSpaceById
// and live_video_stream/status, as JSON), passed on by the extension so the
// host need not ask X again. They are the page's, hence untrusted input.
type PageAnswers struct {
	AudioSpace   json.RawMessage `json:"audio_space,omitempty"`
	StreamStatus json.RawMessage `json:"stream_status,omitempty"`
	// MediaKey is the one the page's status call named (its URL's last part).
	MediaKey string `json:"media_key,omitempty"`
}

// Browser is the browser whose session the request carries: the host's API
// calls present the same client to X.
type Browser struct {
	UserAgent string `json:"user_agent,omitempty"`
	Language  string `json:"language,omitempty"`
}

// DownloadStart is the payload of download.start. Cookies left out (logged
// out) make the host ask X as a guest.
type DownloadStart struct {
	Space   string       `json:"space"` // a Space URL or id
	Cookies Cookies      `json:"cookies,omitzero"`
	Options Options      `json:"options"`
	Hints   *APIHints    `json:"hints,omitempty"`
	Page    *PageAnswers `json:"page,omitempty"`
	Browser *Browser     `json:"browser,omitempty"`
}

// SpaceQuery is the payload of space.info: what the popup asks about the tab's Space.
type SpaceQuery struct {
	Space   string       `json:"space"`
	Cookies Cookies      `json:"cookies,omitzero"`
	Hints   *APIHints    `json:"hints,omitempty"`
	Page    *PageAnswers `json:"page,omitempty"`
	Browser *Browser     `json:"browser,omitempty"`
}

// JobRef names a job, as in job.cancel's payload and download.start's result.
type JobRef struct {
	Job string `json:"job"`
}

// PathRef names a file, as in file.reveal and file.open.
type PathRef struct {
	Path string `json:"path"`
}

// Stages of a job, in order.
const (
	StageQueued    = "queued"
	StageResolving = "resolving"
	StageWaiting   = "waiting" // a scheduled Space, until it starts (then recording) or is given up
	StageFetching  = "fetching"
	StageRecording = "recording" // a live Space, instead of fetching, until it ends or is stopped
	StageMerging   = "merging"
	StageDone      = "done"
	StageFailed    = "failed"
)

// SpaceInfo is what the popup shows of a Space.
type SpaceInfo struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	State      string `json:"state"`            // X's own word, for display
	Status     string `json:"status,omitempty"` // neutral: scheduled, live, ended or canceled
	Replayable bool   `json:"replayable"`
	HostName   string `json:"host_name,omitempty"`
	HostHandle string `json:"host_handle,omitempty"`
	HostID     string `json:"host_id,omitempty"` // the host's X user id (for watch.add)
	AvatarURL  string `json:"avatar_url,omitempty"`
	StartedAt  int64  `json:"started_at,omitempty"` // ms since the epoch
	EndedAt    int64  `json:"ended_at,omitempty"`   // ms since the epoch
	URL        string `json:"url"`
	// Video is true for a Space with video (a camera was on): download.start's
	// video option can keep its picture.
	Video bool `json:"video,omitempty"`
	// Listeners is X's live listener count while the Space is live.
	Listeners int `json:"live_listeners,omitempty"`
}

// Neutral statuses of a Space (SpaceInfo.Status), whatever X calls them.
const (
	StatusScheduled = "scheduled"
	StatusLive      = "live"
	StatusEnded     = "ended"
	StatusCanceled  = "canceled"
)

// Event is a job event (job.progress, job.done, job.failed). The same
// objects are printed by `spacekeep download --json`, one per line.
type Event struct {
	Type  string     `json:"type"`
	Job   string     `json:"job"`
	Stage string     `json:"stage,omitempty"`
	Space *SpaceInfo `json:"space,omitempty"`

	// Progress.
	ChunksDone  int     `json:"chunks_done,omitempty"`
	ChunksTotal int     `json:"chunks_total,omitempty"`
	Bytes       int64   `json:"bytes,omitempty"`
	Speed       float64 `json:"speed,omitempty"`       // bytes per second
	ETA         float64 `json:"eta_seconds,omitempty"` // seconds, 0 when unknown
	Connections int     `json:"connections,omitempty"`
	// Resumed is how many chunks a download found in its cache at the
	// start (an earlier run's): "Resuming: 93 of 400 chunks already here".
	Resumed int `json:"chunks_resumed,omitempty"`

	// Done.
	Path     string  `json:"path,omitempty"`
	Duration float64 `json:"duration,omitempty"` // seconds of audio
	Size     int64   `json:"size,omitempty"`     // bytes of the file
	Speakers int     `json:"speakers,omitempty"` // people heard speaking (Hydra tags)
	Captions int     `json:"captions,omitempty"` // final captions written
	// Files are every file written for the Space, absolute paths, the
	// audio first (then captions, transcript, info JSON).
	Files []string `json:"files,omitempty"`
	// Done, but missing audio: where (see Gap); Warnings then says so.
	Gaps []Gap `json:"gaps,omitempty"`
	// Warnings say, one sentence each, what a finished job could not do:
	// a sidecar it could not write (an info or caption file), or audio a
	// live recording lacks (then Gaps lists it).
	Warnings []string `json:"warnings,omitempty"`

	// Failed: the code and what to do. Also, in a queued job's progress,
	// what it waits for ("Waiting for spacekeep download (pid 4242) to
	// finish this Space…").
	Code    Code   `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// JobStatus is a job as jobs.list reports it: its latest event.
type JobStatus = Event

// Settings are the host's stored defaults.
type Settings struct {
	OutputDir    string `json:"output_dir,omitempty"`
	Format       string `json:"format,omitempty"`
	NameTemplate string `json:"name_template,omitempty"`
	Concurrency  int    `json:"concurrency,omitempty"`
}

// Capabilities the host announces in hello; the extension hides what is missing.
const (
	CapDownload  = "download"
	CapCancel    = "cancel"
	CapReveal    = "reveal"
	CapOpen      = "open"
	CapSettings  = "settings"
	CapDoctor    = "doctor"
	CapSpaceInfo = "space.info"
)

// JobsList is the result of jobs.list.
type JobsList struct {
	Jobs []JobStatus `json:"jobs"`
	// Next, when set, is the after of the next page (see JobsListQuery).
	Next string `json:"next,omitempty"`
}

// Empty is the result of requests that answer nothing but success.
type Empty struct{}

// Doctor is the result of the doctor request and what `spacekeep doctor`
// prints: is the host registered with each browser, is ffmpeg there.
type Doctor struct {
	OK         bool            `json:"ok"` // no problem found
	Version    string          `json:"version"`
	OS         string          `json:"os"`
	Executable string          `json:"executable,omitempty"` // the installed host binary
	Browsers   []DoctorBrowser `json:"browsers"`
	FFmpeg     DoctorFFmpeg    `json:"ffmpeg"`
	LogFile    string          `json:"log_file,omitempty"`
	// Problems says what to do about each problem, one sentence each.
	Problems []string `json:"problems,omitempty"`
}

// DoctorBrowser is one browser in a Doctor report.
type DoctorBrowser struct {
	Name     string `json:"name"`
	Family   string `json:"family"` // "chromium" or "firefox"
	Found    bool   `json:"found"`  // the browser's folder exists
	Manifest string `json:"manifest,omitempty"`
	// Registered: the manifest exists (and on Windows the registry points at it).
	Registered bool `json:"registered"`
	// HostOK: the manifest's path is an existing executable.
	HostOK bool `json:"host_ok"`
	// AllowedOK: the manifest allows our extension id or origin.
	AllowedOK bool   `json:"allowed_ok"`
	Problem   string `json:"problem,omitempty"`
}

// DoctorFFmpeg is the ffmpeg part of a Doctor report.
type DoctorFFmpeg struct {
	Found   bool   `json:"found"`
	Path    string `json:"path,omitempty"`
	Version string `json:"version,omitempty"`
	Problem string `json:"problem,omitempty"`
}
