package library

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations[i] brings the schema from version i to i+1 (PRAGMA
// user_version). They are only ever appended to: a library is migrated
// forward, step by step, each step in its own transaction.
var migrations = []string{
	// 1: the Spaces, their people, topics, files, turns, talk time, and
	// two full-text indexes (titles and people; captions).
	`
CREATE TABLE spaces (
	id TEXT PRIMARY KEY,
	title TEXT NOT NULL DEFAULT '',
	url TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT '',
	x_state TEXT NOT NULL DEFAULT '',
	host_handle TEXT NOT NULL DEFAULT '',
	host_name TEXT NOT NULL DEFAULT '',
	language TEXT NOT NULL DEFAULT '',
	at INTEGER NOT NULL DEFAULT 0,          -- ms: started, else scheduled, created, saved
	created_at INTEGER NOT NULL DEFAULT 0,  -- ms since the epoch, 0 when unknown
	scheduled_at INTEGER NOT NULL DEFAULT 0,
	started_at INTEGER NOT NULL DEFAULT 0,
	ended_at INTEGER NOT NULL DEFAULT 0,
	saved_at INTEGER NOT NULL DEFAULT 0,
	added_at INTEGER NOT NULL DEFAULT 0,
	duration_s REAL NOT NULL DEFAULT 0,
	participants INTEGER NOT NULL DEFAULT 0,
	live_listeners INTEGER NOT NULL DEFAULT 0,
	replay_watched INTEGER NOT NULL DEFAULT 0,
	caption_count INTEGER NOT NULL DEFAULT 0,
	dir TEXT NOT NULL DEFAULT '',           -- the folder holding the files
	info TEXT NOT NULL DEFAULT '',          -- the info JSON's path, '' when none
	record TEXT NOT NULL DEFAULT '{}'       -- the record, without turns and captions
);
CREATE INDEX spaces_at ON spaces(at DESC, id);
CREATE INDEX spaces_host ON spaces(host_handle COLLATE NOCASE, at DESC);
CREATE TABLE people (
	space_id TEXT NOT NULL,
	role TEXT NOT NULL,                     -- host | co_host | speaker
	pos INTEGER NOT NULL,
	handle TEXT NOT NULL DEFAULT '',
	name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX people_space ON people(space_id);
CREATE TABLE topics (space_id TEXT NOT NULL, topic TEXT NOT NULL);
CREATE INDEX topics_space ON topics(space_id);
CREATE TABLE files (
	space_id TEXT NOT NULL,
	pos INTEGER NOT NULL,                   -- the audio is 0
	kind TEXT NOT NULL,
	path TEXT NOT NULL,                     -- absolute
	size INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX files_space ON files(space_id, pos);
CREATE INDEX files_path ON files(path);
CREATE TABLE turns (
	space_id TEXT NOT NULL,
	start_s REAL NOT NULL,
	end_s REAL NOT NULL,
	handle TEXT NOT NULL DEFAULT '',
	name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX turns_space ON turns(space_id, start_s);
CREATE TABLE talk_time (
	space_id TEXT NOT NULL,
	handle TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	seconds REAL NOT NULL,
	turns INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX talk_time_space ON talk_time(space_id);
CREATE INDEX talk_time_handle ON talk_time(handle);
CREATE VIRTUAL TABLE spaces_fts USING fts5(space_id UNINDEXED, title, people, tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE captions USING fts5(text, space_id UNINDEXED, start_s UNINDEXED, end_s UNINDEXED, handle UNINDEXED, name UNINDEXED, tokenize='unicode61 remove_diacritics 2');
`,
}

// SchemaVersion is the newest schema this spacekeep knows.
var SchemaVersion = len(migrations)

// migrate brings the schema to SchemaVersion. Each step checks the version
// inside its write transaction, so two processes opening a new library at
// once apply each step once.
func (l *Library) migrate(ctx context.Context) error {
	for {
		done := false
		err := l.tx(ctx, func(tx *sql.Tx) error {
			var v int
			if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
				return fmt.Errorf("read the schema version: %w", err)
			}
			if v > SchemaVersion {
				return fmt.Errorf("the library was written by a newer spacekeep (schema %d, this one knows up to %d): update spacekeep", v, SchemaVersion)
			}
			if v == SchemaVersion {
				done = true
				return nil
			}
			if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migrate the schema to version %d: %w", v+1, err)
			}
			// PRAGMA takes no parameters; v+1 is our own integer.
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
				return fmt.Errorf("migrate the schema to version %d: %w", v+1, err)
			}
			return nil
		})
		if err != nil || done {
			return err
		}
	}
}
