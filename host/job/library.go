package job

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// OnDone is told of every job that ends with a file (Config.OnDone): the
// library adds the Space's record. The record names its files (the audio,
// and the info JSON when one was written) relative to dir. It runs before
// job.done is sent and must not fail the download: whatever goes wrong,
// it logs.
type OnDone func(rec *record.Record, dir string)

// keep hands the finished job's record to cfg.OnDone, never failing or
// holding up the download beyond the call itself.
func (m *Manager) keep(r *runner, done protocol.Event) {
	if m.cfg.OnDone == nil || done.Path == "" {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			r.log.Error().Interface("panic", p).Msg("the library hook panicked; the download is kept")
		}
	}()
	m.cfg.OnDone(doneRecord(r.latest.Load(), done, r.req.Options.WriteInfoJSON), filepath.Dir(done.Path))
}

// doneRecord builds the record of a finished job from what the job knows:
// what X said about the Space and the file written.
func doneRecord(sp *xapi.Space, done protocol.Event, wroteInfo bool) *record.Record {
	if sp == nil {
		sp = &xapi.Space{}
		if done.Space != nil {
			sp.ID, sp.Title = done.Space.ID, done.Space.Title
		}
	}
	person := func(u xapi.User) record.Person {
		return record.Person{UserID: u.ID, PeriscopeID: u.PeriscopeID, Handle: u.Handle, Name: u.Name, AvatarURL: u.AvatarURL}
	}
	rec := &record.Record{Schema: record.Schema, ID: sp.ID, URL: xapi.SpaceURL(sp.ID), Title: sp.Title,
		Status: neutralState(sp), XState: sp.State, Replay: sp.Replayable,
		CreatedAt: sp.CreatedAt, ScheduledAt: sp.ScheduledStart, StartedAt: sp.StartedAt, EndedAt: sp.EndedAt,
		SavedAt: time.Now().UTC(), DurationS: done.Duration, Host: person(sp.Creator),
		Participants: sp.ParticipantsTotal, LiveListeners: sp.TotalLiveListeners, ReplayWatched: sp.TotalReplayWatched}
	for _, u := range sp.Admins {
		if u.Handle != sp.Creator.Handle {
			rec.CoHosts = append(rec.CoHosts, person(u))
		}
	}
	for _, u := range sp.Speakers {
		rec.Speakers = append(rec.Speakers, person(u))
	}
	rec.Files = []record.File{{Name: filepath.Base(done.Path), Kind: record.KindAudio, Size: done.Size}}
	if wroteInfo {
		info := strings.TrimSuffix(done.Path, filepath.Ext(done.Path)) + ".info.json"
		if fi, err := os.Stat(info); err == nil {
			rec.Files = append(rec.Files, record.File{Name: filepath.Base(info), Kind: record.KindInfo, Size: fi.Size()})
		}
	}
	return rec
}

// neutralState is the Space's state in the record's words; none when X was
// never asked.
func neutralState(sp *xapi.Space) string {
	if sp.State == "" {
		return ""
	}
	return sp.Status()
}
