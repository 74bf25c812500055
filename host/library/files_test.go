package library

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/host/record"
)

// An imported record may list any name: --delete-files deletes only the
// regular files in the Space's folder whose names carry its id, never a
// folder, a link or a foreign file.
func TestRemoveDeletesOnlyTheSpacesOwnFiles(t *testing.T) {
	ctx := context.Background()
	l := open(t)
	dir := t.TempDir()
	rec := sample(3, "alice")
	thesis := filepath.Join(dir, "thesis.docx")
	os.WriteFile(thesis, []byte("years of work"), 0o644)
	folder := filepath.Join(dir, "notes ["+rec.ID+"]")
	os.Mkdir(folder, 0o755)
	outside := filepath.Join(t.TempDir(), "elsewhere.txt")
	os.WriteFile(outside, []byte("not yours"), 0o644)
	link := filepath.Join(dir, "link ["+rec.ID+"].txt")
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	rec.Files = append(rec.Files,
		record.File{Name: "thesis.docx", Kind: record.KindCaptions},
		record.File{Name: ".", Kind: record.KindCaptions},
		record.File{Name: filepath.Base(folder), Kind: record.KindCaptions},
		record.File{Name: filepath.Base(link), Kind: record.KindCaptions})
	info := writeInfo(t, dir, rec)
	if _, err := l.Import(ctx, dir); err != nil {
		t.Fatal(err)
	}
	removed, err := l.Remove(ctx, rec.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{thesis, dir, folder, outside, link} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was deleted: %v", p, err)
		}
	}
	for _, p := range []string{info, filepath.Join(dir, rec.Audio())} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s still there: %v", p, err)
		}
	}
	for _, p := range removed {
		if !NameCarriesID(filepath.Base(p), rec.ID) || filepath.Dir(p) != dir {
			t.Errorf("reported deleting %s", p)
		}
	}
}

// A planted record whose id is a plain word ("Spaces", not a Space id)
// would make every file with that word in its name "carry its id": such a
// record is not imported, and no name carries an id that is not a Space's.
func TestRemoveIgnoresARecordWithAWordForAnID(t *testing.T) {
	ctx := context.Background()
	l := open(t)
	dir := t.TempDir()
	notes := filepath.Join(dir, "My Spaces notes.docx")
	os.WriteFile(notes, []byte("years of work"), 0o644)
	rec := sample(1, "alice")
	rec.ID = "Spaces"
	rec.Files = []record.File{{Name: filepath.Base(notes), Kind: record.KindAudio}}
	writeInfo(t, dir, rec)
	rep, err := l.Import(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 0 || len(rep.Skipped) != 1 {
		t.Errorf("a record with the id %q: imported %d, skipped %v", rec.ID, rep.Added, rep.Skipped)
	}
	if _, err := l.Remove(ctx, rec.ID, true); err == nil {
		t.Errorf("removed a Space the library should not hold")
	}
	if _, err := os.Stat(notes); err != nil {
		t.Errorf("%s was deleted: %v", notes, err)
	}
	for _, id := range []string{"Spaces", "a", "", "1Space000000"} {
		if NameCarriesID("My "+id+" notes ["+id+"].docx", id) {
			t.Errorf("a name carries %q, which is not a Space id", id)
		}
	}
}

// A cancelled import (SIGINT, SIGTERM) stops at once.
func TestImportStopsWhenCancelled(t *testing.T) {
	l := open(t)
	dir := t.TempDir()
	writeInfo(t, dir, sample(1, "alice"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if rep, err := l.Import(ctx, dir); err == nil || rep.Added != 0 {
		t.Fatalf("a cancelled import went on: %+v %v", rep, err)
	}
}

// A NUL byte in a query is plain text: no error, nothing found.
func TestSearchNULIsPlainText(t *testing.T) {
	ctx := context.Background()
	l := open(t)
	l.Add(ctx, sample(1, "alice"), t.TempDir())
	for _, q := range []string{"\x00", "borrow\x00", "a\x00b", "\x00\"", "borrow \x00"} {
		if _, err := l.Search(ctx, q, Filter{}); err != nil {
			t.Errorf("Search(%q): %v", q, err)
		}
	}
	if p, err := l.Search(ctx, "borrow\x00checker", Filter{}); err != nil || p.Total != 1 {
		t.Errorf("NUL as a separator: %d %v", p.Total, err)
	}
}

// Every text cell of the CSV is kept from being a formula.
func TestExportEscapesEveryTextCell(t *testing.T) {
	ctx := context.Background()
	l := open(t)
	r := sample(1, "alice")
	r.Host = record.Person{Handle: "=HYPERLINK(\"http://evil\")", Name: "+1+1"}
	r.CoHosts = []record.Person{{Handle: "-2+3"}}
	r.Speakers = []record.Person{{Handle: "=cmd|' /C calc'!A0"}}
	r.XState = "@SUM(1)"
	l.Add(ctx, r, t.TempDir())
	var cs bytes.Buffer
	if err := l.Export(ctx, &cs, "csv", Filter{}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&cs).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv: %v %q", err, rows)
	}
	for i, c := range rows[1] {
		if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
			t.Errorf("column %s starts a formula: %q", rows[0][i], c)
		}
	}
}
