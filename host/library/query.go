package library

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/protocol"
)

// Item is a Space as the library lists it (`spacekeep library list
// --json`, export, and the library.list message).
type Item = protocol.LibraryItem

// Filter narrows List, Search and Stats.
type Filter struct {
	Host   string    // a handle, with or without @, any case; "" for all
	Since  time.Time // Spaces at or after; zero for all
	Offset int
	Limit  int // 0 means 50; at most 500
}

// Page is one page of Items, newest first, and how many there are in all.
type Page = protocol.LibraryPage

func (f Filter) where(alias string) (string, []any) {
	var conds []string
	var args []any
	if h := strings.TrimPrefix(strings.TrimSpace(f.Host), "@"); h != "" {
		conds = append(conds, alias+"host_handle = ? COLLATE NOCASE")
		args = append(args, h)
	}
	if !f.Since.IsZero() {
		conds = append(conds, alias+"at >= ?")
		args = append(args, f.Since.UnixMilli())
	}
	if len(conds) == 0 {
		return "1", nil
	}
	return strings.Join(conds, " AND "), args
}

func (f Filter) limit() int {
	switch {
	case f.Limit <= 0:
		return 50
	case f.Limit > 500:
		return 500
	}
	return f.Limit
}

const itemColumns = `s.id, s.title, s.url, s.status, s.x_state, s.host_handle, s.host_name, s.at, s.started_at, s.ended_at, s.saved_at,
	s.duration_s, s.participants, s.live_listeners, s.replay_watched, s.caption_count, s.dir, s.info`

