package service

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/job"
	"github.com/spacekeep/spacekeep/host/library"
)

// TestOneLibraryServer: the service's sessions share one library server,
// which outlives each session and ends with the service.
func TestOneLibraryServer(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "library.db")
	path := filepath.Join(t.TempDir(), "run", SocketName)
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	opts := quietOpts(t)
	opts.Library = func(ctx context.Context) (*library.Library, error) { return library.Open(ctx, dbPath) }
	m := job.NewManager(job.Config{CacheDir: t.TempDir(), Log: zerolog.New(zerolog.NewTestWriter(t))})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, m, opts) }()
	defer cancel()

	baseOf := func(id int) string {
		c := dial(t, path)
		defer c.c.Close()
		c.next() // hello
		c.send(id, "library.serve", nil)
		for {
			r := c.next()
			if r["id"] == float64(id) {
				res, _ := r["result"].(map[string]any)
				base, _ := res["base_url"].(string)
				if r["ok"] != true || base == "" {
					t.Fatalf("library.serve: %v", r)
				}
				return base
			}
		}
	}
	first := baseOf(1)
	second := baseOf(2) // the first session has left
	if first != second {
		t.Errorf("two servers for two sessions: %s, %s", first, second)
	}
	res, err := http.Get(second + "feed.xml")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("the feed after the sessions left: %v %v", res, err)
	}
	res.Body.Close()
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
	if _, err := http.Get(second + "feed.xml"); err == nil {
		t.Error("the library server outlived the service")
	}
}
