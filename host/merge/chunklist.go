package merge

import (
	"github.com/spacekeep/spacekeep/host/adts"
)

// ShortChunk is a chunk that holds less audio than its EXTINF beyond what
// rounding explains (adts.Stats.ShortOf). It is merged as served: the
// fetcher already asked for it twice (package hls).
type ShortChunk struct {
	Index  int
	At     float64 // seconds into the file where the chunk starts
	Held   float64 // seconds of audio it holds
	Listed float64 // its EXTINF
}

// chunkList compares the audio merged with the playlist. EXTINF is a hint
// (HLS writes it as an integer below version 3, packagers round it): a
// chunk is proven whole by its bytes (the length served, every ADTS frame
// parsing; packages hls and adts), not by it. A chunk holding more audio
// than listed is fine; one short of it is noted; the file short of the
// playlist's total by more than one chunk's worth has a gap.
type chunkList struct {
	chunks int
	fed    float64 // seconds of audio fed
	listed float64 // sum of the EXTINF given with the chunks
	short  []ShortChunk
}

// add records chunk i's audio against its extinf (0: unknown).
func (l *chunkList) add(i int, st adts.Stats, extinf float64) {
	if st.ShortOf(extinf) {
		l.short = append(l.short, ShortChunk{Index: i, At: l.fed, Held: st.Duration, Listed: extinf})
	}
	l.chunks++
	l.fed += st.Duration
	l.listed += extinf
}

// missing is how many seconds the audio fed falls short of expected, the
// playlist's total (0: the sum of the EXTINF given with the chunks), when
// that is more than one chunk's worth; else 0. Less is rounding.
func (l *chunkList) missing(expected float64) float64 {
	if expected == 0 {
		expected = l.listed
	}
	if l.chunks == 0 || expected <= 0 {
		return 0
	}
	chunk := l.listed / float64(l.chunks)
	if chunk == 0 {
		chunk = expected / float64(l.chunks)
	}
	if short := expected - l.fed; short > chunk {
		return short
	}
	return 0
}

// result fills what res says about the chunks against the playlist.
func (l *chunkList) result(res *Result, expected float64) {
	res.Short = l.short
	res.Missing = l.missing(expected)
}
