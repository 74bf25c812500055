package job

import (
	"context"
	"path/filepath"
	"time"

	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/protocol"
)

// captionsTimeout bounds the chat service's history walk after the audio
// is safe: captions are a nicety, never worth a hung job.
const captionsTimeout = 3 * time.Minute

// keepRecord writes what goes beside the audio once it is committed: the
// captions and transcript (unless turned off), then the record (when
// asked). It fills the done event's counts and files. Its failures never
// fail the download: the audio is there; they are logged and named in the
// record's missing.
func (r *runner) keepRecord(ctx context.Context, opt protocol.Options, final string, duration float64, spk *speakerTrack, ev *protocol.Event) {
	sres := spk.finish(duration)
	files := []record.File{{Name: filepath.Base(final), Kind: record.KindAudio, Size: ev.Size}}
	ev.Files = []string{final}
	ev.Speakers = len(sres.talk)

	var cres captionResult
	base := baseName(final)
	if r.req.Options.NoCaptions {
		cres.missing = append(cres.missing, record.Missing{What: "captions", Why: "not asked for (--no-captions)"})
	} else {
		start := spk.audioStart
		if start == 0 {
			sp := r.latest.Load()
			start = float64(sp.StartedAt.UnixMilli()) / 1000
		}
		cctx, cancel := context.WithTimeout(ctx, captionsTimeout)
		cres = r.fetchCaptions(cctx, r.chatToken, start, duration)
		cancel()
		switch {
		case len(cres.cues) == 0:
			r.log.Info().Msg("no captions for this Space")
			if len(cres.missing) == 0 {
				cres.missing = append(cres.missing, record.Missing{What: "captions", Why: "X has no captions for this Space"})
			}
		default:
			wrote, err := writeCaptionFiles(base, opt.SubFormat, cres.cues)
			files = append(files, wrote...)
			for _, f := range wrote {
				ev.Files = append(ev.Files, filepath.Join(filepath.Dir(final), f.Name))
			}
			if err != nil {
				r.log.Warn().Err(err).Msg("captions not written")
				cres.missing = append(cres.missing, record.Missing{What: "captions", Why: err.Error()})
			} else {
				ev.Captions = len(cres.cues)
			}
		}
	}
	if !r.req.Options.WriteInfoJSON {
		return
	}
	rec := buildRecord(r.latest.Load(), duration, sres, cres, files)
	if r.req.Options.NoChapters {
		rec.Missing = append(rec.Missing, record.Missing{What: "chapters", Why: "not asked for (--no-chapters)"})
	}
	f, err := writeRecord(base, rec)
	if err != nil {
		r.log.Warn().Err(err).Msg("the info file was not written")
		return
	}
	ev.Files = append(ev.Files, filepath.Join(filepath.Dir(final), f.Name))
}
