package settings

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

// Topics are kept beside the watch list, cleaned (words, defaults, bounds),
// one per set of words whatever their case; a damaged entry is dropped.
func TestTopicsSaveLoadAddRemove(t *testing.T) {
	dir := t.TempDir()
	if l, err := LoadTopics(dir); err != nil || len(l) != 0 {
		t.Fatalf("no file: %v %v", l, err)
	}
	a, err := CleanTopic(protocol.WatchedTopic{Search: "  rust \t async "})
	if err != nil || a.Search != "rust async" || a.MaxParallel != DefaultMaxParallel {
		t.Fatalf("CleanTopic = %+v %v", a, err)
	}
	for _, bad := range []protocol.WatchedTopic{{Search: " "}, {Search: "x", MinListeners: -1}, {Search: "x", MaxParallel: 17}} {
		if _, err := CleanTopic(bad); protocol.CodeOf(err) != protocol.CodeBadRequest {
			t.Errorf("CleanTopic(%+v) = %v, want bad_request", bad, err)
		}
	}
	l := AddTopic(nil, a)
	l = AddTopic(l, protocol.WatchedTopic{Search: "RUST async", MinListeners: 9, MaxParallel: 1})
	if len(l) != 1 || l[0].MinListeners != 9 {
		t.Fatalf("adding the same words again: %+v", l)
	}
	if err := SaveTopics(dir, l); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, topicsFile)); err != nil {
		t.Fatal(err)
	}
	got, err := LoadTopics(dir)
	if err != nil || len(got) != 1 || got[0] != l[0] {
		t.Fatalf("LoadTopics = %+v %v", got, err)
	}
	if out, found := RemoveTopic(got, "rust  ASYNC"); !found || len(out) != 0 {
		t.Errorf("RemoveTopic = %+v %v", out, found)
	}
	os.WriteFile(filepath.Join(dir, topicsFile), []byte(`{"topics":[{"search":""},{"search":"ok","max_parallel":3}]}`), 0o600)
	if got, _ := LoadTopics(dir); len(got) != 1 || got[0].Search != "ok" {
		t.Errorf("a damaged entry is dropped: %+v", got)
	}
}
