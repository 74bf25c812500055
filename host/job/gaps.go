package job

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/spacekeep/spacekeep/host/hls"
	"github.com/spacekeep/spacekeep/host/merge"
	"github.com/spacekeep/spacekeep/host/playlist"
	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// gapLog collects the gaps a live recording's follow finds.
type gapLog struct {
	mu   sync.Mutex
	gaps []hls.Gap
}

func (g *gapLog) add(gap hls.Gap) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.gaps = append(g.gaps, gap)
}

// inFile returns the gaps that fall inside a file of the first n chunks
// (one at n would be after its end), in order.
func (g *gapLog) inFile(n int) []hls.Gap {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []hls.Gap
	for _, gap := range g.gaps {
		if gap.Index < n {
			out = append(out, gap)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// wholeFunc reads the list that holds every chunk of the Space.
type wholeFunc func(context.Context) (*playlist.Playlist, error)

// wholeRecording returns where to find the list that holds every chunk of
// the Space: what X's stream status points at now (the replay once the
// Space has ended, read through the master playlist where there is one).
func wholeRecording(api *xapi.Client, loader *hls.Loader, mediaKey string, picture bool) wholeFunc {
	return func(ctx context.Context) (*playlist.Playlist, error) {
		st, err := api.Status(ctx, mediaKey)
		if err != nil {
			return nil, err
		}
		lists, err := xapi.Playlists(st.Location)
		if err != nil {
			return nil, err
		}
		s, err := loader.Stream(ctx, lists.Whole, picture)
		return s.Playlist, err
	}
}

// filled is a live recording's file after closeGaps.
type filled struct {
	res    merge.Result
	merged int
	gaps   []protocol.Gap
}

// closeGaps fills the gaps of a live recording whose file (tmp, the first
// merged chunks of q) is missing chunks: it reads the whole list, fetches
// what is missing and merges the file again. What it cannot fill stays
// listed: the file is kept, and the job says what it lacks.
func (r *runner) closeGaps(ctx context.Context, opt protocol.Options, sp *xapi.Space, q *hls.Queue, merged int, res merge.Result, dir, tmp, cover string) (filled, error) {
	gaps := r.gaps.inFile(merged)
	if len(gaps) == 0 {
		return filled{res: res, merged: merged}, nil
	}
	r.log.Warn().Int("gaps", len(gaps)).Msg("the recording missed chunks: reading the whole list to fill them")
	list, err := r.wholeList(ctx, q, merged, gaps)
	if err == nil {
		var got merge.Result
		if got, err = r.remerge(ctx, opt, sp, list, dir, tmp, cover); err == nil {
			r.log.Info().Int("chunks", len(list)).Msg("the gaps were filled")
			return filled{res: got, merged: len(list)}, nil
		}
	}
	if ctx.Err() != nil {
		return filled{}, protocol.NewError(protocol.CodeCancelled, ctx.Err())
	}
	r.log.Warn().Err(err).Msg("the gaps could not be filled: keeping the file with its gaps")
	return filled{res: res, merged: merged, gaps: fileGaps(gaps, q)}, nil
}

// wholeList reads the whole list and checks that it holds every chunk of
// the file plus the missing ones. A list that is still growing is cut at
// the file's last chunk.
func (r *runner) wholeList(ctx context.Context, q *hls.Queue, merged int, gaps []hls.Gap) ([]hls.Chunk, error) {
	if r.whole == nil {
		return nil, fmt.Errorf("no list of the whole recording")
	}
	pl, err := r.whole(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the whole list: %w", err)
	}
	list := hls.Chunks(pl)
	at := make(map[string]int, len(list))
	for i, c := range list {
		at[c.Name] = i
	}
	last, ok := at[q.At(merged-1).Name]
	if !ok {
		return nil, fmt.Errorf("the whole list (%d chunks) does not hold the recording's last chunk", len(list))
	}
	if !pl.Ended {
		list = list[:last+1]
	}
	missing := 0
	for _, g := range gaps {
		missing += g.Chunks
	}
	for i := range merged {
		if _, ok := at[q.At(i).Name]; !ok {
			return nil, fmt.Errorf("the whole list does not hold chunk %s", q.At(i).Name)
		}
	}
	if last+1 < merged+missing {
		return nil, fmt.Errorf("the whole list holds %d chunks up to the recording's last, want %d", last+1, merged+missing)
	}
	return list, nil
}

// remerge fetches the chunks of list not yet on disk and merges them all
// into tmp. The file with gaps stays in tmp until the new one is checked.
func (r *runner) remerge(ctx context.Context, opt protocol.Options, sp *xapi.Space, list []hls.Chunk, dir, tmp, cover string) (merge.Result, error) {
	err := hls.Download(ctx, list, hls.Options{Client: r.m.cfg.CDNClient, Header: xapi.CDNHeader(), Dir: dir,
		MaxConns: opt.Concurrency, Fixed: r.req.Options.Concurrency > 0, Slots: r.m.slots, Allow: r.allow, Store: r.plan.store, Log: r.log})
	if err != nil {
		return merge.Result{}, err
	}
	paths := make([]string, len(list))
	var expected float64
	for i, c := range list {
		paths[i] = filepath.Join(dir, c.Name)
		expected += c.Duration
	}
	next := tmp + ".filled"
	res, err := merge.Merge(ctx, paths, next, merge.Options{Format: opt.Format, FFmpeg: r.m.cfg.FFmpeg,
		CoverPath: cover, Tags: tags(sp), ExpectedDuration: expected})
	if err != nil {
		return res, err
	}
	if err := os.Rename(next, tmp); err != nil {
		os.Remove(next)
		return res, protocol.DiskError("replace the recording with the filled one", err)
	}
	return res, nil
}

// fileGaps places the gaps in the file's time: the audio before each.
func fileGaps(gaps []hls.Gap, q *hls.Queue) []protocol.Gap {
	out := make([]protocol.Gap, 0, len(gaps))
	var at float64
	i := 0
	for _, g := range gaps {
		for ; i < g.Index; i++ {
			at += q.At(i).Duration
		}
		out = append(out, protocol.Gap{StartS: at, DurationS: g.Duration, Chunks: g.Chunks})
	}
	return out
}

// gapWarnings says in words what the file lacks: nothing when complete.
func gapWarnings(gaps []protocol.Gap) []string {
	if len(gaps) == 0 {
		return nil
	}
	var secs float64
	for _, g := range gaps {
		secs += g.DurationS
	}
	places := "1 place"
	if len(gaps) > 1 {
		places = fmt.Sprintf("%d places", len(gaps))
	}
	return []string{fmt.Sprintf("The recording is missing about %.0f s of audio in %s (the connection or the computer stalled, and X no longer had those chunks). The file was kept; the gaps are listed.", secs, places)}
}
