package hls

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/playlist"
	"github.com/spacekeep/spacekeep/host/retry"
	"github.com/spacekeep/spacekeep/protocol"
)

// maxPlaylist bounds a playlist's size: 8 hours of chunks is about 1 MB.
const maxPlaylist = 32 << 20

// Loader loads media playlists.
type Loader struct {
	Client *http.Client
	// Header is added to every request (Referer, Origin, User-Agent): never cookies.
	Header http.Header
	// NotFoundPatience is how long 404s are retried: a CDN answers 404 for
	// about a minute after a stream ends.
	NotFoundPatience time.Duration
	// ChunkBase, if set, gives the URL that a media playlist's chunk names
	// resolve against (a CDN may list chunks that live elsewhere).
	ChunkBase func(playlist *url.URL) *url.URL
	// Allow, if set, is asked about every URL before it is fetched,
	// redirects included; a refusal ends the load.
	Allow func(u *url.URL) error
	Log   zerolog.Logger

	// waitSaid is set once a wait for the playlist was logged at info:
	// after a Space ends X answers 404 for minutes, and one line says so.
	waitSaid atomic.Bool
}

// Media loads the media playlist at u, through masters as Stream does
// (audio first). It returns the playlist and the URL it came from.
func (l *Loader) Media(ctx context.Context, u *url.URL) (*playlist.Playlist, *url.URL, error) {
	st, err := l.Stream(ctx, u, false)
	if err != nil {
		return nil, nil, err
	}
	return st.Playlist, st.URL, nil
}

func (l *Loader) fetch(ctx context.Context, u *url.URL) (*playlist.Playlist, error) {
	patience := l.NotFoundPatience
	deadline := time.Now().Add(patience)
	for attempt := 0; ; attempt++ {
		body, status, err := l.get(ctx, u)
		if refused, ok := isRefused(err); ok {
			return nil, refused
		}
		if err == nil {
			base := u
			if l.ChunkBase != nil {
				base = l.ChunkBase(u)
			}
			pl, perr := playlist.Parse(body, base)
			if perr != nil {
				return nil, fmt.Errorf("read playlist %s: %w", u.Redacted(), perr)
			}
			return pl, nil
		}
		if ctx.Err() != nil {
			return nil, protocol.NewError(protocol.CodeCancelled, ctx.Err())
		}
		again := status == http.StatusNotFound || status == http.StatusForbidden || status >= 500 || status == 0 || status == http.StatusTooManyRequests
		if !again || (attempt > 0 && time.Now().After(deadline)) {
			if status == http.StatusNotFound {
				return nil, protocol.Errorf(protocol.CodeNetwork, "the recording's playlist is not on X's servers (HTTP 404 for %s). If the Space just ended, try again in a few minutes", patience.Round(time.Second))
			}
			return nil, protocol.NewError(protocol.CodeNetwork, err)
		}
		wait := retry.Backoff(attempt, time.Second, 15*time.Second)
		if l.waitSaid.CompareAndSwap(false, true) {
			l.Log.Info().Int("status", status).Msg("waiting for X's servers to serve the playlist (they may answer 404 for a few minutes after a Space ends)")
		} else {
			l.Log.Debug().Int("status", status).Dur("wait", wait).Msg("playlist not ready, retrying")
		}
		if err := retry.Sleep(ctx, wait); err != nil {
			return nil, protocol.NewError(protocol.CodeCancelled, err)
		}
	}
}

// get returns the playlist body, or the HTTP status (0 for a network error).
func (l *Loader) get(ctx context.Context, u *url.URL) (io.Reader, int, error) {
	if err := check(l.Allow, u); err != nil {
		return nil, 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, 0, fmt.Errorf("build playlist request: %w", err)
	}
	for k, v := range l.Header {
		req.Header[k] = v
	}
	resp, err := guarded(l.Client, l.Allow).Do(req)
	if err != nil {
		if refused, ok := isRefused(err); ok {
			return nil, 0, refusal{refused}
		}
		return nil, 0, fmt.Errorf("fetch playlist: %w", retry.ScrubURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, resp.StatusCode, fmt.Errorf("fetch playlist: HTTP %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPlaylist+1))
	if err != nil {
		return nil, 0, fmt.Errorf("read playlist: %w", err)
	}
	if len(body) > maxPlaylist {
		return nil, http.StatusOK, errors.New("playlist larger than 32 MB")
	}
	return bytes.NewReader(body), http.StatusOK, nil
}
