package library

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/host/xapi"
)

// InfoSuffix ends the name of every record file beside the audio.
const InfoSuffix = ".info.json"

// ImportReport says what Import did.
type ImportReport struct {
	Added   int      `json:"added"`
	Skipped []string `json:"skipped,omitempty"` // "path: reason", one per file not added
}

// importBatch is how many records go in one transaction.
const importBatch = 200

// Import adds every record (*.info.json) found under dir, recursively, to
// the library, replacing what it had of those Spaces. A file that is not a
// record this spacekeep can read is skipped and named in the report, never
// fatal: the rest is imported.
func (l *Library) Import(ctx context.Context, dir string) (*ImportReport, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", dir, err)
	}
	if fi, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("import: %s is not a folder", dir)
	}
	rep := &ImportReport{}
	var batch []Entry
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := l.AddAll(ctx, batch); err != nil {
			return err
		}
		rep.Added += len(batch)
		batch = batch[:0]
		return nil
	}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err() // SIGINT, SIGTERM: stop now, keep what was added
		}
		if err != nil {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s: %v", path, err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), InfoSuffix) {
			return nil
		}
		rec, err := readRecord(path)
		if err != nil {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s: %v", path, err))
			return nil
		}
		batch = append(batch, Entry{Record: rec, Dir: filepath.Dir(path)})
		if len(batch) >= importBatch {
			return flush()
		}
		return ctx.Err()
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return rep, fmt.Errorf("import %s: %w", dir, err)
	}
	return rep, nil
}

// readRecord reads one info JSON, making sure it lists itself. Only a
// regular file is read: the file is opened without waiting (a FIFO's open
// would wait for a writer forever) and its mode checked on the open file.
func readRecord(path string) (*record.Record, error) {
	f, err := openNoWait(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%v)", st.Mode().Type())
	}
	rec, err := record.Decode(f)
	if err != nil {
		return nil, err
	}
	if !xapi.ValidSpaceID(rec.ID) { // not a record spacekeep wrote: its id names its files
		return nil, fmt.Errorf("the record's id %q is not a Space id", rec.ID)
	}
	AddInfoFile(rec, filepath.Base(path))
	return rec, nil
}

// AddInfoFile lists the record's own file among its files, if missing.
func AddInfoFile(rec *record.Record, name string) {
	for _, f := range rec.Files {
		if f.Kind == record.KindInfo {
			return
		}
	}
	rec.Files = append(rec.Files, record.File{Name: name, Kind: record.KindInfo})
}