func scanItem(rows interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var xstate string
	var at, started, ended, saved int64
	err := rows.Scan(&it.ID, &it.Title, &it.URL, &it.State, &xstate, &it.Host, &it.HostName, &at, &started, &ended, &saved,
		&it.DurationS, &it.Participants, &it.LiveListeners, &it.ReplayWatched, &it.CaptionCount, &it.Dir, &it.Info)
	if it.State == "" {
		it.State = xstate
	}
	it.At, it.StartedAt, it.EndedAt, it.SavedAt = fromMS(at), fromMS(started), fromMS(ended), fromMS(saved)
	it.Files = []string{}
	return it, err
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// List returns a page of Spaces, newest first.
func (l *Library) List(ctx context.Context, f Filter) (Page, error) {
	where, args := f.where("s.")
	p := Page{Offset: f.Offset, Items: []Item{}}
	if err := l.db.QueryRowContext(ctx, "SELECT count(*) FROM spaces s WHERE "+where, args...).Scan(&p.Total); err != nil {
		return p, fmt.Errorf("list the library: %w", err)
	}
	items, err := l.items(ctx, "SELECT "+itemColumns+" FROM spaces s WHERE "+where+" ORDER BY s.at DESC, s.id LIMIT ? OFFSET ?",
		append(args, f.limit(), max(f.Offset, 0))...)
	if err != nil {
		return p, fmt.Errorf("list the library: %w", err)
	}
	p.Items = items
	return p, nil
}

// All returns every Space, newest first (export).
func (l *Library) All(ctx context.Context, f Filter) ([]Item, error) {
	where, args := f.where("s.")
	items, err := l.items(ctx, "SELECT "+itemColumns+" FROM spaces s WHERE "+where+" ORDER BY s.at DESC, s.id", args...)
	if err != nil {
		return nil, fmt.Errorf("read the library: %w", err)
	}
	return items, nil
}

// items runs a query of itemColumns and fills in each item's people,
// topics and files.
func (l *Library) items(ctx context.Context, query string, args ...any) ([]Item, error) {
	rows, err := l.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	items := []Item{}
	index := map[string]int{}
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		index[it.ID] = len(items)
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return items, nil
	}
	// One query per table for the whole page, not one per Space.
	ids := make([]any, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + ")"
	if len(ids) > 500 {
		// Too many for one IN list: select everything and keep what we want.
		in, ids = "(SELECT id FROM spaces)", nil
	}
	if err := l.fill(ctx, items, index, in, ids); err != nil {
		return nil, err
	}
	if err := l.fillCurves(ctx, items, index, in, ids); err != nil {
		return nil, err
	}
	return items, nil
}

// fill adds people, topics and files to items, with one query per table.
func (l *Library) fill(ctx context.Context, items []Item, index map[string]int, in string, ids []any) error {
	rows, err := l.db.QueryContext(ctx, "SELECT space_id, role, handle FROM people WHERE role != 'host' AND space_id IN "+in+" ORDER BY space_id, role, pos", ids...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, role, handle string
		if err := rows.Scan(&id, &role, &handle); err != nil {
			rows.Close()
			return err
		}
		if i, ok := index[id]; ok {
			if role == "co_host" {
				items[i].CoHosts = append(items[i].CoHosts, handle)
			} else {
				items[i].Speakers = append(items[i].Speakers, handle)
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = l.db.QueryContext(ctx, "SELECT space_id, topic FROM topics WHERE space_id IN "+in+" ORDER BY rowid", ids...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, topic string
		if err := rows.Scan(&id, &topic); err != nil {
			rows.Close()
			return err
		}
		if i, ok := index[id]; ok {
			items[i].Topics = append(items[i].Topics, topic)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = l.db.QueryContext(ctx, "SELECT space_id, path, size FROM files WHERE space_id IN "+in+" ORDER BY space_id, pos", ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, path string
		var size int64
		if err := rows.Scan(&id, &path, &size); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			items[i].Files = append(items[i].Files, path)
			items[i].Size += size
		}
	}
	return rows.Err()
}

// Detail is everything the library holds of one Space (show): what
// library.show sends, and the stored record (without turns and captions).
type Detail struct {
	protocol.LibraryDetail
	Record *record.Record `json:"record"`
}

// FileInfo is one of a Space's files.
type FileInfo = protocol.LibraryFile

// Show returns one Space with its files, turns, talk time and a page of
// its captions (captionLimit 0 means all of them).
func (l *Library) Show(ctx context.Context, id string, captionOffset, captionLimit int) (*Detail, error) {
	items, err := l.items(ctx, "SELECT "+itemColumns+" FROM spaces s WHERE s.id = ?", id)
	if err != nil {
		return nil, fmt.Errorf("show %s: %w", id, err)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("show %s: %w", id, ErrNotFound)
	}
	d := &Detail{LibraryDetail: protocol.LibraryDetail{LibraryItem: items[0], FileInfo: []FileInfo{}, Turns: []protocol.LibraryTurn{},
		TalkTime: []protocol.LibraryTalkTime{}, Captions: []protocol.LibraryCaption{}, CaptionsOffset: max(captionOffset, 0)}}
	var js string
	if err := l.db.QueryRowContext(ctx, "SELECT record FROM spaces WHERE id = ?", id).Scan(&js); err != nil {
		return nil, fmt.Errorf("show %s: %w", id, err)
	}
	d.Record = &record.Record{}
	if err := json.Unmarshal([]byte(js), d.Record); err != nil {
		return nil, fmt.Errorf("show %s: the stored record: %w", id, err)
	}
	if err := l.detailRows(ctx, d, captionLimit); err != nil {
		return nil, fmt.Errorf("show %s: %w", id, err)
	}
	return d, nil
}

func (l *Library) detailRows(ctx context.Context, d *Detail, captionLimit int) error {
	rows, err := l.db.QueryContext(ctx, "SELECT path, kind, size FROM files WHERE space_id = ? ORDER BY pos", d.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var f FileInfo
		if err := rows.Scan(&f.Path, &f.Kind, &f.Size); err != nil {
			rows.Close()
			return err
		}
		f.Exists = exists(f.Path)
		d.FileInfo = append(d.FileInfo, f)
	}
	rows.Close()
	rows, err = l.db.QueryContext(ctx, "SELECT start_s, end_s, handle, name FROM turns WHERE space_id = ? ORDER BY start_s", d.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var t protocol.LibraryTurn
		if err := rows.Scan(&t.StartS, &t.EndS, &t.Handle, &t.Name); err != nil {
			rows.Close()
			return err
		}
		d.Turns = append(d.Turns, t)
	}
	rows.Close()
	rows, err = l.db.QueryContext(ctx, "SELECT handle, name, seconds, turns FROM talk_time WHERE space_id = ? ORDER BY seconds DESC", d.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var t protocol.LibraryTalkTime
		if err := rows.Scan(&t.Handle, &t.Name, &t.Seconds, &t.Turns); err != nil {
			rows.Close()
			return err
		}
		d.TalkTime = append(d.TalkTime, t)
	}
	rows.Close()
	limit := captionLimit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err = l.db.QueryContext(ctx, "SELECT start_s, end_s, handle, name, text FROM captions WHERE space_id = ? ORDER BY start_s, rowid LIMIT ? OFFSET ?",
		d.ID, limit, d.CaptionsOffset)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c protocol.LibraryCaption
		if err := rows.Scan(&c.StartS, &c.EndS, &c.Handle, &c.Name, &c.Text); err != nil {
			return err
		}
		d.Captions = append(d.Captions, c)
	}
	return rows.Err()
}

// Has tells whether the library holds a Space.
func (l *Library) Has(ctx context.Context, id string) (bool, error) {
	var n int
	err := l.db.QueryRowContext(ctx, "SELECT count(*) FROM spaces WHERE id = ?", id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return n > 0, err
}

// HasFile tells whether path is one of the files the library lists, so
// that the browser may open or reveal it.
func (l *Library) HasFile(ctx context.Context, path string) bool {
	var n int
	err := l.db.QueryRowContext(ctx, "SELECT count(*) FROM files WHERE path = ?", path).Scan(&n)
	return err == nil && n > 0
}

// Files returns the paths of the files the library lists for a Space,
// audio first; none when it does not hold the Space.
func (l *Library) Files(ctx context.Context, id string) ([]string, error) {
	rows, err := l.db.QueryContext(ctx, "SELECT path FROM files WHERE space_id = ? ORDER BY pos", id)
	if err != nil {
		return nil, fmt.Errorf("files of %s: %w", id, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("files of %s: %w", id, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
