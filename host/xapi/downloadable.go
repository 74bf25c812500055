package xapi

import "github.com/spacekeep/spacekeep/protocol"

// Downloadable says whether the Space can be kept now, or why not as one of
// our error codes. It decides by is_space_available_for_replay, not by
// state: a TimedOut Space with a replay is downloadable. A live Space is
// (recorded from its start until it ends); a scheduled one is not_started.
func (s *Space) Downloadable() error {
	switch s.Status() {
	case protocol.StatusLive:
		return nil
	case protocol.StatusScheduled:
		if !s.ScheduledStart.IsZero() {
			return protocol.Errorf(protocol.CodeNotStarted, "This Space is scheduled for %s and has not started yet. Try again once it has ended.", s.ScheduledStart.Local().Format("Mon 2 Jan 15:04"))
		}
		return protocol.NewError(protocol.CodeNotStarted, nil)
	case protocol.StatusCanceled:
		if s.Replayable {
			return nil
		}
		return protocol.Errorf(protocol.CodeNotReplayable, "The Space was cancelled before it started.")
	}
	if s.Replayable {
		return nil
	}
	return protocol.NewError(protocol.CodeNotReplayable, nil)
}
