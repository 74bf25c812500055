package settings

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

func tempHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	return home
}

func TestLoadMissingGivesDefaults(t *testing.T) {
	home := tempHome(t)
	s, err := Load(filepath.Join(home, "nope"))
	if err != nil {
		t.Fatal(err)
	}
	want := protocol.Settings{OutputDir: filepath.Join(home, "Downloads"), Format: "m4a", NameTemplate: DefaultNameTemplate}
	if s != want {
		t.Fatalf("got %+v, want %+v", s, want)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	home := tempHome(t)
	dir := filepath.Join(home, "cfg")
	s := protocol.Settings{OutputDir: "/music", Format: "mp3", NameTemplate: "{id}", Concurrency: 12}
	if err := Save(dir, s); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil || got != s {
		t.Fatalf("got %+v, %v", got, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left %d files, want only settings.json", len(entries))
	}
}

func TestSaveRefusesInvalid(t *testing.T) {
	home := tempHome(t)
	dir := filepath.Join(home, "cfg")
	bad := []protocol.Settings{
		{OutputDir: "/x", Format: "flac", NameTemplate: "t"},
		{OutputDir: "relative", Format: "m4a", NameTemplate: "t"},
		{OutputDir: "/x", Format: "m4a", NameTemplate: "t", Concurrency: 65},
		{OutputDir: "/x", Format: "m4a", NameTemplate: "t", Concurrency: -1},
		{OutputDir: "/x", Format: "m4a"},
	}
	for _, s := range bad {
		if err := Save(dir, s); protocol.CodeOf(err) != protocol.CodeBadRequest {
			t.Errorf("%+v: got %v, want bad_request", s, err)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatal("an invalid save wrote something")
	}
}

func TestApply(t *testing.T) {
	home := tempHome(t)
	base := protocol.Settings{OutputDir: "/x", Format: "mp3", NameTemplate: "t", Concurrency: 4}
	s, err := Apply(base, []byte(`{"concurrency":0,"format":""}`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Concurrency != 0 || s.Format != "m4a" || s.OutputDir != "/x" {
		t.Fatalf("got %+v", s)
	}
	s, err = Apply(base, []byte(`{"output_dir":""}`))
	if err != nil || s.OutputDir != filepath.Join(home, "Downloads") {
		t.Fatalf("reset output_dir: %+v, %v", s, err)
	}
	for _, p := range []string{`{"format":"wav"}`, `{"colour":"red"}`, `[1]`, `{"concurrency":"8"}`} {
		got, err := Apply(base, []byte(p))
		if protocol.CodeOf(err) != protocol.CodeBadRequest || got != base {
			t.Errorf("%s: got %+v, %v", p, got, err)
		}
	}
}

func TestLoadDamagedFile(t *testing.T) {
	home := tempHome(t)
	dir := filepath.Join(home, "cfg")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "settings.json"), []byte(`{"format":"ogg"}`), 0o644)
	s, err := Load(dir)
	if err == nil || s.Format != "m4a" {
		t.Fatalf("got %+v, %v; want defaults and an error", s, err)
	}
}

func TestFill(t *testing.T) {
	s := protocol.Settings{OutputDir: "/x", Format: "m4a", NameTemplate: "t", Concurrency: 3}
	o := Fill(protocol.Options{Format: "mp3"}, s)
	if o != (protocol.Options{OutputDir: "/x", Format: "mp3", NameTemplate: "t", Concurrency: 3}) {
		t.Fatalf("got %+v", o)
	}
}

func TestApplyRefusesBadTemplates(t *testing.T) {
	tempHome(t)
	base := protocol.Settings{OutputDir: "/x", Format: "m4a", NameTemplate: "{title}"}
	for _, tmpl := range []string{"{nosuchfield}", "{bogus", "{title} {", "{}"} {
		p, _ := json.Marshal(map[string]string{"name_template": tmpl})
		got, err := Apply(base, p)
		if protocol.CodeOf(err) != protocol.CodeBadRequest || got != base || !strings.Contains(err.Error(), "template") {
			t.Errorf("%q: got %+v, %v", tmpl, got, err)
		}
	}
	if _, err := Apply(base, []byte(`{"name_template":"{date} {time} {title} {host} {handle} {id} {state}"}`)); err != nil {
		t.Errorf("every field: %v", err)
	}
}
