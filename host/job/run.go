package job

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/hls"
	"github.com/spacekeep/spacekeep/host/merge"
	"github.com/spacekeep/spacekeep/host/naming"
	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/host/settings"
	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

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
	// A live recording's gaps (chunks its playlist moved past), and where
	// to read the whole list that fills them.
	gaps  gapLog
	whole wholeFunc
	// chatToken opens the chat service, for the captions (keep.go).
	chatToken string
	// listeners is the live listener count over a live recording.
	listeners listenerCurve
	// rec is the finished Space's record (keep.go), for the library.
	rec *record.Record
	// allow says which URLs the CDN fetches may go to (xapi's CDN rules).
	allow func(*url.URL) error
	// plan is how the chunks are kept and merged (video.go); video says
	// the Space has a picture, for the events.
	plan  chunkPlan
	video atomic.Bool
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
	info.Video = r.video.Load()
	return &info
}

func (m *Manager) apiClient(c protocol.Cookies, hints *protocol.APIHints, page *protocol.PageAnswers, b *protocol.Browser) (*xapi.Client, error) {
	return xapi.New(c, xapi.Options{Base: m.cfg.APIBase, HTTP: m.cfg.APIClient, Hints: hints, Page: page, Browser: b, Log: m.cfg.Log})
}

func (r *runner) run(ctx context.Context) (protocol.Event, error) {
	opt := r.options()
	r.progress(protocol.Event{Stage: protocol.StageResolving})
	// An mp3 needs ffmpeg: say so before fetching an hour of audio. An m4a is written in Go.
	if _, err := merge.FindFFmpeg(r.m.cfg.FFmpeg); opt.Format == merge.FormatMP3 && err != nil {
		return protocol.Event{}, err
	}
	api, err := r.m.apiClient(r.req.Cookies, r.req.Hints, r.req.Page, r.req.Browser)
	if err != nil {
		return protocol.Event{}, err
	}
	sp, err := api.AudioSpaceByID(ctx, r.spaceID)
	if err != nil {
		return protocol.Event{}, err
	}
	r.setSpace(sp)
	if sp.Status() == protocol.StatusScheduled {
		// Record when it starts: wait, then go on as if it had been
		// live (or ended) when the job began.
		if sp, err = r.waitForStart(ctx, api, sp); err != nil {
			return protocol.Event{}, err
		}
		r.setSpace(sp)
	}
	// A replay already kept is not fetched again. A live Space is: a file
	// of it may be a recording stopped before its end.
	// With the picture asked for, see below, once the stream is known.
	if sp.Status() != protocol.StatusLive && !r.req.Options.Video {
		if p := r.m.alreadyKept(ctx, r.spaceID, opt); p != "" {
			return r.keptEvent(p), nil
		}
	}
	if err := sp.Downloadable(); err != nil {
		return protocol.Event{}, err
	}
	st, err := api.Status(ctx, sp.MediaKey)
	if err != nil {
		return protocol.Event{}, err
	}
	r.chatToken = st.ChatToken
	lists, err := xapi.Playlists(st.Location)
	if err != nil {
		return protocol.Event{}, err
	}
	cdn := api.CDN()
	r.allow = cdn.Allow
	loader := &hls.Loader{Client: r.m.cfg.CDNClient, Header: cdn.Header, NotFoundPatience: cdn.NotFoundPatience,
		ChunkBase: cdn.ChunkBase, Allow: cdn.Allow, Log: r.log}
	if lists.Live() {
		r.log.Debug().Msg("X names a live window: reading the list of the whole recording instead")
	}
	stream, err := loader.Stream(ctx, lists.Whole, r.req.Options.Video)
	if err != nil {
		return protocol.Event{}, err
	}
	pl, mediaURL := stream.Playlist, stream.URL
	r.plan = planChunks(stream, r.req.Options.Video)
	if r.plan.stream != nil {
		r.video.Store(true)
		r.log.Info().Str("path", r.plan.stream.Path).Str("codecs", stream.Codecs).Msg("a Space with video")
	}
	// With the picture asked for, what is kept is known only now: the mp4
	// of a Space with a picture, else its sound in the format asked for.
	if sp.Status() != protocol.StatusLive && r.req.Options.Video {
		kept := opt
		if r.plan.picture {
			kept.Format = FormatMP4
		}
		if p := r.m.alreadyKept(ctx, r.spaceID, kept); p != "" {
			return r.keptEvent(p), nil
		}
	}
	if r.plan.picture {
		// The picture is copied by ffmpeg: say so before fetching an hour of video.
		if _, err := merge.FindFFmpeg(r.m.cfg.FFmpeg); err != nil {
			return protocol.Event{}, noFFmpegForPicture(err)
		}
		opt.Format = FormatMP4
		// The speakers are in the audio-only variant's chunks, if there is
		// one: its list, for the chapters (a replay's; a live one grows).
		if sp.Status() != protocol.StatusLive {
			if a, err := loader.Stream(ctx, lists.Whole, false); err == nil && a.Kind == hls.KindAudio {
				r.plan.hydra = hls.Chunks(a.Playlist)
			}
		}
	}
	release, waited, err := r.lockCache(ctx)
	if err != nil {
		return protocol.Event{}, err
	}
	defer release()
	// Another process may have kept the Space while this one waited for
	// its lock (and removed its cache): its file is the answer, live or not.
	if waited {
		if p := r.m.alreadyKept(ctx, r.spaceID, opt); p != "" {
			return r.keptEvent(p), nil
		}
	}
	cache, err := cacheEntry(r.m.cfg.CacheDir, r.spaceID)
	if err != nil {
		return protocol.Event{}, err
	}
	if err := r.writeMeta(cache, sp); err != nil {
		return protocol.Event{}, err
	}
	cover := r.fetchCover(ctx, cache, sp.Creator.AvatarURL)
	q := hls.NewQueue(hls.Chunks(pl)...)
	if sp.Status() != protocol.StatusLive || pl.Ended {
		// A finished playlist: the simple case of a live one.
		q.Close()
		ev, err := r.fetchAndMerge(ctx, opt, sp, pl.TotalDuration(), q, nil, cache, cover)
		return ev, r.videoError(err)
	}
	// A live Space: its playlist (the master's last variant) lists every
	// chunk since the start and grows until the Space ends.
	r.log.Info().Int("chunks", q.Len()).Msg("recording a live Space")
	r.whole = wholeRecording(api, loader, sp.MediaKey, r.req.Options.Video)
	follow := func(ctx context.Context) error {
		return r.follow(ctx, api, loader, mediaURL, pl, q)
	}
	ev, err := r.fetchAndMerge(ctx, opt, sp, 0, q, follow, cache, cover)
	return ev, r.videoError(err)
}

