package library

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spacekeep/spacekeep/host/record"
)

// The reads below are what the library's HTTP server (package libserve)
// asks for on every request: one Space's folder and files, or its stored
// record, without the turns and captions that Show also loads.

// SpaceFiles returns the folder of a Space and the files the library lists
// for it, the audio first, each with whether it is still on disk.
func (l *Library) SpaceFiles(ctx context.Context, id string) (dir string, files []FileInfo, err error) {
	if err := l.db.QueryRowContext(ctx, "SELECT dir FROM spaces WHERE id = ?", id).Scan(&dir); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil, fmt.Errorf("the files of %s: %w", id, ErrNotFound)
		}
		return "", nil, fmt.Errorf("the files of %s: %w", id, err)
	}
	rows, err := l.db.QueryContext(ctx, "SELECT path, kind, size FROM files WHERE space_id = ? ORDER BY pos", id)
	if err != nil {
		return "", nil, fmt.Errorf("the files of %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var f FileInfo
		if err := rows.Scan(&f.Path, &f.Kind, &f.Size); err != nil {
			return "", nil, fmt.Errorf("the files of %s: %w", id, err)
		}
		f.Exists = exists(f.Path)
		files = append(files, f)
	}
	if err := rows.Err(); err != nil {
		return "", nil, fmt.Errorf("the files of %s: %w", id, err)
	}
	return dir, files, nil
}

// SpaceRecord returns the record the library stored for a Space: all of
// it but the turns and captions, which have tables of their own.
func (l *Library) SpaceRecord(ctx context.Context, id string) (*record.Record, error) {
	var js string
	if err := l.db.QueryRowContext(ctx, "SELECT record FROM spaces WHERE id = ?", id).Scan(&js); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("the record of %s: %w", id, ErrNotFound)
		}
		return nil, fmt.Errorf("the record of %s: %w", id, err)
	}
	r := &record.Record{}
	if err := json.Unmarshal([]byte(js), r); err != nil {
		return nil, fmt.Errorf("the record of %s: %w", id, err)
	}
	return r, nil
}
