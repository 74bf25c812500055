package job

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spacekeep/spacekeep/host/naming"
	"github.com/spacekeep/spacekeep/host/spaceurl"
	"github.com/spacekeep/spacekeep/host/xapi"
)

// info is what --write-info-json writes beside the audio file.
type info struct {
	*xapi.Space
	URL      string  `json:"url"`
	Duration float64 `json:"duration"`
	File     string  `json:"file"`
	Saved    string  `json:"saved_at"`
}

// writeInfoFile is writeInfo; a test makes it fail as a full disk would.
var writeInfoFile = writeInfo

// writeInfo writes <audio file name>.info.json beside the audio file, by
// the sidecar rules (never over an existing file).
func writeInfo(audio string, sp *xapi.Space, duration float64) error {
	b, err := json.MarshalIndent(info{Space: sp, URL: spaceurl.URL(sp.ID), Duration: duration,
		File: filepath.Base(audio), Saved: time.Now().UTC().Format(time.RFC3339)}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the info file: %w", err)
	}
	_, err = naming.WriteSidecar(audio, ".info.json", func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
	return err
}

// sidecar runs one sidecar writer after the audio is in place: a failure
// is a warning for the done event, never a failed job (the audio is
// complete, and the cache goes as after any success).
func (r *runner) sidecar(warnings *[]string, what string, write func() error) {
	if err := write(); err != nil {
		r.log.Warn().Err(err).Str("sidecar", what).Msg("sidecar not written")
		*warnings = append(*warnings, fmt.Sprintf("The %s was not written: %v", what, err))
	}
}
