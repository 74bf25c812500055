package protocol

import "time"

// Library requests (extension → host): the Library page reads the library
// of kept Spaces through these. See PROTOCOL.md, "The library".
const (
	TypeLibraryList   = "library.list"   // payload LibraryQuery → result LibraryPage
	TypeLibrarySearch = "library.search" // payload LibraryQuery (query) → result LibrarySearchPage
	TypeLibraryShow   = "library.show"   // payload LibraryRef → result LibraryDetail
	TypeLibraryStats  = "library.stats"  // payload LibraryQuery (host) → result LibraryStats
	TypeLibraryRemove = "library.remove" // payload LibraryRef → result LibraryRemoved
	TypeLibraryServe  = "library.serve"  // no payload → result LibraryServe
)

// CapLibrary is announced in hello when the host has a library.
const CapLibrary = "library"

// LibraryQuery selects Spaces: a page (offset, limit: 0 means 50, at most
// 500) of those by host (a handle, any case, with or without @) since a
// time (ms since the epoch), and for library.search the words to find.
type LibraryQuery struct {
	Query  string `json:"query,omitempty"`
	Host   string `json:"host,omitempty"`
	Since  int64  `json:"since,omitempty"`
	Offset int    `json:"offset,omitempty"`
	Limit  int    `json:"limit,omitempty"`
}

// LibraryRef names one Space of the library. library.show returns its
// captions from CaptionsOffset, at most CaptionsLimit (0 means 500);
// library.remove with DeleteFiles also deletes its files.
type LibraryRef struct {
	ID             string `json:"id"`
	CaptionsOffset int    `json:"captions_offset,omitempty"`
	CaptionsLimit  int    `json:"captions_limit,omitempty"`
	DeleteFiles    bool   `json:"delete_files,omitempty"`
}

// LibraryItem is a Space as the library lists it (also `spacekeep library
// list --json`). Files are absolute paths, the audio first.
type LibraryItem struct {
	ID            string    `json:"id"`
	Title         string    `json:"title"`
	URL           string    `json:"url,omitempty"`
	Host          string    `json:"host"` // the host's handle, without the @
	HostName      string    `json:"host_name,omitempty"`
	State         string    `json:"state"` // scheduled | live | ended | canceled
	At            time.Time `json:"at,omitzero"`
	StartedAt     time.Time `json:"started_at,omitzero"`
	EndedAt       time.Time `json:"ended_at,omitzero"`
	SavedAt       time.Time `json:"saved_at,omitzero"`
	DurationS     float64   `json:"duration_s"`
	Participants  int       `json:"participants_total,omitempty"`
	LiveListeners int       `json:"live_listeners,omitempty"`
	ReplayWatched int       `json:"replay_watched,omitempty"`
	CaptionCount  int       `json:"caption_count,omitempty"`
	CoHosts       []string  `json:"co_hosts,omitempty"`
	Speakers      []string  `json:"speakers,omitempty"`
	Topics        []string  `json:"topics,omitempty"`
	Files         []string  `json:"files"`
	Size          int64     `json:"size,omitempty"` // bytes of all files
	Dir           string    `json:"dir,omitempty"`
	Info          string    `json:"info,omitempty"` // the info JSON's path
	// ListenerCurve is X's live listener count while the Space was
	// recorded live (the info JSON's listener_curve); PeakListeners its
	// highest point.
	ListenerCurve []ListenerPoint `json:"listener_curve,omitempty"`
	PeakListeners int             `json:"peak_listeners,omitempty"`
}

// ListenerPoint is a live listener count at T seconds into the audio.
type ListenerPoint struct {
	TS    float64 `json:"t_s"`
	Count int     `json:"count"`
}

// LibraryPage is one page of Spaces, newest first, and how many in all.
type LibraryPage struct {
	Items  []LibraryItem `json:"items"`
	Total  int           `json:"total"`
	Offset int           `json:"offset"`
}

