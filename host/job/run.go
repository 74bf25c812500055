package job

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/hls"
	"github.com/spacekeep/spacekeep/host/merge"
	"github.com/spacekeep/spacekeep/host/naming"
	"github.com/spacekeep/spacekeep/host/playlist"
	"github.com/spacekeep/spacekeep/host/settings"
	"github.com/spacekeep/spacekeep/host/spaceurl"
	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// cdnHeader is what X's web player sends to the CDN: no cookies, ever.
var cdnHeader = http.Header{
	"Referer":    {"https://x.com/"},
	"Origin":     {"https://x.com"},
	"User-Agent": {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
}

// runner carries one job through resolve → fetch → merge → done.
type runner struct {
	m       *Manager
	entry   *entry
	job     string
	spaceID string
	req     protocol.DownloadStart
	log     zerolog.Logger
	// latest is what X said last about the Space: a live recording's
	// status checks update it while events are being sent.
	latest atomic.Pointer[xapi.Space]
}

func (r *runner) progress(ev protocol.Event) {
	ev.Type, ev.Job, ev.Space = protocol.TypeJobProgress, r.job, r.spaceInfo()
	r.m.emit(ev)
}

// setSpace records what X said about the Space.
func (r *runner) setSpace(sp *xapi.Space) { r.latest.Store(sp) }

// spaceInfo is the Space as the events show it, nil before the first answer.
func (r *runner) spaceInfo() *protocol.SpaceInfo {
	sp := r.latest.Load()
	if sp == nil {
		return nil
	}
	info := spaceInfo(sp)
	return &info
}

func (m *Manager) apiClient(c protocol.Cookies, hints *protocol.APIHints) (*xapi.Client, error) {
	return xapi.New(c, xapi.Options{Base: m.cfg.APIBase, HTTP: m.cfg.APIClient, Hints: hints, Log: m.cfg.Log})
}

func (r *runner) run(ctx context.Context) (protocol.Event, error) {
	opt := r.options()
	r.progress(protocol.Event{Stage: protocol.StageResolving})
	// Without ffmpeg there is no file: say so before fetching an hour of audio.
	if _, err := merge.FindFFmpeg(r.m.cfg.FFmpeg); err != nil {
		return protocol.Event{}, err
	}
	api, err := r.m.apiClient(r.req.Cookies, r.req.Hints)
	if err != nil {
		return protocol.Event{}, err
	}
	sp, err := api.AudioSpaceByID(ctx, r.spaceID)
	if err != nil {
		return protocol.Event{}, err
	}
	r.setSpace(sp)
	if sp.State == xapi.StateNotStarted {
		// Record when it starts: wait, then go on as if it had been
		// live (or ended) when the job began.
		if sp, err = r.waitForStart(ctx, api, sp); err != nil {
			return protocol.Event{}, err
		}
		r.setSpace(sp)
	}
	if err := downloadable(sp); err != nil {
		return protocol.Event{}, err
	}
	st, err := api.Status(ctx, sp.MediaKey)
	if err != nil {
		return protocol.Event{}, err
	}
	plURL, err := xapi.PlaylistURL(st.Location)
	if err != nil {
		return protocol.Event{}, err
	}
	loader := &hls.Loader{Client: r.m.cfg.CDNClient, Header: cdnHeader, NotFoundPatience: 3 * time.Minute,
		ChunkBase: xapi.ChunkBase, Log: r.log}
	pl, mediaURL, err := loader.Media(ctx, plURL)
	if err != nil {
		return protocol.Event{}, err
	}
	cache := filepath.Join(r.m.cfg.CacheDir, r.spaceID)
	if err := r.writeMeta(cache, sp); err != nil {
		return protocol.Event{}, err
	}
	cover := r.fetchCover(ctx, cache, sp.Creator.AvatarURL)
	q := hls.NewQueue(hls.Chunks(pl)...)
	if sp.State != xapi.StateRunning || pl.Ended {
		// A finished playlist: the simple case of a live one.
		q.Close()
		return r.fetchAndMerge(ctx, opt, sp, pl.TotalDuration(), q, nil, cache, cover)
	}
	// A live Space: its playlist (the master's last variant) lists every
	// chunk since the start and grows until the Space ends.
	r.log.Info().Int("chunks", q.Len()).Msg("recording a live Space")
	follow := func(ctx context.Context) error {
		return r.follow(ctx, api, loader, mediaURL, pl, q)
	}
	return r.fetchAndMerge(ctx, opt, sp, 0, q, follow, cache, cover)
}

// A scheduled Space is waited for until this long after its scheduled
// start; from waitSoon before it, X is asked more often.
const (
	waitGiveUp = 12 * time.Hour
	waitSoon   = 2 * time.Minute
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
		switch next.State {
		case xapi.StateNotStarted:
			sp = next // the schedule may have moved
			continue
		case xapi.StateRunning:
			r.log.Info().Msg("the Space has started: recording it")
		case xapi.StateCanceled:
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

// follow adds a live playlist's new chunks to q until the Space ends, and
// meanwhile asks X now and then whether it is still live.
func (r *runner) follow(ctx context.Context, api *xapi.Client, loader *hls.Loader, u *url.URL, pl *playlist.Playlist, q *hls.Queue) error {
	ended := make(chan struct{})
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
			if sp.State != xapi.StateRunning {
				r.log.Info().Str("state", sp.State).Msg("the Space is no longer live")
				r.setSpace(sp)
				close(ended)
				return
			}
		}
	}()
	err := loader.Follow(ctx, u, pl, q, hls.FollowOptions{Interval: r.m.cfg.LivePoll, Ended: ended, Quiet: r.m.cfg.LiveQuiet})
	if err == nil && r.latest.Load().State == xapi.StateRunning {
		// The playlist ended before a status check saw it: ask once, so
		// that the file's metadata does not call the Space live.
		if sp, serr := api.AudioSpaceByID(ctx, r.spaceID); serr == nil {
			r.setSpace(sp)
		}
	}
	return err
}

// options fills the request's empty options from the defaults, then from
// spacekeep's own.
func (r *runner) options() protocol.Options {
	o := settings.Fill(r.req.Options, r.m.cfg.Defaults)
	return settings.Fill(o, protocol.Settings{Format: merge.FormatM4A, NameTemplate: naming.DefaultTemplate, Concurrency: 32})
}

// downloadable decides by is_space_available_for_replay, not by state: a
// TimedOut Space with a replay is downloadable. A live Space is recorded.
func downloadable(sp *xapi.Space) error {
	if sp.Replayable && sp.State != xapi.StateRunning && sp.State != xapi.StateNotStarted {
		return nil
	}
	switch sp.State {
	case xapi.StateNotStarted:
		if !sp.ScheduledStart.IsZero() {
			return protocol.Errorf(protocol.CodeNotStarted, "This Space is scheduled for %s and has not started yet. Try again once it has ended.", sp.ScheduledStart.Local().Format("Mon 2 Jan 15:04"))
		}
		return protocol.NewError(protocol.CodeNotStarted, nil)
	case xapi.StateRunning:
		return nil // recorded from its start until it ends
	case xapi.StateCanceled:
		return protocol.Errorf(protocol.CodeNotReplayable, "The Space was cancelled before it started.")
	}
	return protocol.NewError(protocol.CodeNotReplayable, nil)
}

func spaceInfo(sp *xapi.Space) protocol.SpaceInfo {
	info := protocol.SpaceInfo{ID: sp.ID, Title: sp.Title, State: sp.State, Replayable: sp.Replayable,
		HostName: sp.Creator.Name, HostHandle: sp.Creator.Handle, AvatarURL: sp.Creator.AvatarURL, URL: spaceurl.URL(sp.ID)}
	if !sp.StartedAt.IsZero() {
		info.StartedAt = sp.StartedAt.UnixMilli()
	} else if !sp.ScheduledStart.IsZero() {
		info.StartedAt = sp.ScheduledStart.UnixMilli()
	}
	if !sp.EndedAt.IsZero() {
		info.EndedAt = sp.EndedAt.UnixMilli()
	}
	return info
}

// writeMeta keeps what X said beside the cache: a later run, the library
// and people debugging can read it. Never the cookies.
func (r *runner) writeMeta(cache string, sp *xapi.Space) error {
	if err := os.MkdirAll(cache, 0o700); err != nil {
		return protocol.DiskError("create the cache folder", err)
	}
	b, err := json.MarshalIndent(sp, "", "  ")
	if err != nil {
		return fmt.Errorf("encode Space metadata: %w", err)
	}
	if err := os.WriteFile(filepath.Join(cache, "space.json"), b, 0o600); err != nil {
		return protocol.DiskError("write the Space's metadata", err)
	}
	return nil
}

// fetchCover downloads the host's avatar for cover art. Cover art is a
// nicety: any failure is logged and the file is made without it.
func (r *runner) fetchCover(ctx context.Context, cache, avatar string) string {
	if avatar == "" || !(strings.HasPrefix(avatar, "https://") || strings.HasPrefix(avatar, "http://")) {
		return ""
	}
	p := filepath.Join(cache, "cover")
	if fi, err := os.Stat(p); err == nil && fi.Size() > 0 {
		return p
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, avatar, nil)
	if err != nil {
		return ""
	}
	for k, v := range cdnHeader {
		req.Header[k] = v
	}
	resp, err := r.m.cfg.CDNClient.Do(req)
	if err != nil {
		r.log.Warn().Err(err).Msg("no cover art: avatar fetch failed")
		return ""
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		r.log.Warn().Int("status", resp.StatusCode).Msg("no cover art: avatar fetch failed")
		return ""
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil || len(b) == 0 {
		return ""
	}
	if os.WriteFile(p, b, 0o600) != nil {
		return ""
	}
	return p
}

// fetchAndMerge downloads the chunks and, at the same time, streams those
// already on disk into ffmpeg: the file is ready moments after the last
// chunk arrives instead of a merge later. For a live Space, follow keeps
// adding chunks to q until the Space ends and closes it; expected is then 0
// (the sum of the EXTINF of the chunks merged is checked instead).
func (r *runner) fetchAndMerge(ctx context.Context, opt protocol.Options, sp *xapi.Space, expected float64, q *hls.Queue, follow func(context.Context) error, cache, cover string) (protocol.Event, error) {
	outDir, name, err := r.output(opt, sp)
	if err != nil {
		return protocol.Event{}, err
	}
	// The file grows in the cache, not the output folder: a killed run
	// leaves nothing there, and the next run starts the merge afresh.
	tmp := filepath.Join(cache, "output."+opt.Format+".part")
	defer os.Remove(tmp) // a no-op once committed

	dir := filepath.Join(cache, "chunks")
	live := follow != nil
	arr := newArrivals()
	dctx, stopDownload := context.WithCancel(ctx)
	defer stopDownload()
	var fetched, stopped atomic.Bool
	if live {
		r.progress(protocol.Event{Stage: protocol.StageRecording, ChunksTotal: q.Len()})
	} else {
		r.progress(protocol.Event{Stage: protocol.StageFetching, ChunksTotal: q.Len()})
	}
	start := time.Now()
	go func() {
		err := hls.DownloadQueue(dctx, q, hls.Options{
			Client: r.m.cfg.CDNClient, Header: cdnHeader, Dir: dir,
			MaxConns: opt.Concurrency, Fixed: r.req.Options.Concurrency > 0, Slots: r.m.slots, Log: r.log,
			OnChunk: arr.arrive,
			Progress: func(p hls.Progress) {
				if live {
					r.progress(recordEvent(p))
				} else {
					r.progress(fetchEvent(p))
				}
			},
		})
		if err == nil {
			n := q.Len()
			fetched.Store(true)
			r.log.Info().Int("chunks", n).Dur("took", time.Since(start)).Msg("chunks fetched")
			r.progress(protocol.Event{Stage: protocol.StageMerging, ChunksDone: n, ChunksTotal: n})
		}
		arr.finish(err)
	}()

	if live {
		fctx, stopFollow := context.WithCancel(ctx)
		defer stopFollow()
		stop := r.m.setLive(r.entry, true)
		followed := make(chan struct{})
		go func() {
			defer close(followed)
			if err := follow(fctx); err != nil && fctx.Err() == nil {
				r.log.Warn().Err(err).Msg("the live playlist failed")
			}
		}()
		go func() {
			select {
			case <-stop:
				// Stop recording: keep the chunks on disk, in order up
				// to the first missing one, and finish the file.
				r.log.Info().Int("chunks", q.Len()).Msg("recording stopped")
				stopped.Store(true)
				arr.stop()
				stopFollow()
				stopDownload()
			case <-followed:
				r.m.setLive(r.entry, false) // the list is complete: Cancel cancels again
			case <-ctx.Done():
			}
		}()
	}

	var last time.Time
	merged := 0
	res, err := merge.Merge(ctx, nil, tmp, merge.Options{
		Format: opt.Format, FFmpeg: r.m.cfg.FFmpeg, CoverPath: cover, ExpectedDuration: expected,
		Tags: tags(sp),
		Source: func(ctx context.Context, i int) (string, float64, error) {
			if err := arr.wait(ctx, i); err != nil {
				return "", 0, err
			}
			c := q.At(i)
			merged = i + 1
			return filepath.Join(dir, c.Name), c.Duration, nil
		},
		Progress: func(done, _ int64) {
			// While chunks arrive the fetch's progress is the news.
			if !fetched.Load() || time.Since(last) < 200*time.Millisecond {
				return
			}
			last = time.Now()
			n := q.Len()
			r.progress(protocol.Event{Stage: protocol.StageMerging, ChunksDone: n, ChunksTotal: n, Bytes: done})
		},
	})
	stopDownload()
	arr.result() // the download has returned: nothing writes to the cache any more
	if err != nil {
		return protocol.Event{}, err
	}
	if !stopped.Load() && merged != q.Len() {
		return protocol.Event{}, protocol.Errorf(protocol.CodeInternal, "merged %d of %d chunks", merged, q.Len())
	}
	final, err := commit(tmp, outDir, name)
	if err != nil {
		return protocol.Event{}, err
	}
	if r.req.Options.WriteInfoJSON {
		if err := writeInfo(final, r.latest.Load(), res.Duration); err != nil {
			return protocol.Event{}, err
		}
	}
	if err := os.RemoveAll(cache); err != nil {
		r.log.Warn().Err(err).Msg("could not remove the cache")
	}
	return protocol.Event{Type: protocol.TypeJobDone, Job: r.job, Stage: protocol.StageDone, Space: r.spaceInfo(),
		Path: final, Duration: res.Duration, Size: res.Size, ChunksDone: merged, ChunksTotal: merged}, nil
}

// output makes sure the output folder exists and names the file.
func (r *runner) output(opt protocol.Options, sp *xapi.Space) (dir, name string, err error) {
	if opt.OutputDir == "" {
		return "", "", protocol.Errorf(protocol.CodeBadRequest, "no output folder: choose one in the options or pass -o DIR")
	}
	dir, err = filepath.Abs(opt.OutputDir)
	if err != nil {
		return "", "", protocol.Errorf(protocol.CodeBadRequest, "bad output folder %q: %w", opt.OutputDir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", protocol.DiskError("create the output folder", err)
	}
	// Find out now, not after an hour of downloading, that we cannot write there.
	probe, err := os.CreateTemp(dir, ".spacekeep-*.probe")
	if err != nil {
		return "", "", protocol.DiskError("write to the output folder", err)
	}
	probe.Close()
	os.Remove(probe.Name())
	fields := naming.Fields{ID: sp.ID, Title: sp.Title, HostName: sp.Creator.Name, HostHandle: sp.Creator.Handle,
		State: sp.State, Date: sp.Date()}
	name, err = naming.Render(opt.NameTemplate, fields, opt.Format)
	return dir, name, err
}

// fetchEvent turns the fetcher's progress into an event, with an ETA.
func fetchEvent(p hls.Progress) protocol.Event {
	ev := protocol.Event{Stage: protocol.StageFetching, ChunksDone: p.Done, ChunksTotal: p.Total,
		Bytes: p.Bytes, Speed: p.Speed, Connections: p.Conns}
	if p.Speed > 0 && p.Done > 0 && p.Done < p.Total {
		avg := float64(p.Bytes) / float64(p.Done)
		ev.ETA = avg * float64(p.Total-p.Done) / p.Speed
	}
	return ev
}

// recordEvent reports a live recording: what is on disk and how long it
// plays; no ETA, the end is not known.
func recordEvent(p hls.Progress) protocol.Event {
	return protocol.Event{Stage: protocol.StageRecording, ChunksDone: p.Done, ChunksTotal: p.Total,
		Bytes: p.Bytes, Duration: p.Seconds, Speed: p.Speed, Connections: p.Conns}
}

func tags(sp *xapi.Space) merge.Tags {
	artist := sp.Creator.Name
	if sp.Creator.Handle != "" {
		if artist != "" {
			artist += " (@" + sp.Creator.Handle + ")"
		} else {
			artist = "@" + sp.Creator.Handle
		}
	}
	t := merge.Tags{Title: sp.Title, Artist: artist, AlbumArtist: artist, Album: "X Spaces", Comment: spaceurl.URL(sp.ID),
		EpisodeID: sp.ID, Genre: "Podcast"}
	if t.Title == "" {
		t.Title = "Untitled Space"
	}
	if d := sp.Date(); !d.IsZero() {
		t.Date = d.Format("2006-01-02")
	}
	return t
}
