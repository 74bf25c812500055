package job

import (
	"path/filepath"

	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/protocol"
)

// OnDone is told of every job that ends with a file (Config.OnDone): the
// library adds the Space's record. The record names its files (the audio,
// and the info JSON when one was written) relative to dir. It runs before
// job.done is sent and must not fail the download: whatever goes wrong,
// it logs.
type OnDone func(rec *record.Record, dir string)

// keep hands the finished job's record to cfg.OnDone, never failing or
// holding up the download beyond the call itself.
func (m *Manager) keep(r *runner, done protocol.Event) {
	if m.cfg.OnDone == nil || done.Path == "" || r.rec == nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			r.log.Error().Interface("panic", p).Msg("the library hook panicked; the download is kept")
		}
	}()
	m.cfg.OnDone(r.rec, filepath.Dir(done.Path))
}
