package job

import "github.com/spacekeep/spacekeep/host/merge"

// chapters gives the merge the speaker chapters, asked for once the last
// chunk's tags are read (the m4a is finalized then); nil with
// --no-chapters or when the audio has no Hydra tags.
func (r *runner) chapters(spk *speakerTrack) func() []merge.Chapter {
	if r.req.Options.NoChapters {
		return nil
	}
	return func() []merge.Chapter {
		res := spk.finish(spk.offset) // the audio merged so far is the whole file
		var out []merge.Chapter
		for _, c := range res.chapters {
			out = append(out, merge.Chapter{Start: c.Start, Title: c.Title})
		}
		return out
	}
}
