package hls

import "github.com/spacekeep/spacekeep/host/playlist"

// Gap is a run of chunks a live recording never saw: its playlist is a
// sliding window that moved past them between two reads.
type Gap struct {
	// Index is where the missing chunks belong in the queue: before the
	// chunk at Index (0 for the start of the Space).
	Index int
	// First is the media sequence number of the first missing chunk;
	// Chunks how many are missing.
	First  uint64
	Chunks int
	// Duration is the estimated length of the missing audio, in seconds:
	// Chunks times the playlist's mean chunk length.
	Duration float64
}

// seqWatch finds gaps by media sequence numbers. A list that holds the
// whole recording never changes its first number; a sliding window does,
// and a window whose first chunk is past the last one seen lost those in
// between.
type seqWatch struct {
	first   uint64 // the first number of the first playlist read
	last    uint64 // the highest number seen
	seen    bool
	sliding bool
}

func newSeqWatch(pl *playlist.Playlist) *seqWatch {
	w := &seqWatch{}
	if len(pl.Segments) > 0 {
		w.first, w.last, w.seen = pl.Segments[0].SeqID, pl.LastSeq, true
	}
	return w
}

// next returns the runs of chunks missing between what was seen before
// and pl, whose new chunks will be added at queue index at, and the index
// in pl of its first new chunk. Chunks numbered at or below the highest
// seen are not new: one that was missed (a gap, now listed by a whole
// list) cannot be appended in order, so it stays a gap to fill.
func (w *seqWatch) next(pl *playlist.Playlist, at int) (gaps []Gap, from int) {
	if len(pl.Segments) == 0 {
		return nil, 0
	}
	// The last number listed, a repeated chunk Parse dropped included: a
	// list whose last entry repeats a chunk still numbered it.
	first, last := pl.Segments[0].SeqID, pl.LastSeq
	mean := pl.TotalDuration() / float64(len(pl.Segments))
	if !w.seen {
		w.first, w.last, w.seen = first, last, true
		return nil, 0
	}
	for from < len(pl.Segments) && pl.Segments[from].SeqID <= w.last {
		from++
	}
	var out []Gap
	if !w.sliding && first > w.first {
		// The list slides: it never held the chunks before the first
		// one read, unless the Space had just begun.
		w.sliding = true
		if w.first > 0 {
			out = append(out, Gap{Index: 0, First: 0, Chunks: int(w.first), Duration: float64(w.first) * mean})
		}
	}
	if first > w.last+1 {
		n := first - w.last - 1
		out = append(out, Gap{Index: at, First: w.last + 1, Chunks: int(n), Duration: float64(n) * mean})
	}
	w.last = max(w.last, last)
	return out, from
}
