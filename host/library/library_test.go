package library

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/record"
)

// sample is a full record of Space i by host, with captions and turns.
func sample(i int, host string) *record.Record {
	id := fmt.Sprintf("1Space%07d", i)
	start := time.Date(2026, time.Month(1+i%12), 1+i%28, 18, 0, 0, 0, time.UTC)
	name := fmt.Sprintf("2026 @%s - Talk %d [%s]", host, i, id)
	return &record.Record{
		Schema: record.Schema, ID: id, URL: "https://x.com/i/spaces/" + id,
		Title: fmt.Sprintf("Weekly rust talk %d", i), Status: record.StatusEnded, XState: "Ended", Replay: true,
		Topics:    []string{"Technology"},
		StartedAt: start, EndedAt: start.Add(time.Hour), SavedAt: start.Add(2 * time.Hour), DurationS: 3600,
		Host:          record.Person{Handle: host, Name: strings.ToUpper(host)},
		CoHosts:       []record.Person{{Handle: "cohost", Name: "Co Host"}},
		Speakers:      []record.Person{{Handle: host}, {Handle: "guest", Name: "Guest Speaker"}},
		LiveListeners: 100 + i, ReplayWatched: 10 * i,
		Turns: []record.Turn{{StartS: 0, EndS: 60, Handle: host}, {StartS: 60, EndS: 100, Handle: "guest"}, {StartS: 100, EndS: 130, Handle: host}},
		Captions: []record.Caption{
			{StartS: 1, EndS: 4, Handle: host, Text: "welcome to the show"},
			{StartS: 61.5, EndS: 65, Handle: "guest", Text: fmt.Sprintf("the borrow checker number %d", i)},
		},
		CaptionCount: 2,
		Files: []record.File{{Name: name + ".info.json", Kind: record.KindInfo}, {Name: name + ".vtt", Kind: record.KindCaptions, Size: 10},
			{Name: name + ".m4a", Kind: record.KindAudio, Size: 1000}},
	}
}