// LibraryHit is a Space that matches a search, with its first matching captions.
type LibraryHit struct {
	LibraryItem
	Captions []LibraryCaption `json:"captions,omitempty"`
}

// LibrarySearchPage is one page of hits, newest first.
type LibrarySearchPage struct {
	Items  []LibraryHit `json:"items"`
	Total  int          `json:"total"`
	Offset int          `json:"offset"`
}

// LibraryCaption is one caption; times are seconds into the audio.
type LibraryCaption struct {
	StartS float64 `json:"start_s"`
	EndS   float64 `json:"end_s"`
	Handle string  `json:"handle,omitempty"`
	Name   string  `json:"name,omitempty"`
	Text   string  `json:"text"`
}

// LibraryTurn is one stretch of one person speaking.
type LibraryTurn struct {
	StartS float64 `json:"start_s"`
	EndS   float64 `json:"end_s"`
	Handle string  `json:"handle"`
	Name   string  `json:"name,omitempty"`
}

// LibraryTalkTime is one person's speaking time in a Space.
type LibraryTalkTime struct {
	Handle  string  `json:"handle"`
	Name    string  `json:"name,omitempty"`
	Seconds float64 `json:"seconds"`
	Turns   int     `json:"turns"`
}

// LibraryFile is one of a Space's files, and whether it is still there.
type LibraryFile struct {
	Path   string `json:"path"`
	Kind   string `json:"kind"` // audio | captions | transcript | info
	Size   int64  `json:"size,omitempty"`
	Exists bool   `json:"exists"`
}

// LibraryDetail is one Space with its files, turns, talk time and a page
// of its captions (CaptionCount says how many there are in all).
type LibraryDetail struct {
	LibraryItem
	FileInfo       []LibraryFile     `json:"file_info"`
	Turns          []LibraryTurn     `json:"turns"`
	TalkTime       []LibraryTalkTime `json:"talk_time"`
	Captions       []LibraryCaption  `json:"captions"`
	CaptionsOffset int               `json:"captions_offset"`
}

// LibraryStats sums up the library or one host's part of it.
type LibraryStats struct {
	Host          string           `json:"host,omitempty"`
	Spaces        int              `json:"spaces"`
	Hours         float64          `json:"hours"`
	AvgListeners  float64          `json:"avg_listeners"`  // live listeners over time (the listener curve, else X's one count), averaged over the Spaces that say
	PeakListeners int              `json:"peak_listeners"` // the most live listeners of one Space at any time
	PeakSpace     string           `json:"peak_space,omitempty"`
	Speakers      []LibrarySpeaker `json:"speakers"` // most heard first
	TitleWords    []LibraryCount   `json:"title_words"`
	Topics        []LibraryCount   `json:"topics"`
	Months        []LibraryMonth   `json:"months"`          // oldest first
	Hosts         []LibraryCount   `json:"hosts,omitempty"` // without a host filter
}

// LibrarySpeaker is one person's talk time across Spaces.
type LibrarySpeaker struct {
	Handle  string  `json:"handle"`
	Name    string  `json:"name,omitempty"`
	Seconds float64 `json:"seconds"`
	Spaces  int     `json:"spaces"`
}

// LibraryCount is a word, topic or host and how often it comes.
type LibraryCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// LibraryMonth is one calendar month's Spaces (UTC).
type LibraryMonth struct {
	Month  string  `json:"month"` // 2026-01
	Spaces int     `json:"spaces"`
	Hours  float64 `json:"hours"`
}

// LibraryRemoved is the result of library.remove: the files deleted.
type LibraryRemoved struct {
	Removed []string `json:"removed"`
}

// LibraryServe is the result of library.serve: the root of the host's
// read-only HTTP server of the library on 127.0.0.1, started on demand,
// token included (see PROTOCOL.md, "The library over HTTP").
type LibraryServe struct {
	BaseURL string `json:"base_url"` // http://127.0.0.1:PORT/<token>/
}
