package watcher

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/protocol"
)

// A watch list or topics file that cannot be read is not written over (it
// is the only copy of whom the user follows), and watch add says which
// file is damaged and what to do, not that the disk may be full.
func TestAddKeepsADamagedListAndSaysSo(t *testing.T) {
	for _, c := range []struct {
		file string
		ref  protocol.WatchRef
	}{
		{"watch.json", protocol.WatchRef{Handle: "alice"}},
		{"topics.json", protocol.WatchRef{Search: "rust"}},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, c.file)
		bad := []byte(`{"hosts": [{"handle": "bob"`)
		if err := os.WriteFile(path, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		k := New(Config{SettingsDir: dir, Log: zerolog.Nop()})
		_, err := k.Add(context.Background(), c.ref)
		msg := protocol.AsError(err).Message
		if err == nil || !strings.Contains(msg, path) || !strings.Contains(msg, "damaged") ||
			!strings.Contains(msg, "fix it") || strings.Contains(msg, "free space") {
			t.Errorf("%s: watch add on a damaged file: %v", c.file, err)
		}
		if code := protocol.CodeOf(err); code != protocol.CodeDamagedFile {
			t.Errorf("%s: watch add on a damaged file answers %s, want %s", c.file, code, protocol.CodeDamagedFile)
		}
		if got, _ := os.ReadFile(path); string(got) != string(bad) {
			t.Errorf("%s was written over: %q", c.file, got)
		}
	}
}
