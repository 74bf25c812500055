package naming

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/spacekeep/spacekeep/protocol"
)

var date = time.Date(2024, 6, 28, 19, 5, 0, 0, time.UTC)

func fields(title string) Fields {
	return Fields{ID: "1OyKAWgagpqJb", Title: title, HostName: "Host Name", HostHandle: "host", State: "Ended", Date: date}
}

func TestRenderDefault(t *testing.T) {
	got, err := Render(DefaultTemplate, fields("Title"), "m4a")
	if err != nil || got != "2024-06-28 @host - Title [1OyKAWgagpqJb].m4a" {
		t.Fatalf("got %q, %v", got, err)
	}
	got, err = Render("{host} {time} {state} {id}", fields("x"), ".mp3")
	if err != nil || got != "Host Name 1905 Ended 1OyKAWgagpqJb.mp3" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestRenderUnsafeTitles(t *testing.T) {
	cases := map[string]string{
		"../../etc/passwd":        "2024-06-28 @host - ..-..-etc-passwd [1OyKAWgagpqJb].m4a",
		"a/b\\c":                  "2024-06-28 @host - a-b-c [1OyKAWgagpqJb].m4a",
		"nul\x00byte\x01\x1f\x7f": "2024-06-28 @host - nul byte [1OyKAWgagpqJb].m4a",
		"":                        "2024-06-28 @host - Untitled Space [1OyKAWgagpqJb].m4a",
		"  \t\n ":                 "2024-06-28 @host - Untitled Space [1OyKAWgagpqJb].m4a",
		"<>:\"|?*":                "2024-06-28 @host - -- [1OyKAWgagpqJb].m4a",
		"Q&A:  Go   1.26?":        "2024-06-28 @host - Q&A - Go 1.26 [1OyKAWgagpqJb].m4a",
		"evil\u202Egpj.exe":       "2024-06-28 @host - evilgpj.exe [1OyKAWgagpqJb].m4a",
		"🎙️ Talk 👨‍👩‍👧":           "2024-06-28 @host - 🎙️ Talk 👨‍👩‍👧 [1OyKAWgagpqJb].m4a",
		"bad utf8 \xff\xfe":       "2024-06-28 @host - bad utf8 \uFFFD [1OyKAWgagpqJb].m4a",
		"....":                    "2024-06-28 @host - .... [1OyKAWgagpqJb].m4a",
	}
	for title, want := range cases {
		got, err := Render(DefaultTemplate, fields(title), "m4a")
		if err != nil || got != want {
			t.Errorf("title %q:\n got %q, %v\nwant %q", title, got, err, want)
		}
	}
}

func TestRenderWholeName(t *testing.T) {
	cases := []struct {
		tmpl, title, want string
	}{
		{"{title}", "../../etc/passwd", "-..-etc-passwd.m4a"}, // leading dots go
		{"{title}", "....", "Untitled Space.m4a"},
		{"{title}", ". hidden", "hidden.m4a"},
		{"{title}", "trailing. . ", "trailing.m4a"},
		{"{title}", "CON", "_CON.m4a"},
		{"{title}", "con.txt", "_con.txt.m4a"},
		{"{title}", "LPT9", "_LPT9.m4a"},
		{"{title}", "COM²", "_COM².m4a"},
		{"{title}", "CONSOLE", "CONSOLE.m4a"},
		{"{title}", "COM10", "COM10.m4a"},
		{"dir/{title}", "x", "dir-x.m4a"},
		{"{date} {title}", "x", "2024-06-28 x.m4a"},
	}
	for _, c := range cases {
		got, err := Render(c.tmpl, fields(c.title), "m4a")
		if err != nil || got != c.want {
			t.Errorf("Render(%q, %q) = %q, %v; want %q", c.tmpl, c.title, got, err, c.want)
		}
	}
	// No date: {date} and {time} render empty, and the leftovers are trimmed.
	f := fields("x")
	f.Date = time.Time{}
	if got, err := Render("{date} {title}", f, "m4a"); err != nil || got != "x.m4a" {
		t.Errorf("no date: %q %v", got, err)
	}
}

func TestRenderLong(t *testing.T) {
	for _, title := range []string{
		strings.Repeat("a", 300),
		strings.Repeat("é", 300),
		strings.Repeat("👨‍👩‍👧", 60), // ZWJ sequences: never cut inside one
		strings.Repeat("e\u0301", 200),
	} {
		got, err := Render(DefaultTemplate, fields(title), "m4a")
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(got, ".m4a")
		if len(name) > MaxNameBytes || !utf8.ValidString(got) {
			t.Errorf("%d bytes, valid UTF-8 %v", len(name), utf8.ValidString(got))
		}
		if !strings.HasSuffix(name, " [1OyKAWgagpqJb]") || !strings.HasPrefix(name, "2024-06-28 @host - ") {
			t.Errorf("date or id lost: %q", got)
		}
		kept := strings.TrimSuffix(strings.TrimPrefix(name, "2024-06-28 @host - "), " [1OyKAWgagpqJb]")
		if !strings.HasPrefix(title, kept) {
			t.Errorf("title not cut cleanly: %q", kept)
		}
		if rest := strings.TrimPrefix(title, kept); rest != "" && (joins(firstRune(rest)) || strings.HasSuffix(kept, "\u200D")) {
			t.Errorf("cut inside a grapheme: ...%q | %q...", kept[len(kept)-8:], rest[:8])
		}
	}
	// A long host name and template text are capped too.
	f := fields("t")
	f.HostName = strings.Repeat("h", 500)
	got, err := Render("{host} {title}", f, "mp3")
	if err != nil || len(got) != MaxNameBytes+len(".mp3") {
		t.Errorf("got %d bytes, %v", len(got), err)
	}
}

func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }

func TestRenderBadTemplate(t *testing.T) {
	for _, tmpl := range []string{"{nope}", "{title", "{Title}", "{}"} {
		if _, err := Render(tmpl, fields("x"), "m4a"); protocol.CodeOf(err) != protocol.CodeBadRequest {
			t.Errorf("Render(%q): %v", tmpl, err)
		}
	}
}

func TestReserve(t *testing.T) {
	dir := t.TempDir()
	p, err := Reserve(dir, "a.m4a")
	if err != nil || p != filepath.Join(dir, "a.m4a") {
		t.Fatalf("%q %v", p, err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatal("Reserve created a file")
	}
	os.WriteFile(filepath.Join(dir, "a.m4a"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "a (2).m4a"), nil, 0o644)
	if p, err := Reserve(dir, "a.m4a"); err != nil || p != filepath.Join(dir, "a (3).m4a") {
		t.Fatalf("%q %v", p, err)
	}
	for _, bad := range []string{"../x.m4a", "..", ".", "", "a/b.m4a", `a\b.m4a`, "/etc/passwd"} {
		if _, err := Reserve(dir, bad); protocol.CodeOf(err) != protocol.CodeBadRequest {
			t.Errorf("Reserve(%q): %v", bad, err)
		}
	}
}

func TestCommitNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("Space.m4a", "first")
	write("Space (2).m4a", "second")
	tmp := write(".Space.m4a.part", "new")
	p, err := Commit(tmp, dir, "Space.m4a")
	if err != nil || p != filepath.Join(dir, "Space (3).m4a") {
		t.Fatalf("%q %v", p, err)
	}
	for name, want := range map[string]string{"Space.m4a": "first", "Space (2).m4a": "second", "Space (3).m4a": "new"} {
		if b, _ := os.ReadFile(filepath.Join(dir, name)); string(b) != want {
			t.Errorf("%s holds %q, want %q", name, b, want)
		}
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Error("temporary file left behind")
	}
	// A fresh name is used as is.
	tmp = write("x.part", "x")
	if p, err := Commit(tmp, dir, "Other.mp3"); err != nil || p != filepath.Join(dir, "Other.mp3") {
		t.Fatalf("%q %v", p, err)
	}
	if _, err := Commit(write("y.part", "y"), dir, "../escape.m4a"); protocol.CodeOf(err) != protocol.CodeBadRequest {
		t.Fatalf("escape: %v", err)
	}
	if _, err := Commit(filepath.Join(dir, "missing.part"), dir, "z.m4a"); protocol.CodeOf(err) != protocol.CodeDisk {
		t.Fatalf("missing tmp: %v", err)
	}
}
