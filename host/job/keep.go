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
// asked). It fills the done event's counts, files and warnings. Its
// failures never fail the download: the audio is there; they are warnings
// and the record's missing.
func (r *runner) keepRecord(ctx context.Context, opt protocol.Options, final string, duration float64, spk *speakerTrack, ev *protocol.Event) {
	sres := spk.finish(duration)
	files := []record.File{{Name: filepath.Base(final), Kind: record.KindAudio, Size: ev.Size}}
	ev.Files = []string{final}
	ev.Speakers = len(sres.talk)

	var cres captionResult
	if r.req.Options.NoCaptions {
		cres.missing = append(cres.missing, record.Missing{What: "captions", Why: "not asked for (--no-captions)"})
	} else {
		start := spk.audioStart
		if start == 0 {
			sp := r.latest.Load()
			start = float64(sp.StartedAt.UnixMilli()) / 1000
		}
		cctx, cancel := context.WithTimeout(ctx, captionsTimeout)
		cres = r.fetchCaptions(cctx, r.chatToken, start, duration, sres.turns)
		cancel()
		switch {
		case len(cres.cues) == 0:
			r.log.Info().Msg("no captions for this Space")
			if len(cres.missing) == 0 {
				cres.missing = append(cres.missing, record.Missing{What: "captions", Why: "X has no captions for this Space"})
			}
		default:
			var wrote []record.File
			r.sidecar(&ev.Warnings, "captions file", func() error {
				var err error
				wrote, err = writeCaptionFiles(final, opt.SubFormat, cres.cues)
				if err != nil {
					cres.missing = append(cres.missing, record.Missing{What: "captions", Why: err.Error()})
				}
				return err
			})
			files = append(files, wrote...)
			for _, f := range wrote {
				ev.Files = append(ev.Files, filepath.Join(filepath.Dir(final), f.Name))
			}
			if len(wrote) > 0 {
				ev.Captions = len(cres.cues)
			}
		}
	}
	rec := buildRecord(r.latest.Load(), duration, sres, cres, files)
	rec.ListenerCurve = r.listeners.curve()
	r.rec = rec                // the library's entry, info file or not
	rec.Stream = r.plan.stream // where a Space with video had its sound from (video.go)
	if r.req.Options.Video && !r.plan.picture {
		ev.Warnings = append(ev.Warnings, "This Space has no picture: its sound was kept as audio.")
	}
	rec.Gaps = []record.Gap{} // "gaps": [] says the file is complete
	for _, g := range ev.Gaps {
		rec.Gaps = append(rec.Gaps, record.Gap(g))
	}
	// What the audio lacks (gaps, chunks X served short), said in words.
	rec.Warnings = append([]string(nil), ev.Warnings...)
	if r.req.Options.NoChapters {
		rec.Missing = append(rec.Missing, record.Missing{What: "chapters", Why: "not asked for (--no-chapters)"})
	}
	if !r.req.Options.WriteInfoJSON {
		return
	}
	r.sidecar(&ev.Warnings, "info file", func() error { return writeInfoFile(final, rec) })
	if n := len(rec.Files); n > 0 && rec.Files[n-1].Kind == record.KindInfo {
		ev.Files = append(ev.Files, filepath.Join(filepath.Dir(final), rec.Files[n-1].Name))
	}
}
