package merge

import (
	"math"

	"github.com/spacekeep/spacekeep/host/adts"
	"github.com/spacekeep/spacekeep/protocol"
)

// extinfRounding is how far a playlist's EXTINF may be from the truth only
// because it is written in milliseconds.
const extinfRounding = 0.0005

// chunkList checks the audio merged against the playlist: each chunk must
// hold its EXTINF of audio, and all of them the playlist's total, within one
// AAC frame per chunk (a chunk boundary may fall either side of a frame).
type chunkList struct {
	chunks int
	fed    float64 // seconds of audio fed
	listed float64 // sum of the EXTINF given with the chunks
	slack  float64 // one frame per chunk, plus the EXTINF rounding
}

// add records chunk i's audio and checks it against extinf (0: unknown).
func (l *chunkList) add(i int, st adts.Stats, extinf float64) error {
	frame := 0.0
	if st.SampleRate > 0 {
		frame = adts.SamplesPerFrame / float64(st.SampleRate)
	}
	l.chunks++
	l.fed += st.Duration
	l.listed += extinf
	l.slack += frame + extinfRounding
	if extinf > 0 && math.Abs(st.Duration-extinf) > frame+extinfRounding {
		return protocol.Errorf(protocol.CodeBadPlaylist,
			"chunk %d holds %.3f s of audio but the playlist lists %.3f s: audio is missing", i, st.Duration, extinf)
	}
	return nil
}

// check compares the audio fed with expected, the playlist's total (0: the
// sum of the EXTINF given with the chunks, if any).
func (l *chunkList) check(fed, expected float64) error {
	if expected == 0 {
		expected = l.listed
	}
	if expected > 0 && math.Abs(fed-expected) > l.slack {
		return protocol.Errorf(protocol.CodeBadPlaylist,
			"the chunks hold %.3f s of audio but the playlist lists %.3f s: chunks are missing", fed, expected)
	}
	return nil
}