func open(t testing.TB) *Library {
	t.Helper()
	l, err := Open(context.Background(), filepath.Join(t.TempDir(), "lib", "library.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestAddListShow(t *testing.T) {
	ctx := context.Background()
	l := open(t)
	dir := t.TempDir()
	for i := range 3 {
		if err := l.Add(ctx, sample(i, "alice"), dir); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Add(ctx, sample(7, "bob"), dir); err != nil {
		t.Fatal(err)
	}
	// Adding again replaces: no duplicate rows.
	if err := l.Add(ctx, sample(1, "alice"), dir); err != nil {
		t.Fatal(err)
	}
	p, err := l.List(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 4 || len(p.Items) != 4 {
		t.Fatalf("total %d, items %d, want 4", p.Total, len(p.Items))
	}
	if p.Items[0].ID != sample(7, "bob").ID { // August is the newest
		t.Errorf("first %s, want the newest", p.Items[0].ID)
	}
	it := p.Items[1]
	if it.Host != "alice" || it.State != "ended" || it.DurationS != 3600 || len(it.Files) != 3 ||
		!strings.HasSuffix(it.Files[0], ".m4a") || !filepath.IsAbs(it.Files[0]) || filepath.Dir(it.Files[0]) != dir {
		t.Errorf("item %+v", it)
	}
	if !slices.Equal(it.Speakers, []string{"alice", "guest"}) || !slices.Equal(it.CoHosts, []string{"cohost"}) || it.Size != 1010 {
		t.Errorf("people/size %+v", it)
	}
	h, err := l.List(ctx, Filter{Host: "@ALICE", Limit: 2, Offset: 1})
	if err != nil || h.Total != 3 || len(h.Items) != 2 || h.Items[0].Host != "alice" {
		t.Fatalf("host page: %+v %v", h, err)
	}
	since, _ := l.List(ctx, Filter{Since: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	if since.Total != 2 { // March (alice) and August (bob)
		t.Errorf("since March: %d, want 2", since.Total)
	}
	d, err := l.Show(ctx, sample(1, "alice").ID, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Turns) != 3 || len(d.Captions) != 1 || d.Captions[0].StartS != 61.5 || d.CaptionCount != 2 ||
		d.Record.Title != "Weekly rust talk 1" || len(d.FileInfo) != 3 || d.FileInfo[0].Exists {
		t.Errorf("show: %+v", d)
	}
	if len(d.TalkTime) != 2 || d.TalkTime[0].Handle != "alice" || d.TalkTime[0].Seconds != 90 {
		t.Errorf("talk time derived from turns: %+v", d.TalkTime)
	}
	if _, err := l.Show(ctx, "nope", 0, 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("show unknown: %v", err)
	}
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	l := open(t)
	dir := t.TempDir()
	for i := range 5 {
		if err := l.Add(ctx, sample(i, "alice"), dir); err != nil {
			t.Fatal(err)
		}
	}
	odd := sample(9, "bob")
	odd.Title = `C++ "and" (friends): AND OR NOT - NEAR*`
	odd.Captions = append(odd.Captions, record.Caption{StartS: 125, Handle: "bob", Text: `he said "quote" -- a:b (c) AND *`})
	if err := l.Add(ctx, odd, dir); err != nil {
		t.Fatal(err)
	}
	count := func(q string, f Filter) SearchPage {
		t.Helper()
		p, err := l.Search(ctx, q, f)
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		return p
	}
	if p := count("borrow checker number 3", Filter{}); p.Total != 1 || p.Items[0].ID != sample(3, "alice").ID ||
		len(p.Items[0].Captions) != 1 || p.Items[0].Captions[0].StartS != 61.5 {
		t.Errorf("caption search: %+v", p)
	}
	if p := count("welcome", Filter{}); p.Total != 6 {
		t.Errorf("welcome: %d, want 6", p.Total)
	}
	if p := count("welcome", Filter{Host: "bob"}); p.Total != 1 {
		t.Errorf("welcome by bob: %d, want 1", p.Total)
	}
	if p := count("GUEST speak", Filter{}); p.Total != 6 || len(p.Items[0].Captions) != 0 {
		t.Errorf("speaker name with a prefix: %+v", p)
	}
	if p := count("bob", Filter{}); p.Total != 1 {
		t.Errorf("host handle: %d", p.Total)
	}
	// What people type, operators and all: never a syntax error.
	for _, q := range []string{`"`, `""`, `"quote`, `AND`, `OR`, `NOT`, `*`, `(`, `)`, `-`, `:`, `a:b`, `-rust`,
		`rust AND`, `NEAR(rust talk)`, `title:rust`, `' OR 1=1 --`, `"); DROP TABLE spaces; --`, `^rust`, `{x}`, `+`, `C++`} {
		count(q, Filter{})
	}
	if p := count(`"quote"`, Filter{}); p.Total != 1 || p.Items[0].ID != odd.ID || p.Items[0].Captions[0].StartS != 125 {
		t.Errorf(`"quote": %+v`, p)
	}
	if p := count(`(friends): AND`, Filter{}); p.Total != 1 {
		t.Errorf("operators as words: %d, want 1", p.Total)
	}
	if p := count(`   `, Filter{}); p.Total != 0 || p.Items == nil {
		t.Errorf("empty search: %+v", p)
	}
	if n, err := l.List(ctx, Filter{}); err != nil || n.Total != 6 {
		t.Fatalf("the library after hostile searches: %d %v", n.Total, err)
	}
}

func TestFTSQuery(t *testing.T) {
	for in, want := range map[string]string{
		`rust talk`:   `"rust" "talk"*`,
		`say "hi"`:    `"say" """hi"""*`,
		`- ( : * AND`: `"AND"*`,
		`a-b`:         `"a-b"*`,
		"":            "",
		`!!! ???`:     "",
	} {
		if got := ftsQuery(in); got != want {
			t.Errorf("ftsQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStats(t *testing.T) {
	ctx := context.Background()
	l := open(t)
	dir := t.TempDir()
	for i := range 4 {
		if err := l.Add(ctx, sample(i, "alice"), dir); err != nil {
			t.Fatal(err)
		}
	}
	b := sample(10, "bob")
	b.Topics = []string{"Music"}
	b.LiveListeners = 5000
	if err := l.Add(ctx, b, dir); err != nil {
		t.Fatal(err)
	}
	st, err := l.Stats(ctx, Filter{Host: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Spaces != 4 || st.Hours != 4 || st.PeakListeners != 103 || st.AvgListeners != 101.5 {
		t.Errorf("alice: %+v", st)
	}
	if len(st.Speakers) != 2 || st.Speakers[0].Handle != "alice" || st.Speakers[0].Seconds != 360 || st.Speakers[0].Spaces != 4 {
		t.Errorf("speakers: %+v", st.Speakers)
	}
	if len(st.Months) != 4 || st.Months[0].Month != "2026-01" || st.Months[0].Hours != 1 {
		t.Errorf("months: %+v", st.Months)
	}
	if len(st.TitleWords) < 2 || st.TitleWords[0].Count != 4 || slices.ContainsFunc(st.TitleWords, func(c Count) bool { return c.Name == "weekly" }) {
		t.Errorf("title words: %+v", st.TitleWords)
	}
	if len(st.Topics) != 1 || st.Topics[0] != (Count{Name: "Technology", Count: 4}) {
		t.Errorf("topics: %+v", st.Topics)
	}
	all, _ := l.Stats(ctx, Filter{})
	if all.Spaces != 5 || all.PeakListeners != 5000 || all.PeakSpace != b.ID || len(all.Hosts) != 2 || all.Hosts[0] != (Count{Name: "alice", Count: 4}) {
		t.Errorf("all: %+v", all)
	}
}

// writeInfo writes rec as its info JSON (and a stand-in audio file) into dir.
func writeInfo(t testing.TB, dir string, rec *record.Record) string {
	t.Helper()
	var b bytes.Buffer
	if err := record.Encode(&b, rec); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, strings.TrimSuffix(rec.Audio(), ".m4a")+InfoSuffix)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, rec.Audio()), []byte("audio"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportRebuilds(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	sub := filepath.Join(root, "alice", "2026")
	os.MkdirAll(sub, 0o755)
	var want []string
	for i := range 5 {
		dir := root
		if i%2 == 0 {
			dir = sub
		}
		r := sample(i, "alice")
		if i == 4 {
			r.Files = r.Files[1:] // a record that does not list itself
		}
		writeInfo(t, dir, r)
		want = append(want, r.ID)
	}
	os.WriteFile(filepath.Join(root, "broken.info.json"), []byte(`{"schema": 1, "id": `), 0o644)
	os.WriteFile(filepath.Join(root, "future.info.json"), []byte(`{"schema": 99, "id": "x"}`), 0o644)
	os.WriteFile(filepath.Join(root, "old.info.json"), []byte(`{"id": "1OldShape", "title": "t"}`), 0o644)
	os.WriteFile(filepath.Join(root, "notes.json"), []byte(`not a record`), 0o644)

	l := open(t)
	rep, err := l.Import(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 5 || len(rep.Skipped) != 3 {
		t.Fatalf("report %+v", rep)
	}
	for _, s := range rep.Skipped {
		if !strings.Contains(s, ".info.json: read the record") {
			t.Errorf("skip reason %q", s)
		}
	}
	// Import twice: the same library.
	if _, err := l.Import(ctx, root); err != nil {
		t.Fatal(err)
	}
	all, err := l.All(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range all {
		got = append(got, it.ID)
		if _, err := os.Stat(it.Files[0]); err != nil || !strings.HasSuffix(it.Files[0], ".m4a") {
			t.Errorf("%s: audio %q: %v", it.ID, it.Files[0], err)
		}
		if _, err := os.Stat(it.Info); err != nil {
			t.Errorf("%s: info %q: %v", it.ID, it.Info, err)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("imported %v, want %v", got, want)
	}
	d, _ := l.Show(ctx, want[3], 0, 0)
	if d == nil || len(d.Captions) != 2 || len(d.Turns) != 3 {
		t.Errorf("imported detail: %+v", d)
	}
	if _, err := l.Import(ctx, filepath.Join(root, "missing")); err == nil {
		t.Error("importing a missing folder succeeded")
	}
}

func TestRemove(t *testing.T) {
	ctx := context.Background()
	l := open(t)
	dir := t.TempDir()
	keep, gone := sample(1, "alice"), sample(2, "alice")
	writeInfo(t, dir, keep)
	info := writeInfo(t, dir, gone)
	l.Import(ctx, dir)
	if _, err := l.Remove(ctx, keep.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, keep.Audio())); err != nil {
		t.Errorf("remove without --delete-files deleted the audio: %v", err)
	}
	removed, err := l.Remove(ctx, gone.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 3 {
		t.Errorf("removed %v", removed)
	}
	for _, p := range []string{info, filepath.Join(dir, gone.Audio())} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s still there: %v", p, err)
		}
	}
	if p, _ := l.List(ctx, Filter{}); p.Total != 0 {
		t.Errorf("%d left", p.Total)
	}
	if s, _ := l.Search(ctx, "borrow", Filter{}); s.Total != 0 {
		t.Errorf("captions of removed Spaces still found: %d", s.Total)
	}
	if _, err := l.Remove(ctx, gone.ID, false); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing twice: %v", err)
	}
}

func TestExport(t *testing.T) {
	ctx := context.Background()
	l := open(t)
	r := sample(1, "alice")
	r.Title = "=HYPERLINK(\"x\")"
	l.Add(ctx, r, t.TempDir())
	l.Add(ctx, sample(2, "bob"), t.TempDir())
	var js bytes.Buffer
	if err := l.Export(ctx, &js, "json", Filter{}); err != nil {
		t.Fatal(err)
	}
	var items []Item
	if err := json.Unmarshal(js.Bytes(), &items); err != nil || len(items) != 2 {
		t.Fatalf("json: %v %s", err, js.String())
	}
	var cs bytes.Buffer
	if err := l.Export(ctx, &cs, "csv", Filter{Host: "alice"}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&cs).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][0] != "id" || rows[1][1] != "'=HYPERLINK(\"x\")" || !strings.HasSuffix(rows[1][16], ".m4a") {
		t.Fatalf("csv: %v %q", err, rows)
	}
	if err := l.Export(ctx, &cs, "xml", Filter{}); err == nil {
		t.Error("xml accepted")
	}
}

func TestSchemaVersion(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "library.db")
	l, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var mode string
	l.db.QueryRow("PRAGMA user_version").Scan(&v)
	l.db.QueryRow("PRAGMA journal_mode").Scan(&mode)
	if v != SchemaVersion || mode != "wal" {
		t.Errorf("user_version %d, journal %s", v, mode)
	}
	l.Add(ctx, sample(1, "a"), t.TempDir())
	l.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+1))
	l.Close()
	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), "newer spacekeep") {
		t.Errorf("a newer library: %v", err)
	}
}

func TestPath(t *testing.T) {
	env := map[string]string{EnvPath: "rel/lib.db"}
	p, err := Path(func(k string) string { return env[k] })
	if err != nil || !filepath.IsAbs(p) || !strings.HasSuffix(p, filepath.Join("rel", "lib.db")) {
		t.Errorf("override: %q %v", p, err)
	}
	env = map[string]string{"XDG_DATA_HOME": "/data", "HOME": "/home/a"}
	if p, _ := Path(func(k string) string { return env[k] }); !strings.HasSuffix(p, filepath.Join("spacekeep", "library.db")) {
		t.Errorf("default: %q", p)
	}
}
