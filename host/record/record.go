// Package record is the record of a kept Space: everything X said about it
// and what spacekeep derived (speaker turns, captions, gaps, the files
// written). It is written beside the audio as <name>.info.json, and it is
// what the library indexes and what `spacekeep library import` rebuilds the
// library from, so its shape is versioned (Schema) and only ever added to.
package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Schema is the version of the record's shape. Readers accept any record
// whose schema is at most theirs; fields are only ever added.
const Schema = 1

// Neutral Space states, the same words as protocol.SpaceInfo's status.
const (
	StatusScheduled = "scheduled"
	StatusLive      = "live"
	StatusEnded     = "ended"
	StatusCanceled  = "canceled"
)

// File kinds, in the order a record lists its files (audio first).
const (
	KindAudio      = "audio"
	KindCaptions   = "captions"   // .vtt or .srt
	KindTranscript = "transcript" // .txt
	KindInfo       = "info"       // the record itself
)

// Record is one kept Space. Times are UTC; durations and offsets are
// seconds from the start of the audio file.
type Record struct {
	Schema int      `json:"schema"`
	Tool   string   `json:"tool,omitempty"` // "spacekeep <version>"
	ID     string   `json:"id"`
	URL    string   `json:"url"`
	Title  string   `json:"title"`
	Status string   `json:"status"`            // scheduled | live | ended | canceled
	XState string   `json:"x_state,omitempty"` // X's own word, for display
	Replay bool     `json:"replayable"`
	Lang   string   `json:"language,omitempty"`
	Topics []string `json:"topics,omitempty"`

	CreatedAt   time.Time `json:"created_at,omitzero"`
	ScheduledAt time.Time `json:"scheduled_at,omitzero"`
	StartedAt   time.Time `json:"started_at,omitzero"`
	EndedAt     time.Time `json:"ended_at,omitzero"`
	SavedAt     time.Time `json:"saved_at,omitzero"`
	DurationS   float64   `json:"duration_s"`

	Host      Person   `json:"host"`
	CoHosts   []Person `json:"co_hosts,omitempty"`
	Speakers  []Person `json:"speakers,omitempty"`  // as X lists them
	Listeners []Person `json:"listeners,omitempty"` // as X lists them (X lists few)
	// Counts as X gives them.
	Participants  int `json:"participants_total,omitempty"`
	LiveListeners int `json:"live_listeners,omitempty"`
	ReplayWatched int `json:"replay_watched,omitempty"`
	// ListenerCurve is X's live listener count while the Space was
	// recorded live: one point a minute and one at every change of more
	// than 10 %. Empty for a Space kept after it ended.
	ListenerCurve []ListenerPoint `json:"listener_curve,omitempty"`

	// Derived from the audio's Hydra tags: who was on stage, who spoke when.
	OnStage  []Person   `json:"on_stage,omitempty"`
	Turns    []Turn     `json:"turns,omitempty"`
	TalkTime []TalkTime `json:"talk_time,omitempty"` // most heard first

	// From X's chat service: final captions only.
	CaptionCount int       `json:"caption_count"`
	Captions     []Caption `json:"captions,omitempty"`

	// Audio that could not be had (a live recording's gap that neither the
	// whole list nor the replay could fill); an empty list says the audio
	// is complete.
	Gaps []Gap `json:"gaps"`
	// Warnings are what the download said of the audio in words: gaps,
	// chunks X served with less audio than its playlist lists.
	Warnings []string `json:"warnings,omitempty"`
	// What is missing from the record and why ("captions": "the chat
	// service answered 503"), so a reader knows absence from failure.
	Missing []Missing `json:"missing,omitempty"`
	// Stream says where the audio came from: set for Spaces with video.
	Stream *Stream `json:"stream,omitempty"`

	// Files written for this Space, audio first; names relative to the
	// folder holding the record.
	Files []File `json:"files"`
}

