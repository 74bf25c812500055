package protocol

// Watching hosts: the host keeps a list of X accounts and records each of
// their Spaces from its first second. See PROTOCOL.md, "Watching hosts".
const (
	TypeWatchList    = "watch.list"    // no payload → result WatchList
	TypeWatchAdd     = "watch.add"     // payload WatchRef → result WatchList
	TypeWatchRemove  = "watch.remove"  // payload WatchRef → result WatchList
	TypeWatchStatus  = "watch.status"  // no payload → result WatchStatus
	TypeWatchSession = "watch.session" // payload Cookies → result {}; held in memory only

	// TypeWatchLive is the event sent when a watched host went live and its
	// recording started: an Event with job and space (space.host_id and
	// space.host_handle name the host).
	TypeWatchLive = "watch.live"

	// CapWatch is announced in hello by a host that watches.
	CapWatch = "watch"
)

// Watcher states (WatchStatus.State).
const (
	WatchWatching    = "watching"     // asking X every interval
	WatchIdle        = "idle"         // no host on the list
	WatchNoSession   = "no_session"   // paused: no x.com session yet
	WatchRateLimited = "rate_limited" // paused until WatchStatus.Until
	WatchError       = "error"        // the last look failed; trying again
	WatchOff         = "off"          // no watcher runs here
)

// WatchedHost is one host on the watch list: its X user id once known, and
// its handle (without "@") when it was added by handle.
type WatchedHost struct {
	ID     string `json:"id,omitempty"`
	Handle string `json:"handle,omitempty"`
}

// WatchRef names a host to add or remove: a handle (with or without "@"),
// a user id, or both (the popup knows both). With Search it names a
// topic instead (see WatchedTopic): MinListeners and MaxParallel go with
// it on watch.add.
type WatchRef struct {
	Handle       string `json:"handle,omitempty"`
	ID           string `json:"id,omitempty"`
	Search       string `json:"search,omitempty"`
	MinListeners int    `json:"min_listeners,omitempty"`
	MaxParallel  int    `json:"max_parallel,omitempty"`
}

// WatchedTopic is a watched topic: X's Space search for Search, whose live
// Spaces with at least MinListeners listeners are recorded, at most
// MaxParallel at once (0 means 2).
type WatchedTopic struct {
	Search       string `json:"search"`
	MinListeners int    `json:"min_listeners,omitempty"`
	MaxParallel  int    `json:"max_parallel,omitempty"`
}

// WatchList is the result of watch.list, watch.add and watch.remove.
type WatchList struct {
	Hosts  []WatchedHost  `json:"hosts"`
	Topics []WatchedTopic `json:"topics,omitempty"`
}

// WatchStatus is the result of watch.status and what `spacekeep watch status` prints.
type WatchStatus struct {
	State   string  `json:"state"`             // one of the Watch* states
	Message string  `json:"message,omitempty"` // the state in a sentence, for people
	Where   string  `json:"where,omitempty"`   // "service", "browser" or "cli"
	Session bool    `json:"session"`           // an x.com session is held (in memory)
	Hosts   int     `json:"hosts"`             // hosts on the list
	Topics  int     `json:"topics,omitempty"`  // watched topics
	Pending int     `json:"pending,omitempty"` // handles not yet resolved to ids
	Every   float64 `json:"interval_s,omitempty"`
	Last    int64   `json:"last_check,omitempty"` // ms since the epoch
	Until   int64   `json:"until,omitempty"`      // rate_limited: ms since the epoch
	// Recording are the recordings the watcher started that still run.
	Recording []WatchRecording `json:"recording,omitempty"`
}

// WatchRecording is one recording the watcher started.
type WatchRecording struct {
	Job   string     `json:"job"`
	Space *SpaceInfo `json:"space"`
}
