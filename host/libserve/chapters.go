package libserve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/host/captions"
	"github.com/spacekeep/spacekeep/protocol"
)

// ChaptersVersion is the version of the Podcasting 2.0 JSON chapters
// format written (github.com/Podcastindex-org/podcast-namespace,
// docs/examples/chapters/jsonChapters.md).
const ChaptersVersion = "1.2.0"

// Chapters is a Podcasting 2.0 JSON chapters file: one chapter per
// speaker turn, so that a podcast app shows who is speaking.
type Chapters struct {
	Version     string    `json:"version"`
	Title       string    `json:"title,omitempty"`
	Author      string    `json:"author,omitempty"`
	PodcastName string    `json:"podcastName,omitempty"`
	Chapters    []Chapter `json:"chapters"`
}

// Chapter is one chapter: a start (seconds), a title, a link.
type Chapter struct {
	StartTime float64 `json:"startTime"`
	EndTime   float64 `json:"endTime,omitempty"`
	Title     string  `json:"title,omitempty"`
	URL       string  `json:"url,omitempty"`
}

// speakerLabel is how a turn is named: "@handle — Name", or "@handle".
func speakerLabel(handle, name string) string {
	handle = strings.TrimPrefix(handle, "@")
	switch {
	case handle == "":
		return name
	case name == "" || name == handle:
		return "@" + handle
	}
	return "@" + handle + " — " + name
}

// profileURL links a handle's X profile.
func profileURL(handle string) string {
	if handle = strings.TrimPrefix(handle, "@"); handle == "" {
		return ""
	}
	return "https://x.com/" + handle
}

// chaptersOf turns a Space's speaker turns into chapters; a Space without
// turns is one chapter, its title.
func chaptersOf(d protocol.LibraryDetail) Chapters {
	c := Chapters{Version: ChaptersVersion, Title: d.Title, Author: speakerLabel(d.Host, d.HostName), PodcastName: "spacekeep", Chapters: []Chapter{}}
	// A turn may come without the name that the talk time knows.
	names := map[string]string{strings.ToLower(d.Host): d.HostName}
	for _, tt := range d.TalkTime {
		if tt.Name != "" {
			names[strings.ToLower(tt.Handle)] = tt.Name
		}
	}
	for _, t := range d.Turns {
		name := t.Name
		if name == "" {
			name = names[strings.ToLower(strings.TrimPrefix(t.Handle, "@"))]
		}
		c.Chapters = append(c.Chapters, Chapter{StartTime: round3(t.StartS), EndTime: round3(t.EndS), Title: speakerLabel(t.Handle, name), URL: profileURL(t.Handle)})
	}
	if len(c.Chapters) == 0 {
		c.Chapters = append(c.Chapters, Chapter{StartTime: 0, Title: d.Title})
	}
	return c
}

func round3(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }

// serveBytes answers with a generated body, Range and HEAD included.
func serveBytes(w http.ResponseWriter, r *http.Request, typ string, body []byte) {
	w.Header().Set("Content-Type", typ)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func (s *Server) chapters(ctx context.Context, w http.ResponseWriter, r *http.Request, id string) {
	d, err := s.lib.Show(ctx, id, 0, 1) // one caption: the turns are wanted here
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body, err := json.MarshalIndent(chaptersOf(d.LibraryDetail), "", "  ")
	if err != nil {
		s.fail(w, r, fmt.Errorf("chapters of %s: %w", id, err))
		return
	}
	serveBytes(w, r, "application/json+chapters", body)
}

func (s *Server) transcript(ctx context.Context, w http.ResponseWriter, r *http.Request, id string) {
	d, err := s.lib.Show(ctx, id, 0, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(d.Captions) == 0 {
		http.NotFound(w, r)
		return
	}
	cues := make([]captions.Cue, 0, len(d.Captions))
	for _, c := range d.Captions {
		cue := captions.Cue{Start: c.StartS, End: c.EndS, Text: c.Text}
		if c.Handle != "" {
			cue.Speaker = "@" + c.Handle
		}
		cues = append(cues, cue)
	}
	var b bytes.Buffer
	if err := captions.WriteVTT(&b, cues); err != nil {
		s.fail(w, r, err)
		return
	}
	serveBytes(w, r, "text/vtt; charset=utf-8", b.Bytes())
}
