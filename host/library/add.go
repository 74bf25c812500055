package library

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/host/record"
)

// Entry is one record to add: the record and the folder its files are in
// (the record names them relative to it).
type Entry struct {
	Record *record.Record
	Dir    string
}

// Add adds a Space to the library, or replaces what the library had of it,
// in one transaction. dir is the folder holding the record's files.
func (l *Library) Add(ctx context.Context, rec *record.Record, dir string) error {
	return l.AddAll(ctx, []Entry{{rec, dir}})
}

// AddAll adds many Spaces in one transaction: all or none.
func (l *Library) AddAll(ctx context.Context, entries []Entry) error {
	for _, e := range entries {
		if e.Record == nil || e.Record.ID == "" {
			return fmt.Errorf("add to the library: a record without a Space id")
		}
		if !filepath.IsAbs(e.Dir) {
			return fmt.Errorf("add %s to the library: the folder %q is not absolute", e.Record.ID, e.Dir)
		}
	}
	err := l.tx(ctx, func(tx *sql.Tx) error {
		for _, e := range entries {
			if err := insert(ctx, tx, e.Record, filepath.Clean(e.Dir)); err != nil {
				return fmt.Errorf("add %s: %w", e.Record.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("add to the library: %w", err)
	}
	return nil
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// when is the moment a Space is sorted by: its start, else its schedule,
// its creation, or when it was saved.
func when(r *record.Record) time.Time {
	for _, t := range []time.Time{r.StartedAt, r.ScheduledAt, r.CreatedAt, r.SavedAt} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// deleteRows removes every row of one Space.
func deleteRows(ctx context.Context, tx *sql.Tx, id string) error {
	for _, table := range []string{"people", "topics", "files", "turns", "talk_time", "spaces_fts", "captions"} {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE space_id = ?", id); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM spaces WHERE id = ?", id)
	return err
}

func insert(ctx context.Context, tx *sql.Tx, r *record.Record, dir string) error {
	if err := deleteRows(ctx, tx, r.ID); err != nil {
		return err
	}
	// The stored record leaves out what has its own tables.
	slim := *r
	slim.Turns, slim.Captions = nil, nil
	js, err := json.Marshal(&slim)
	if err != nil {
		return err
	}
	info := ""
	for _, f := range r.Files {
		if f.Kind == record.KindInfo {
			info = filepath.Join(dir, filepath.Base(f.Name))
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO spaces (id, title, url, status, x_state, host_handle, host_name, language,
		at, created_at, scheduled_at, started_at, ended_at, saved_at, added_at, duration_s,
		participants, live_listeners, replay_watched, caption_count, dir, info, record)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Title, r.URL, r.Status, r.XState, strings.TrimPrefix(r.Host.Handle, "@"), r.Host.Name, r.Lang,
		ms(when(r)), ms(r.CreatedAt), ms(r.ScheduledAt), ms(r.StartedAt), ms(r.EndedAt), ms(r.SavedAt), time.Now().UnixMilli(), r.DurationS,
		r.Participants, r.LiveListeners, r.ReplayWatched, len(r.Captions), dir, info, string(js))
	if err != nil {
		return err
	}
	var people []string
	addPeople := func(role string, ps []record.Person) error {
		for i, p := range ps {
			h := strings.TrimPrefix(p.Handle, "@")
			if _, err := tx.ExecContext(ctx, "INSERT INTO people (space_id, role, pos, handle, name) VALUES (?, ?, ?, ?, ?)", r.ID, role, i, h, p.Name); err != nil {
				return err
			}
			people = append(people, h, p.Name)
		}
		return nil
	}
	if err := addPeople("host", []record.Person{r.Host}); err != nil {
		return err
	}
	if err := addPeople("co_host", r.CoHosts); err != nil {
		return err
	}
	if err := addPeople("speaker", r.Speakers); err != nil {
		return err
	}
	for _, t := range r.Topics {
		if _, err := tx.ExecContext(ctx, "INSERT INTO topics (space_id, topic) VALUES (?, ?)", r.ID, t); err != nil {
			return err
		}
	}
	for i, f := range orderFiles(r.Files) {
		if _, err := tx.ExecContext(ctx, "INSERT INTO files (space_id, pos, kind, path, size) VALUES (?, ?, ?, ?, ?)",
			r.ID, i, f.Kind, filepath.Join(dir, filepath.Base(f.Name)), f.Size); err != nil {
			return err
		}
	}
	for _, t := range r.Turns {
		if _, err := tx.ExecContext(ctx, "INSERT INTO turns (space_id, start_s, end_s, handle, name) VALUES (?, ?, ?, ?, ?)",
			r.ID, t.StartS, t.EndS, t.Handle, t.Name); err != nil {
			return err
		}
	}
	for _, t := range talkTime(r) {
		if _, err := tx.ExecContext(ctx, "INSERT INTO talk_time (space_id, handle, name, seconds, turns) VALUES (?, ?, ?, ?, ?)",
			r.ID, t.Handle, t.Name, t.Seconds, t.Turns); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO spaces_fts (space_id, title, people) VALUES (?, ?, ?)",
		r.ID, r.Title, strings.Join(people, " ")); err != nil {
		return err
	}
	if len(r.Captions) > 0 {
		st, err := tx.PrepareContext(ctx, "INSERT INTO captions (text, space_id, start_s, end_s, handle, name) VALUES (?, ?, ?, ?, ?, ?)")
		if err != nil {
			return err
		}
		defer st.Close()
		for _, c := range r.Captions {
			if _, err := st.ExecContext(ctx, c.Text, r.ID, c.StartS, c.EndS, c.Handle, c.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// orderFiles puts the audio first, keeping the record's order otherwise.
func orderFiles(fs []record.File) []record.File {
	out := append([]record.File(nil), fs...)
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Kind == record.KindAudio && out[j].Kind != record.KindAudio
	})
	return out
}

// talkTime is the record's talk time, else the sum of its turns.
func talkTime(r *record.Record) []record.TalkTime {
	if len(r.TalkTime) > 0 || len(r.Turns) == 0 {
		return r.TalkTime
	}
	by := map[string]*record.TalkTime{}
	var order []string
	for _, t := range r.Turns {
		tt := by[t.Handle]
		if tt == nil {
			tt = &record.TalkTime{Handle: t.Handle, Name: t.Name}
			by[t.Handle] = tt
			order = append(order, t.Handle)
		}
		tt.Seconds += t.EndS - t.StartS
		tt.Turns++
	}
	out := make([]record.TalkTime, 0, len(order))
	for _, h := range order {
		out = append(out, *by[h])
	}
	return out
}
