package job

import (
	"context"
	"fmt"
	"time"

	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// Describe is a Space's record as far as it is known before downloading
// (title, host, state, times, counts, people), fetching no audio: what
// `spacekeep download -j` prints. It has no files, turns or captions.
func (m *Manager) Describe(ctx context.Context, q protocol.SpaceQuery) (*record.Record, error) {
	id, err := xapi.ParseSpaceURL(q.Space)
	if err != nil {
		return nil, err
	}
	m.cfg.Secret(q.Cookies.AuthToken)
	m.cfg.Secret(q.Cookies.CT0)
	c, err := m.apiClient(q.Cookies, q.Hints, q.Page, q.Browser)
	if err != nil {
		return nil, err
	}
	sp, err := c.AudioSpaceByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("look up Space %s: %w", id, err)
	}
	var length float64 // X says no length; an ended Space's times do
	if !sp.StartedAt.IsZero() && sp.EndedAt.After(sp.StartedAt) {
		length = sp.EndedAt.Sub(sp.StartedAt).Seconds()
	}
	rec := buildRecord(sp, length, speakerResult{}, captionResult{}, []record.File{})
	rec.Schema = record.Schema
	rec.SavedAt = time.Time{} // not saved: nothing was downloaded
	return rec, nil
}
