package library

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/spacekeep/spacekeep/protocol"
)

// The listener curve of a live recording lives in the stored record (the
// spaces.record column): no table of its own, so a library imported from
// info files has it too.
const curveColumn = "json_extract(record, '$.listener_curve')"

// fillCurves adds each item's listener curve and its peak.
func (l *Library) fillCurves(ctx context.Context, items []Item, index map[string]int, in string, ids []any) error {
	rows, err := l.db.QueryContext(ctx, "SELECT id, "+curveColumn+" FROM spaces WHERE id IN "+in+" AND "+curveColumn+" IS NOT NULL", ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var js sql.NullString
		if err := rows.Scan(&id, &js); err != nil {
			return err
		}
		i, ok := index[id]
		if !ok {
			continue
		}
		items[i].ListenerCurve = decodeCurve(js)
		items[i].PeakListeners, _ = curveFigures(items[i].ListenerCurve, items[i].DurationS)
	}
	return rows.Err()
}

// decodeCurve reads a stored curve; a damaged one is no curve.
func decodeCurve(js sql.NullString) []protocol.ListenerPoint {
	if !js.Valid || js.String == "" {
		return nil
	}
	var pts []protocol.ListenerPoint
	if json.Unmarshal([]byte(js.String), &pts) != nil {
		return nil
	}
	return pts
}

// curveFigures is a curve's peak and its average over time: each count
// holds until the next point, the last one until the end of the audio
// (duration s); a curve without any span is averaged point by point.
func curveFigures(pts []protocol.ListenerPoint, duration float64) (peak int, avg float64) {
	var sum, span, plain float64
	for i, p := range pts {
		peak = max(peak, p.Count)
		plain += float64(p.Count)
		until := duration
		if i+1 < len(pts) {
			until = pts[i+1].TS
		}
		if d := until - p.TS; d > 0 {
			sum += float64(p.Count) * d
			span += d
		}
	}
	switch {
	case len(pts) == 0:
		return 0, 0
	case span > 0:
		return peak, sum / span
	}
	return peak, plain / float64(len(pts))
}

// listenerStats sets st's average and peak listeners over the Spaces that
// where selects: from a Space's listener curve when it has one, else from
// the one count X gave (live_listeners).
func (l *Library) listenerStats(ctx context.Context, st *Stats, where string, args []any) error {
	rows, err := l.db.QueryContext(ctx, "SELECT s.id, s.live_listeners, s.duration_s, "+curveColumn+" FROM spaces s WHERE "+where+" ORDER BY s.at DESC, s.id", args...)
	if err != nil {
		return fmt.Errorf("library stats: %w", err)
	}
	defer rows.Close()
	var sum float64
	var n int
	st.AvgListeners, st.PeakListeners, st.PeakSpace = 0, 0, ""
	for rows.Next() {
		var id string
		var live int
		var duration float64
		var js sql.NullString
		if err := rows.Scan(&id, &live, &duration, &js); err != nil {
			return fmt.Errorf("library stats: %w", err)
		}
		peak, avg := live, float64(live)
		if pts := decodeCurve(js); len(pts) > 0 {
			peak, avg = curveFigures(pts, duration)
			peak = max(peak, live)
		}
		if avg > 0 {
			sum += avg
			n++
		}
		if peak > st.PeakListeners {
			st.PeakListeners, st.PeakSpace = peak, id
		}
	}
	if n > 0 {
		st.AvgListeners = sum / float64(n)
	}
	return rows.Err()
}
