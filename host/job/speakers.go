package job

import (
	"errors"
	"fmt"
	"os"

	"github.com/spacekeep/spacekeep/host/adts"
	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/host/speakers"
	"github.com/spacekeep/spacekeep/host/xapi"
)

// hostID is the timeline's id of the Space's host: Hydra levels list the
// host first, outside HydraParticipants.
const hostID = "host"

// speakerTrack reads the Hydra tags of each chunk, in order, as the merge
// takes it (so a resumed run, whose merge starts again from the first
// cached chunk, reads them all again), and builds the speaker timeline.
// It holds the people on stage and a few numbers each, not the samples.
type speakerTrack struct {
	tl     *speakers.Timeline
	sp     *xapi.Space
	people map[string]record.Person // timeline id → who
	order  []string                 // ids, first seen first
	parts  []xapi.HydraParticipant  // the last list a tag gave
	offset float64                  // seconds of audio before the current chunk

	// audioStart is the Unix time of the audio's first sample (from the
	// first tag's NTP), 0 while unknown: captions are placed by it.
	audioStart float64

	tags, bad, pastList int
	firstBad            string
	result              *speakerResult // once finished
}

func newSpeakerTrack(sp *xapi.Space) *speakerTrack {
	return &speakerTrack{tl: speakers.New(speakers.Params{On: xapi.HydraLevelOn}), sp: sp, people: map[string]record.Person{}}
}

// chunk reads one chunk file's tags. A chunk that cannot be read only
// moves the clock on; the audio is the merge's business.
func (s *speakerTrack) chunk(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		s.note(fmt.Errorf("read a chunk: %w", err))
		return
	}
	tags, dur := adts.Tags(b)
	for _, tag := range tags {
		s.tag(s.offset+tag.At, tag.Bytes)
	}
	s.offset += dur
}

func (s *speakerTrack) note(err error) {
	s.bad++
	if s.firstBad == "" {
		s.firstBad = err.Error()
	}
}

// tag reads one ID3 tag at seconds into the audio.
func (s *speakerTrack) tag(at float64, b []byte) {
	h, err := xapi.ParseHydraTag(b)
	if errors.Is(err, xapi.ErrNoHydra) {
		return
	}
	s.tags++
	if err != nil {
		s.note(err)
	}
	if s.audioStart == 0 && h.Unix() > 0 {
		s.audioStart = h.Unix() - at
	}
	if h.HasParticipants {
		s.parts = h.Participants
	}
	if !h.HasLevels || len(h.Levels) == 0 {
		return
	}
	levels := make([]speakers.Level, 0, len(h.Levels))
	for i, lv := range h.Levels {
		var id string
		if i == 0 {
			id = s.person(hostID, xapi.HydraParticipant{})
		} else if i-1 < len(s.parts) {
			id = s.person("", s.parts[i-1])
		} else {
			s.pastList++ // a level for a participant the list does not have
			continue
		}
		levels = append(levels, speakers.Level{ID: id, Level: lv})
	}
	s.tl.Observe(at, levels)
}

// person returns the timeline id of a participant, learning who they are
// the first time: X's lists (AudioSpaceById) give names the tags lack.
func (s *speakerTrack) person(id string, p xapi.HydraParticipant) string {
	if id == "" {
		switch {
		case p.UserID != "":
			id = "p:" + p.UserID
		case p.Handle != "":
			id = "h:" + p.Handle
		default:
			id = fmt.Sprintf("i:%d", p.Index)
		}
	}
	if _, ok := s.people[id]; ok {
		return id
	}
	var who record.Person
	if id == hostID {
		who = person(s.sp.Creator)
		for _, a := range s.sp.Admins {
			if a.Handle == s.sp.Creator.Handle && who.PeriscopeID == "" {
				who.PeriscopeID = a.PeriscopeID
			}
		}
	} else {
		who = record.Person{PeriscopeID: p.UserID, Handle: p.Handle, Name: p.Name, AvatarURL: p.ProfileURL}
		if u, ok := s.known(p); ok {
			who = person(u)
			if who.PeriscopeID == "" {
				who.PeriscopeID = p.UserID
			}
		}
	}
	s.people[id] = who
	s.order = append(s.order, id)
	return id
}

// known finds a participant in what X listed about the Space.
func (s *speakerTrack) known(p xapi.HydraParticipant) (xapi.User, bool) {
	lists := [][]xapi.User{s.sp.Admins, s.sp.Speakers, s.sp.Listeners}
	for _, l := range lists {
		for _, u := range l {
			if p.UserID != "" && u.PeriscopeID == p.UserID || p.Handle != "" && u.Handle == p.Handle {
				return u, true
			}
		}
	}
	return xapi.User{}, false
}

// speakerResult is what the timeline found.
type speakerResult struct {
	turns    []record.Turn
	talk     []record.TalkTime
	onStage  []record.Person
	missing  []record.Missing
	chapters []chapter
}

// chapter is one chapter of the audio file: a turn.
type chapter struct {
	Start float64 // seconds
	Title string
}

// finish ends the timeline at the audio's end; later calls return the
// same result (the merge asks for chapters, then the record for the rest).
func (s *speakerTrack) finish(duration float64) speakerResult {
	if s.result != nil {
		return *s.result
	}
	var res speakerResult
	defer func() { s.result = &res }()
	if s.tags == 0 {
		res.missing = append(res.missing, record.Missing{What: "speakers", Why: "the audio carries no Hydra tags (X left them out of this recording)"})
		return res
	}
	if s.bad > 0 {
		res.missing = append(res.missing, record.Missing{What: "speakers",
			Why: fmt.Sprintf("%d of %d Hydra tags could not be read in full (first: %s)", s.bad, s.tags, s.firstBad)})
	}
	if s.pastList > 0 {
		res.missing = append(res.missing, record.Missing{What: "speakers",
			Why: fmt.Sprintf("%d audio levels named a participant past the HydraParticipants list and were left out", s.pastList)})
	}
	turns, talks := s.tl.Finish(duration)
	for _, id := range s.order {
		res.onStage = append(res.onStage, s.people[id])
	}
	for i, t := range turns {
		p := s.people[t.ID]
		res.turns = append(res.turns, record.Turn{StartS: round3(t.Start), EndS: round3(t.End), Handle: p.Handle, Name: p.Name})
		start := t.Start
		if i == 0 {
			start = 0 // the first chapter opens the file
		}
		res.chapters = append(res.chapters, chapter{Start: start, Title: chapterTitle(p)})
	}
	for _, k := range talks {
		p := s.people[k.ID]
		res.talk = append(res.talk, record.TalkTime{Handle: p.Handle, Name: p.Name, Seconds: round3(k.Seconds), Turns: k.Turns})
	}
	return res
}

// chapterTitle is "@handle — Name", or what there is of it.
func chapterTitle(p record.Person) string {
	switch {
	case p.Handle != "" && p.Name != "":
		return "@" + p.Handle + " — " + p.Name
	case p.Handle != "":
		return "@" + p.Handle
	case p.Name != "":
		return p.Name
	}
	return "Speaker"
}

func person(u xapi.User) record.Person {
	return record.Person{UserID: u.ID, PeriscopeID: u.PeriscopeID, Handle: u.Handle, Name: u.Name, AvatarURL: u.AvatarURL}
}

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }
