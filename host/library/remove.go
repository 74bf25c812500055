package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spacekeep/spacekeep/host/xapi"
)

// Remove takes a Space out of the library. With deleteFiles it first
// deletes the Space's files the library lists (audio, captions, info
// JSON), but only those spacekeep wrote for it: regular files in the
// Space's folder whose names carry its id. A listed file that is anything
// else (a folder, a link, another file named by an imported record) is
// left alone. A file already gone is no error. Should a file fail to go,
// the Space stays in the library, so that nothing is forgotten while a
// file is still on disk.
func (l *Library) Remove(ctx context.Context, id string, deleteFiles bool) (removed []string, err error) {
	paths, err := l.Files(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("remove %s: %w", id, err)
	}
	var dir string
	err = l.db.QueryRowContext(ctx, "SELECT dir FROM spaces WHERE id = ?", id).Scan(&dir)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("remove %s: %w", id, ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("remove %s: %w", id, err)
	}
	if deleteFiles {
		var errs []error
		for _, p := range paths {
			if !ownFile(p, dir, id) {
				continue
			}
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

// ownFile reports whether p may be deleted as one of Space id's files: a
// regular file (not a folder, not a link) right inside dir whose name
// carries the id. One that is gone already counts (nothing to delete).
func ownFile(p, dir, id string) bool {
	if dir == "" || !filepath.IsAbs(p) || filepath.Dir(p) != filepath.Clean(dir) || !NameCarriesID(filepath.Base(p), id) {
		return false
	}
	st, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	return err == nil && st.Mode().IsRegular()
}

// NameCarriesID reports whether a file name holds a Space's id as a word
// of its own (not inside a longer run of letters and digits), as the
// default name template writes it ("… [1OyKAWgagpqJb].m4a"). Only a
// Space id counts: a record's id that is a plain word ("Spaces") would
// make every name holding that word "carry" it.
func NameCarriesID(name, id string) bool {
	if !xapi.ValidSpaceID(id) {
		return false
	}
	for from := 0; ; {
		i := strings.Index(name[from:], id)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(id)
		if (i == 0 || !isAlnum(name[i-1])) && (end == len(name) || !isAlnum(name[end])) {
			return true
		}
		from = i + 1
	}
}

func isAlnum(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}
