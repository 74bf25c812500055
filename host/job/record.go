package job

import (
	"time"

	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/host/xapi"
)

// Tool names the program in every record; the CLI sets its version.
var Tool = "spacekeep"

// buildRecord is the record of a kept Space: what X said, and what the
// Hydra tags and the chat service gave.
func buildRecord(sp *xapi.Space, duration float64, spk speakerResult, capt captionResult, files []record.File) *record.Record {
	rec := &record.Record{
		Tool: Tool, ID: sp.ID, URL: xapi.SpaceURL(sp.ID), Title: sp.Title, Status: sp.Status(), XState: sp.State,
		Replay: sp.Replayable, Topics: sp.Topics,
		CreatedAt: sp.CreatedAt, ScheduledAt: sp.ScheduledStart, StartedAt: sp.StartedAt, EndedAt: sp.EndedAt,
		SavedAt: time.Now().UTC().Truncate(time.Second), DurationS: round3(duration),
		Host:         person(sp.Creator),
		Participants: sp.ParticipantsTotal, LiveListeners: sp.TotalLiveListeners, ReplayWatched: sp.TotalReplayWatched,
		OnStage: spk.onStage, Turns: spk.turns, TalkTime: spk.talk,
		CaptionCount: len(capt.captions), Captions: capt.captions,
		Files: files,
	}
	for _, a := range sp.Admins {
		if a.Handle != sp.Creator.Handle || a.ID != "" && a.ID != sp.Creator.ID {
			rec.CoHosts = append(rec.CoHosts, person(a))
		}
	}
	for _, u := range sp.Speakers {
		rec.Speakers = append(rec.Speakers, person(u))
	}
	for _, u := range sp.Listeners {
		rec.Listeners = append(rec.Listeners, person(u))
	}
	rec.Missing = append(append(rec.Missing, spk.missing...), capt.missing...)
	return rec
}
