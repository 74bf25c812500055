package job

import (
	"context"
	"net/url"
	"time"

	"github.com/spacekeep/spacekeep/host/hls"
	"github.com/spacekeep/spacekeep/host/playlist"
	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// follow adds a live playlist's new chunks to q until the Space ends, and
// meanwhile asks X now and then whether it is still live.
func (r *runner) follow(ctx context.Context, api *xapi.Client, loader *hls.Loader, u *url.URL, pl *playlist.Playlist, q *hls.Queue) error {
	ended := make(chan struct{})
	if sp := r.latest.Load(); sp != nil && sp.Status() == protocol.StatusLive {
		r.listeners.add(sp, time.Now())
	}
	sctx, stopStatus := context.WithCancel(ctx)
	defer stopStatus()
	go func() {
		every := r.m.cfg.StatusPoll
		if every <= 0 {
			every = 30 * time.Second
		}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-sctx.Done():
				return
			case <-t.C:
			}
			sp, err := api.AudioSpaceByID(sctx, r.spaceID)
			if err != nil {
				if sctx.Err() == nil {
					r.log.Warn().Err(err).Msg("could not ask X whether the Space is still live")
				}
				continue
			}
			if sp.Status() != protocol.StatusLive {
				r.log.Info().Str("state", sp.State).Msg("the Space is no longer live")
				r.setSpace(sp)
				close(ended)
				return
			}
			r.listeners.add(sp, time.Now())
		}
	}()
	err := loader.Follow(ctx, u, pl, q, hls.FollowOptions{Interval: r.m.cfg.LivePoll, Ended: ended, Quiet: r.m.cfg.LiveQuiet, OnGap: r.gaps.add})
	if err == nil && r.latest.Load().Status() == protocol.StatusLive {
		// The playlist ended before a status check saw it: ask once, so
		// that the file's metadata does not call the Space live.
		if sp, serr := api.AudioSpaceByID(ctx, r.spaceID); serr == nil {
			r.setSpace(sp)
		}
	}
	return err
}
