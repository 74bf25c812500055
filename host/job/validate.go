package job

import (
	"github.com/spacekeep/spacekeep/host/naming"
	"github.com/spacekeep/spacekeep/host/settings"
	"github.com/spacekeep/spacekeep/protocol"
)

// validate checks a request's own options before anything is asked of X: a
// bad name template or format is a bad_request at once, not after a job's
// API calls. Empty fields take the settings, which were checked when set.
func validate(o protocol.Options) error {
	switch {
	case o.Format != "" && o.Format != "m4a" && o.Format != "mp3":
		return protocol.Errorf(protocol.CodeBadRequest, "format must be m4a or mp3, not %q", o.Format)
	case o.SubFormat != "" && o.SubFormat != "vtt" && o.SubFormat != "srt":
		return protocol.Errorf(protocol.CodeBadRequest, "sub_format must be vtt or srt, not %q", o.SubFormat)
	case o.Concurrency < 0 || o.Concurrency > settings.MaxConcurrency:
		return protocol.Errorf(protocol.CodeBadRequest, "concurrency must be 0 (auto) to %d, not %d", settings.MaxConcurrency, o.Concurrency)
	case o.NameTemplate != "":
		return naming.CheckTemplate(o.NameTemplate)
	}
	return nil
}
