package library

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Export writes every Space f selects as "json" (an array of Items) or
// "csv" (one row per Space, lists joined with spaces).
func (l *Library) Export(ctx context.Context, w io.Writer, format string, f Filter) error {
	if format != "json" && format != "csv" {
		return fmt.Errorf("export: the format is json or csv, not %q", format)
	}
	items, err := l.All(ctx, f)
	if err != nil {
		return err
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(items)
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "title", "host", "host_name", "state", "started_at", "ended_at", "duration_s",
		"live_listeners", "replay_watched", "participants_total", "co_hosts", "speakers", "topics", "caption_count", "url", "audio"})
	for _, it := range items {
		audio := ""
		if len(it.Files) > 0 {
			audio = it.Files[0]
		}
		// Every text cell came from X or from a record file: each is kept
		// from being a formula, not just the ones that look free-form.
		cw.Write([]string{cell(it.ID), cell(it.Title), cell(it.Host), cell(it.HostName), cell(it.State), stamp(it.StartedAt), stamp(it.EndedAt),
			strconv.FormatFloat(it.DurationS, 'f', 1, 64), strconv.Itoa(it.LiveListeners), strconv.Itoa(it.ReplayWatched),
			strconv.Itoa(it.Participants), cell(strings.Join(it.CoHosts, " ")), cell(strings.Join(it.Speakers, " ")),
			cell(strings.Join(it.Topics, "; ")), strconv.Itoa(it.CaptionCount), cell(it.URL), cell(audio)})
	}
	cw.Flush()
	return cw.Error()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// cell keeps an untrusted text from being read as a formula by a
// spreadsheet (=, +, -, @ first).
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