// Person is a host, speaker or listener.
type Person struct {
	UserID      string `json:"user_id,omitempty"` // X's rest id
	PeriscopeID string `json:"periscope_id,omitempty"`
	Handle      string `json:"handle,omitempty"` // without the @
	Name        string `json:"name,omitempty"`
	AvatarURL   string `json:"avatar_url,omitempty"`
}

// Turn is one stretch of one person speaking.
type Turn struct {
	StartS float64 `json:"start_s"`
	EndS   float64 `json:"end_s"`
	Handle string  `json:"handle"`
	Name   string  `json:"name,omitempty"`
}

// TalkTime is one person's total speaking time.
type TalkTime struct {
	Handle  string  `json:"handle"`
	Name    string  `json:"name,omitempty"`
	Seconds float64 `json:"seconds"`
	Turns   int     `json:"turns"`
}

// Caption is one final caption.
type Caption struct {
	StartS float64 `json:"start_s"`
	EndS   float64 `json:"end_s"`
	Handle string  `json:"handle,omitempty"`
	Name   string  `json:"name,omitempty"`
	Text   string  `json:"text"`
}

// ListenerPoint is X's live listener count at T seconds from the start of
// the audio.
type ListenerPoint struct {
	TS    float64 `json:"t_s"`
	Count int     `json:"count"`
}

// Gap is audio missing from the file.
type Gap struct {
	StartS    float64 `json:"start_s"`
	DurationS float64 `json:"duration_s"`
	Chunks    int     `json:"chunks"`
}

// Stream is where a Space with video had its sound (and picture) from.
type Stream struct {
	Video bool `json:"video"` // X served a picture with the Space
	// Path is how the file was made: "audio-only variant" (the master's
	// audio-only list), "aac from mpeg-ts" (the sound of the smallest video
	// variant's chunks) or "video" (the picture kept, an mp4).
	Path   string `json:"path"`
	Codecs string `json:"codecs,omitempty"` // CODECS of the variant taken
}

// Missing says what part of the record could not be had, and why.
type Missing struct {
	What string `json:"what"` // "captions", "speakers", "cover", ...
	Why  string `json:"why"`
}

// File is one file written for the Space.
type File struct {
	Name string `json:"name"` // base name, beside the record
	Kind string `json:"kind"`
	Size int64  `json:"size,omitempty"`
}

// Audio is the record's audio file name, "" when there is none.
func (r *Record) Audio() string {
	for _, f := range r.Files {
		if f.Kind == KindAudio {
			return f.Name
		}
	}
	return ""
}

// Encode writes the record as indented JSON, stamping the schema.
func Encode(w io.Writer, r *Record) error {
	r.Schema = Schema
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("encode the record: %w", err)
	}
	return nil
}

// EncodeListed encodes r with itself among its files: an entry of kind
// info named name, whose size is that of the very bytes returned (the
// entry's own digits count, so the size is found by settling on it).
func EncodeListed(r *Record, name string) ([]byte, error) {
	r.Files = append(r.Files, File{Name: name, Kind: KindInfo})
	self := len(r.Files) - 1
	for range 8 {
		var b bytes.Buffer
		if err := Encode(&b, r); err != nil {
			return nil, err
		}
		if int64(b.Len()) == r.Files[self].Size {
			return b.Bytes(), nil
		}
		r.Files[self].Size = int64(b.Len())
	}
	return nil, errors.New("encode the record: its own size does not settle")
}

// maxSize bounds what Decode reads: a 10-hour Space with captions is well
// under it, and a hostile file cannot exhaust memory.
const maxSize = 64 << 20

// Decode reads a record. A record from a newer spacekeep (a larger schema)
// is refused, since fields it relies on may be missing from this reader.
func Decode(rd io.Reader) (*Record, error) {
	var r Record
	dec := json.NewDecoder(io.LimitReader(rd, maxSize))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("read the record: %w", err)
	}
	if r.Schema < 1 || r.Schema > Schema {
		return nil, fmt.Errorf("read the record: schema %d is not one this spacekeep knows (1 to %d)", r.Schema, Schema)
	}
	if r.ID == "" {
		return nil, fmt.Errorf("read the record: no Space id")
	}
	return &r, nil
}
