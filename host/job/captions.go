package job

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/spacekeep/spacekeep/host/captions"
	"github.com/spacekeep/spacekeep/host/naming"
	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/host/xapi"
)

// captionResult is what the chat service gave, placed on the audio.
type captionResult struct {
	captions []record.Caption
	cues     []captions.Cue
	missing  []record.Missing
}

// fetchCaptions reads the Space's final captions from the chat service
// and places them on the audio, which began at audioStart (Unix seconds)
// and lasts duration; turns (who spoke when, from the Hydra tags) date the
// captions that came without partials. Failures are not the download's: they become the
// record's missing entries, with the captions read before them.
func (r *runner) fetchCaptions(ctx context.Context, chatToken string, audioStart, duration float64, turns []record.Turn) captionResult {
	var res captionResult
	if chatToken == "" {
		res.missing = append(res.missing, record.Missing{What: "captions", Why: "X gave no chat token for this Space"})
		return res
	}
	got, err := xapi.Captions(ctx, xapi.ChatOptions{Base: r.m.chatBase(), HTTP: r.m.cfg.APIClient}, chatToken)
	if err != nil {
		var ce *xapi.ChatError
		why := err.Error()
		if errors.As(err, &ce) && len(got) > 0 {
			why = fmt.Sprintf("%s after %d captions: the rest are missing", why, len(got))
		}
		r.log.Warn().Err(err).Int("captions", len(got)).Msg("captions: the chat service failed")
		res.missing = append(res.missing, record.Missing{What: "captions", Why: why})
	}
	said := make([]captions.Said, len(got))
	for i, c := range got {
		said[i] = captions.Said{Began: math.NaN(), Final: float64(c.At.UnixMilli())/1000 - audioStart,
			Speaker: speakerLabel(c.Handle, c.Name), Text: c.Text, Ref: i}
		if !c.Began.IsZero() {
			said[i].Began = float64(c.Began.UnixMilli())/1000 - audioStart
		}
	}
	var spoke []captions.Turn
	for _, t := range turns {
		spoke = append(spoke, captions.Turn{Start: t.StartS, End: t.EndS, Speaker: speakerLabel(t.Handle, t.Name)})
	}
	cues, outside := captions.Place(said, spoke, duration)
	res.cues = cues
	for _, q := range cues {
		c := got[q.Ref]
		res.captions = append(res.captions, record.Caption{StartS: round3(q.Start), EndS: round3(q.End), Handle: c.Handle, Name: c.Name, Text: c.Text})
	}
	if outside > 0 {
		res.missing = append(res.missing, record.Missing{What: "captions",
			Why: fmt.Sprintf("%d captions fall outside the recording and were left out", outside)})
	}
	return res
}

// speakerLabel is how a caption shows its speaker: @handle, else the name.
func speakerLabel(handle, name string) string {
	if handle != "" {
		return "@" + handle
	}
	return name
}

// writeCaptionFiles writes the captions (.vtt or .srt) and the
// transcript (.txt) beside the audio, by the sidecar rules.
func writeCaptionFiles(audio, format string, cues []captions.Cue) ([]record.File, error) {
	if format == "" {
		format = captions.VTT
	}
	var files []record.File
	for _, f := range []struct {
		ext, kind string
		write     func(io.Writer) error
	}{
		{"." + format, record.KindCaptions, func(w io.Writer) error { return captions.WriteSubtitles(w, format, cues) }},
		{".txt", record.KindTranscript, func(w io.Writer) error { return captions.WriteTranscript(w, cues) }},
	} {
		p, err := naming.WriteSidecar(audio, f.ext, f.write)
		if err != nil {
			return files, err
		}
		rf := record.File{Name: filepath.Base(p), Kind: f.kind}
		if fi, err := os.Stat(p); err == nil {
			rf.Size = fi.Size()
		}
		files = append(files, rf)
	}
	return files, nil
}

// chatBase is where the chat service is: Config.ChatBase, else the API
// base when that was moved (tests and demos point every call at one fake),
// else the real one.
func (m *Manager) chatBase() string {
	if m.cfg.ChatBase != "" {
		return m.cfg.ChatBase
	}
	return m.cfg.APIBase
}
