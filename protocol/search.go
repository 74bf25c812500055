package protocol

import (
	"encoding/json"
	"time"
)

// Finding Spaces (extension → host): X's own Space search, and the states
// of the Spaces an x.com page shows. See PROTOCOL.md, "Finding Spaces".
const (
	TypeSpacesSearch = "spaces.search" // payload SpacesSearch → result SpacesFound
	TypePageSpaces   = "page.spaces"   // payload PageSpacesQuery → result PageSpaces
)

// Limits of page.spaces: what one request may carry.
const (
	MaxPageAnswers = 20
	MaxPageLinks   = 1000
)

// PageSpacesQuery is what an x.com page showed: X's answers to the page's
// own requests (timelines, as JSON) and the Space links in the page.
// Untrusted: the host keeps at most MaxPageAnswers answers and
// MaxPageLinks links, and at most 200 valid ids.
type PageSpacesQuery struct {
	Answers []json.RawMessage `json:"answers,omitempty"`
	Links   []string          `json:"links,omitempty"`
}

// PageSpaces are the Space ids a page shows, in order, each once.
type PageSpaces struct {
	IDs []string `json:"ids"`
}

// CapSearch is announced in hello when the host answers spaces.search;
// CapPageSpaces when it answers page.spaces.
const (
	CapSearch     = "search"
	CapPageSpaces = "page.spaces"
)

// Search filters: every Space X finds, the live ones, the scheduled ones.
const (
	SearchAll      = ""
	SearchLive     = "live"
	SearchUpcoming = "upcoming"
)

// SpacesSearch asks X's Space search for Query (words, at most 200
// characters) with Filter (SearchAll, SearchLive or SearchUpcoming), in
// the session of Cookies.
type SpacesSearch struct {
	Query   string   `json:"query"`
	Filter  string   `json:"filter,omitempty"`
	Cookies Cookies  `json:"cookies,omitzero"`
	Browser *Browser `json:"browser,omitempty"`
}

// SpacesFound is what the search found, in X's order.
type SpacesFound struct {
	Items []FoundSpace `json:"items"`
}

// FoundSpace is a Space as a search lists it (also `spacekeep search
// --json`), in the style of LibraryItem.
type FoundSpace struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	URL         string    `json:"url"`
	Host        string    `json:"host"` // the host's handle, without the @
	HostName    string    `json:"host_name,omitempty"`
	HostID      string    `json:"host_id,omitempty"` // for watch.add
	State       string    `json:"state"`             // scheduled | live | ended | canceled
	XState      string    `json:"x_state,omitempty"` // X's own word
	Replayable  bool      `json:"replayable"`
	Listeners   int       `json:"live_listeners,omitempty"` // while live
	ScheduledAt time.Time `json:"scheduled_at,omitzero"`
	StartedAt   time.Time `json:"started_at,omitzero"`
	EndedAt     time.Time `json:"ended_at,omitzero"`
}
