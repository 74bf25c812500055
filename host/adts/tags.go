package adts

// Tag is one ID3v2 tag found in a chunk, with its place in the audio.
type Tag struct {
	// At is the seconds of audio (ADTS frames) in the chunk before the
	// tag: timed metadata interleaved with the audio is placed by it.
	At float64
	// Bytes is the whole tag (header, frames, footer), a sub-slice of the chunk.
	Bytes []byte
}

// Tags returns the ID3 tags of chunk b, in order, each with the seconds of
// audio before it, and the seconds of audio in the whole chunk. It reads b
// as Clean does (junk skipped, frames confirmed), without changing it.
func Tags(b []byte) (tags []Tag, duration float64) {
	scanAll(b, func(_ int, h header) {
		duration += float64(h.blocks*SamplesPerFrame) / float64(h.sampleRate)
	}, func(pos, n int) {
		tags = append(tags, Tag{At: duration, Bytes: b[pos : pos+n]})
	})
	return tags, duration
}
