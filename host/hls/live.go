package hls

import (
	"context"
	"net/url"
	"time"

	"github.com/spacekeep/spacekeep/host/playlist"
	"github.com/spacekeep/spacekeep/protocol"
)

// FollowOptions configure Loader.Follow.
type FollowOptions struct {
	// Interval between polls of the playlist; 0 means its target duration
	// (X's is 3-4 s), kept between 1 and 10 s.
	Interval time.Duration
	// Ended, if set, is closed when the stream is known to have ended (X
	// says the Space is no longer live). From then on a playlist that
	// gains no chunk for Quiet, or that cannot be read, ends the list.
	Ended <-chan struct{}
	// Quiet is how long the playlist may stay unchanged after Ended before
	// the list is taken as complete; 0 means the loader's NotFoundPatience.
	Quiet time.Duration
	// OnPoll, if set, is called after every poll with the chunks added.
	OnPoll func(added int)
	// OnGap, if set, is called for every run of chunks the playlist no
	// longer lists by the time it is read again (a sliding window that
	// moved on while the poll was late), before the chunks after it are
	// added.
	OnGap func(Gap)
}

// Follow keeps a live media playlist's chunks coming: starting from pl,
// loaded from u, it polls u and adds every new chunk to q in playlist order
// (q drops those it holds, by cache name), until the playlist says
// ENDLIST, or the stream has ended (opt.Ended) and the playlist has stayed
// unchanged for opt.Quiet. Then it closes q and returns nil. When ctx is
// done it returns its error and leaves q open (the caller decides what the
// chunks so far are worth). A playlist that cannot be read while the
// stream is live closes q with that error and returns it.
func (l *Loader) Follow(ctx context.Context, u *url.URL, pl *playlist.Playlist, q *Queue, opt FollowOptions) error {
	quiet := opt.Quiet
	if quiet <= 0 {
		quiet = l.NotFoundPatience
	}
	var endedAt time.Time
	lastNew := time.Now()
	seq := newSeqWatch(pl)
	first := true
	for {
		gaps, from := seq.next(pl, q.Len())
		if first {
			from, first = 0, false // the list as loaded, whatever it holds
		}
		for _, g := range gaps {
			if opt.OnGap != nil {
				opt.OnGap(g)
			}
		}
		added := q.Add(Chunks(pl)[from:]...)
		if opt.OnPoll != nil {
			opt.OnPoll(added)
		}
		if added > 0 {
			lastNew = time.Now()
		}
		if pl.Ended {
			q.Close()
			return nil
		}
		if endedAt.IsZero() && isClosed(opt.Ended) {
			endedAt = time.Now()
		}
		if !endedAt.IsZero() && time.Since(lastNew) >= quiet && time.Since(endedAt) >= quiet {
			l.Log.Info().Int("chunks", q.Len()).Msg("the stream ended and its playlist stopped growing")
			q.Close()
			return nil
		}
		wait := opt.Interval
		if wait <= 0 {
			wait = time.Duration(min(max(pl.TargetDuration, 1), 10) * float64(time.Second))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return protocol.NewError(protocol.CodeCancelled, ctx.Err())
		case <-t.C:
		}
		next, err := l.fetch(ctx, u)
		switch {
		case ctx.Err() != nil:
			return protocol.NewError(protocol.CodeCancelled, ctx.Err())
		case err == nil && next.Master:
			err = protocol.Errorf(protocol.CodeBadPlaylist, "the live media playlist turned into a master playlist")
		}
		if err != nil {
			if !endedAt.IsZero() || isClosed(opt.Ended) {
				// After the end a playlist that is gone is the end.
				l.Log.Warn().Err(err).Int("chunks", q.Len()).Msg("the stream ended and its playlist is gone: keeping the chunks listed")
				q.Close()
				return nil
			}
			q.CloseWithError(err)
			return err
		}
		pl = next
	}
}

func isClosed(ch <-chan struct{}) bool {
	if ch == nil {
		return false
	}
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