// options fills the request's empty options from the defaults, then from
// spacekeep's own.
func (r *runner) options() protocol.Options {
	o := settings.Fill(r.req.Options, r.m.cfg.Defaults)
	return settings.Fill(o, protocol.Settings{Format: merge.FormatM4A, NameTemplate: naming.DefaultTemplate, Concurrency: 32})
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

	dir := filepath.Join(cache, r.plan.dir)
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
			Client: r.m.cfg.CDNClient, Header: xapi.CDNHeader(), Dir: dir,
			MaxConns: opt.Concurrency, Fixed: r.req.Options.Concurrency > 0, Slots: r.m.slots, Log: r.log,
			OnChunk: arr.arrive, Allow: r.allow, Store: r.plan.store,
			Progress: func(p hls.Progress) {
				if live {
					r.progress(recordEvent(p))
				} else {
					r.progress(fetchEvent(p))
				}
			},
		})
		if err != nil && stopped.Load() {
			// Stopped: a chunk stored and recorded in the cache just
			// before the stop may not have been handed in. It is on
			// disk all the same, and the recording keeps it.
			for i, ok := range hls.Stored(dir, chunkNames(q)) {
				if ok {
					arr.arrive(i)
				}
			}
		}
		if err == nil {
			n := q.Len()
			fetched.Store(true)
			r.log.Info().Int("chunks", n).Dur("took", time.Since(start)).Msg("chunks fetched")
			r.progress(protocol.Event{Stage: protocol.StageMerging, ChunksDone: n, ChunksTotal: n})
		}
		arr.finish(err)
	}()

	var followed chan struct{} // closed when the follower is done (live only)
	if live {
		fctx, stopFollow := context.WithCancel(ctx)
		defer stopFollow()
		stop := r.m.setLive(r.entry, true)
		followed = make(chan struct{})
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
				stopped.Store(true)
				arr.stop()
				stopFollow()
				stopDownload()
				r.log.Info().Int("chunks", q.Len()).Msg("recording stopped")
			case <-followed:
				r.m.setLive(r.entry, false) // the list is complete: Cancel cancels again
			case <-ctx.Done():
			}
		}()
	}

	var last time.Time
	merged := 0
	spk := newSpeakerTrack(sp) // reads each chunk's Hydra tags as the merge takes it (speakers.go)
	source := func(ctx context.Context, i int) (string, float64, error) {
		if err := arr.wait(ctx, i); err != nil {
			return "", 0, err
		}
		c := q.At(i)
		merged = i + 1
		if !r.plan.picture {
			spk.chunk(filepath.Join(dir, c.Name))
		}
		return filepath.Join(dir, c.Name), c.Duration, nil
	}
	var res merge.Result
	if r.plan.picture {
		res, err = mergeVideo(ctx, r.m.cfg.FFmpeg, tmp, source, tags(sp), cover, r.videoChapters(ctx, spk, filepath.Join(cache, "chunks"), opt))
	} else {
		res, err = merge.Merge(ctx, nil, tmp, merge.Options{
			Format: opt.Format, FFmpeg: r.m.cfg.FFmpeg, CoverPath: cover, ExpectedDuration: expected,
			Tags: tags(sp), Chapters: r.chapters(spk), // speaker chapters (chapters.go)
			Source: source,
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
	}
	stopDownload()
	arr.result() // the download has returned: nothing writes to the cache any more
	if err != nil {
		return protocol.Event{}, err
	}
	if !stopped.Load() && merged != q.Len() {
		return protocol.Event{}, protocol.Errorf(protocol.CodeInternal, "merged %d of %d chunks", merged, q.Len())
	}
	if followed != nil {
		// The follower's last word (X's state once the list ended) must
		// reach the record: the Go merge can finish before it is said.
		<-followed
	}
	f, err := r.closeGaps(ctx, opt, sp, q, merged, res, dir, tmp, cover)
	if err != nil {
		return protocol.Event{}, err
	}
	res, merged = f.res, f.merged
	final, err := commit(tmp, outDir, name)
	if err != nil {
		return protocol.Event{}, err
	}
	gaps := append(f.gaps, shortGaps(res)...)
	done := protocol.Event{Type: protocol.TypeJobDone, Job: r.job, Stage: protocol.StageDone, Space: r.spaceInfo(),
		Path: final, Duration: res.Duration, Size: res.Size, ChunksDone: merged, ChunksTotal: merged,
		Gaps: gaps, Warnings: append(gapWarnings(f.gaps), shortWarnings(res)...)}
	r.keepRecord(ctx, opt, final, res.Duration, spk, &done) // captions, transcript, info JSON (keep.go)
	if err := os.RemoveAll(cache); err != nil {
		r.log.Warn().Err(err).Msg("could not remove the cache")
	}
	return done, nil
}

// chunkNames lists the cache names of the chunks in q.
func chunkNames(q *hls.Queue) []string {
	names := make([]string, q.Len())
	for i := range names {
		names[i] = q.At(i).Name
	}
	return names
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
	if err := outsideCache(dir, r.m.cfg.CacheDir); err != nil {
		return "", "", err
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
		Bytes: p.Bytes, Speed: p.Speed, Connections: p.Conns, Resumed: p.Resumed}
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
