package hls

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// A chunk damaged on disk after an earlier run (cut short by a crash or a
// kill before the data reached the disk) is fetched again, not reused: at
// 70% it still holds whole ADTS frames, at 50% it may end on a frame.
func TestDownloadRefetchesDamagedCachedChunks(t *testing.T) {
	c, srv := newCDN(t, 8)
	dir := t.TempDir()
	opt := Options{Client: srv.Client(), Dir: dir, MaxConns: 4}
	if err := Download(context.Background(), c.list(srv.URL), opt); err != nil {
		t.Fatalf("first Download: %v", err)
	}
	for i, frac := range map[int]float64{3: 0.7, 5: 0.5} {
		p := filepath.Join(dir, fmt.Sprintf("chunk_%d.aac", i))
		if err := os.Truncate(p, int64(float64(len(c.chunks[i]))*frac)); err != nil {
			t.Fatal(err)
		}
	}
	var first Progress
	seen := false
	opt.Progress = func(p Progress) {
		if !seen {
			first, seen = p, true
		}
	}
	if err := Download(context.Background(), c.list(srv.URL), opt); err != nil {
		t.Fatalf("second Download: %v", err)
	}
	for i, want := range c.chunks {
		got, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("chunk_%d.aac", i)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("chunk %d on disk is not the served chunk (%d of %d bytes, %v)", i, len(got), len(want), err)
		}
		wantHits := 1
		if i == 3 || i == 5 {
			wantHits = 2
		}
		if c.hits[i] != wantHits {
			t.Errorf("chunk %d fetched %d times, want %d", i, c.hits[i], wantHits)
		}
	}
	if first.Resumed != 6 {
		t.Errorf("resumed %d chunks, want the 6 undamaged ones", first.Resumed)
	}
}

// Stored trusts a chunk only when it is recorded and on disk at its
// recorded length, as a resume does.
func TestStoredTellsRecordedCompleteChunks(t *testing.T) {
	dir := t.TempDir()
	c, err := openCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	for name, data := range map[string]string{"a": "1234", "b": "12", "c": "123"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []struct {
		name string
		n    int64
	}{{"a", 4}, {"b", 3}, {"gone", 5}} { // b is cut short; c is not recorded
		if err := c.record(r.name, r.n); err != nil {
			t.Fatal(err)
		}
	}
	got := fmt.Sprint(Stored(dir, []string{"a", "b", "c", "gone", "none"}))
	if want := "[true false false false false]"; got != want {
		t.Errorf("Stored = %s, want %s", got, want)
	}
}
