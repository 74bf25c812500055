package job

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/spacekeep/spacekeep/host/naming"
	"github.com/spacekeep/spacekeep/host/record"
)

// writeInfoFile is writeInfo; a test makes it fail as a full disk would.
var writeInfoFile = writeInfo

// writeInfo writes the record as <audio's final name>.info.json beside the
// audio file, by the sidecar rules (never over an existing file). The
// record lists itself among its files, with its size.
func writeInfo(audio string, rec *record.Record) error {
	name := filepath.Base(naming.SidecarPath(audio, ".info.json"))
	b, err := record.EncodeListed(rec, name)
	if err == nil {
		_, err = naming.WriteSidecar(audio, ".info.json", func(w io.Writer) error {
			_, err := w.Write(b)
			return err
		})
	}
	if err != nil {
		rec.Files = rec.Files[:len(rec.Files)-1]
	}
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
