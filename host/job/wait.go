package job

import (
	"context"
	"time"

	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// A scheduled Space is waited for until this long after its scheduled
// start; from waitSoon before it, X is asked more often.
const (
	waitGiveUp = 12 * time.Hour
	waitSoon   = 2 * time.Minute
	// waitAhead is the furthest start waited for: X schedules weeks ahead
	// at most, so a later date is bad data, not a reason to wait for years.
	waitAhead = 30 * 24 * time.Hour
)

// waitForStart waits for a scheduled Space to start, asking X now and then,
// and returns it once it is no longer NotStarted. It reports the waiting
// stage meanwhile. It gives up (not_started) at the scheduled start plus
// waitGiveUp; a Space cancelled meanwhile is not_replayable.
func (r *runner) waitForStart(ctx context.Context, api *xapi.Client, sp *xapi.Space) (*xapi.Space, error) {
	every, soon := r.m.cfg.WaitPoll, r.m.cfg.WaitPollSoon
	if every <= 0 {
		every = 60 * time.Second
	}
	if soon <= 0 {
		soon = 10 * time.Second
	}
	began := time.Now()
	var shown protocol.SpaceInfo
	for {
		scheduled := sp.ScheduledStart
		deadline := began.Add(waitGiveUp)
		if !scheduled.IsZero() {
			deadline = scheduled.Add(waitGiveUp)
		}
		now := time.Now()
		if !now.Before(deadline) {
			if !scheduled.IsZero() {
				return nil, protocol.Errorf(protocol.CodeNotStarted, "This Space was scheduled for %s and did not start; try again later.",
					scheduled.Local().Format("Mon 2 Jan 15:04"))
			}
			return nil, protocol.Errorf(protocol.CodeNotStarted, "This Space did not start within %s; try again later.", waitGiveUp)
		}
		if !scheduled.IsZero() && scheduled.Sub(now) > waitAhead {
			return nil, protocol.Errorf(protocol.CodeNotStarted,
				"This Space is scheduled for %s, more than 30 days ahead; spacekeep waits only for Spaces due within 30 days. Try again closer to the time.",
				scheduled.Local().Format("Mon 2 Jan 2006 15:04"))
		}
		// Again after every look: a countdown shown from it stays fresh.
		info := spaceInfo(sp)
		if info != shown {
			shown = info
			r.log.Info().Time("scheduled", scheduled).Msg("waiting for the Space to start")
		}
		r.setSpace(sp)
		r.progress(protocol.Event{Stage: protocol.StageWaiting})
		t := time.NewTimer(waitInterval(now, scheduled, deadline, every, soon))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		next, err := api.AudioSpaceByID(ctx, r.spaceID)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			switch protocol.CodeOf(err) {
			case protocol.CodeNotFound, protocol.CodeAuth, protocol.CodeForbidden, protocol.CodeVideoSpace:
				return nil, err // waiting longer will not help
			}
			r.log.Warn().Err(err).Msg("could not ask X whether the Space has started; asking again later")
			continue
		}
		switch next.Status() {
		case protocol.StatusScheduled:
			sp = next // the schedule may have moved
			continue
		case protocol.StatusLive:
			r.log.Info().Msg("the Space has started: recording it")
		case protocol.StatusCanceled:
			return nil, protocol.Errorf(protocol.CodeNotReplayable, "The Space was cancelled before it started.")
		default:
			if !next.Replayable {
				return nil, protocol.Errorf(protocol.CodeNotReplayable, "The Space started and ended between two checks, and its host did not keep a replay.")
			}
			r.log.Info().Str("state", next.State).Msg("the Space has started and ended meanwhile: downloading its replay")
		}
		return next, nil
	}
}

// waitInterval is how long to wait before asking X again whether a
// scheduled Space has started: every normally, soon from waitSoon before
// the scheduled start on (and while it is late), never past the deadline.
func waitInterval(now, scheduled, deadline time.Time, every, soon time.Duration) time.Duration {
	wait := every
	if !scheduled.IsZero() {
		if d := scheduled.Add(-waitSoon).Sub(now); d <= 0 {
			wait = soon
		} else if d < wait {
			wait = d
		}
	}
	if d := deadline.Sub(now); d < wait {
		wait = d
	}
	return wait
}
