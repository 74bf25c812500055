package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Remove takes a Space out of the library. With deleteFiles it first
// deletes the files the library lists for it (audio, captions, info
// JSON); a file already gone is no error. Should a file fail to go, the
// Space stays in the library, so that nothing is forgotten while a file is
// still on disk.
func (l *Library) Remove(ctx context.Context, id string, deleteFiles bool) (removed []string, err error) {
	var paths []string
	rows, err := l.db.QueryContext(ctx, "SELECT path FROM files WHERE space_id = ? ORDER BY pos", id)
	if err != nil {
		return nil, fmt.Errorf("remove %s: %w", id, err)
	}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return nil, fmt.Errorf("remove %s: %w", id, err)
		}
		paths = append(paths, p)
	}
	rows.Close()
	if ok, err := l.Has(ctx, id); err != nil {
		return nil, fmt.Errorf("remove %s: %w", id, err)
	} else if !ok {
		return nil, fmt.Errorf("remove %s: %w", id, ErrNotFound)
	}
	if deleteFiles {
		var errs []error
		for _, p := range paths {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
				continue
			}
			removed = append(removed, p)
		}
		if len(errs) > 0 {
			return removed, fmt.Errorf("remove %s: it stays in the library: %w", id, errors.Join(errs...))
		}
	}
	if err := l.tx(ctx, func(tx *sql.Tx) error { return deleteRows(ctx, tx, id) }); err != nil {
		return removed, fmt.Errorf("remove %s: %w", id, err)
	}
	return removed, nil
}
