package nmhost

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/library"
	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/protocol"
)

// libraryHost serves a session over a real library of n Spaces (one with
// 700 captions), their audio files in a folder outside the output folder.
func libraryHost(t *testing.T, n int) (*harness, string, *recOpener) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "library.db")
	dir := t.TempDir()
	l, err := library.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		id := fmt.Sprintf("1Lib000000%03d", i)
		rec := &record.Record{ID: id, Title: fmt.Sprintf("Talk %d about (rust)", i), Status: record.StatusEnded,
			StartedAt: time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC), DurationS: 60, Host: record.Person{Handle: "alice"},
			Files: []record.File{{Name: id + ".m4a", Kind: record.KindAudio}}}
		if i == 0 {
			for c := range 700 {
				rec.Captions = append(rec.Captions, record.Caption{StartS: float64(c), Handle: "alice", Text: fmt.Sprintf("line %d", c)})
			}
		}
		os.WriteFile(filepath.Join(dir, id+".m4a"), []byte("a"), 0o644)
		if err := l.Add(context.Background(), rec, dir); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	op := &recOpener{}
	h := startHost(t, Options{Opener: op, Library: func(ctx context.Context) (*library.Library, error) { return library.Open(ctx, path) }})
	hello := h.next()
	if caps, _ := hello["capabilities"].([]any); !slices.Contains(caps, any(protocol.CapLibrary)) {
		t.Errorf("hello without the library capability: %v", hello)
	}
	return h, dir, op
}

func TestLibraryRequests(t *testing.T) {
	h, dir, op := libraryHost(t, 60)
	h.send(req(1, protocol.TypeLibraryList, map[string]any{"offset": 50}))
	r := h.nextReply()
	res, _ := r["result"].(map[string]any)
	items, _ := res["items"].([]any)
	if r["ok"] != true || res["total"] != 60.0 || len(items) != 10 || items[9].(map[string]any)["id"] != "1Lib000000000" {
		t.Fatalf("library.list page 2: %v", r)
	}
	h.send(req(2, protocol.TypeLibrarySearch, map[string]any{"query": `(rust) "talk" - 5`}))
	r = h.nextReply()
	res, _ = r["result"].(map[string]any)
	if r["ok"] != true || res["total"] != 11.0 { // 5, 50..59
		t.Errorf("library.search: %v", r)
	}
	h.send(req(3, protocol.TypeLibraryShow, map[string]any{"id": "1Lib000000000"}))
	r = h.nextReply()
	res, _ = r["result"].(map[string]any)
	if caps, _ := res["captions"].([]any); len(caps) != 500 || res["caption_count"] != 700.0 {
		t.Errorf("library.show: %d captions of %v", len(caps), res["caption_count"])
	}
	h.send(req(4, protocol.TypeLibraryShow, map[string]any{"id": "1Lib000000000", "captions_offset": 500}))
	r = h.nextReply()
	res, _ = r["result"].(map[string]any)
	if caps, _ := res["captions"].([]any); len(caps) != 200 || caps[0].(map[string]any)["text"] != "line 500" {
		t.Errorf("library.show page 2: %d captions", len(caps))
	}
	h.send(req(5, protocol.TypeLibraryStats, map[string]any{"host": "@Alice"}))
	r = h.nextReply()
	res, _ = r["result"].(map[string]any)
	if res["spaces"] != 60.0 {
		t.Errorf("library.stats: %v", r)
	}
	// The library's files may be opened though they are not in the output folder.
	audio := filepath.Join(dir, "1Lib000000007.m4a")
	h.send(req(6, protocol.TypeFileOpen, map[string]any{"path": audio}))
	if r = h.nextReply(); r["ok"] != true {
		t.Errorf("file.open of a library file: %v", r)
	}
	other := filepath.Join(dir, "not-kept.m4a")
	os.WriteFile(other, []byte("x"), 0o644)
	h.send(req(7, protocol.TypeFileReveal, map[string]any{"path": other}))
	if r = h.nextReply(); errCode(r) != "bad_request" {
		t.Errorf("file.reveal of a file the library does not list: %v", r)
	}
	h.send(req(8, protocol.TypeLibraryRemove, map[string]any{"id": "1Lib000000007", "delete_files": true}))
	if r = h.nextReply(); r["ok"] != true {
		t.Fatalf("library.remove: %v", r)
	}
	if _, err := os.Stat(audio); !os.IsNotExist(err) {
		t.Errorf("audio not deleted: %v", err)
	}
	for i, bad := range []map[string]any{
		req(9, protocol.TypeLibraryShow, map[string]any{"id": "1Lib000000007"}),
		req(10, protocol.TypeLibraryShow, map[string]any{}),
		req(11, protocol.TypeLibraryList, map[string]any{"limit": -1}),
		req(12, protocol.TypeLibraryRemove, nil),
	} {
		h.send(bad)
		if r = h.nextReply(); errCode(r) != "bad_request" {
			t.Errorf("bad request %d: %v", i, r)
		}
	}
	h.finish()
	if !slices.Contains(op.calls, "open "+audio) {
		t.Errorf("opener calls %v", op.calls)
	}
}

func TestLibraryUnavailable(t *testing.T) {
	h := startHost(t, Options{Library: func(context.Context) (*library.Library, error) {
		return nil, fmt.Errorf("no data folder")
	}})
	h.next()
	h.send(req(1, protocol.TypeLibraryList, nil))
	if r := h.nextReply(); errCode(r) != "disk" || !strings.Contains(fmt.Sprint(r["error"]), "no data folder") {
		t.Errorf("no library: %v", r)
	}
	h.finish()
}

func TestLibraryServe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "library.db")
	dir := t.TempDir()
	l, err := library.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	const id = "1OdKrjdgPqRKX"
	audio := []byte("0123456789 an m4a stand-in")
	os.WriteFile(filepath.Join(dir, id+".m4a"), audio, 0o644)
	if err := l.Add(context.Background(), &record.Record{ID: id, Title: "Talk", Status: record.StatusEnded, DurationS: 60,
		Host: record.Person{Handle: "alice"}, Files: []record.File{{Name: id + ".m4a", Kind: record.KindAudio}}}, dir); err != nil {
		t.Fatal(err)
	}
	l.Close()
	h := startHost(t, Options{Library: func(ctx context.Context) (*library.Library, error) { return library.Open(ctx, path) }})
	h.next()
	h.send(req(1, protocol.TypeLibraryServe, nil))
	r := h.nextReply()
	res, _ := r["result"].(map[string]any)
	base, _ := res["base_url"].(string)
	if r["ok"] != true || !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/[0-9a-f]{32}/$`).MatchString(base) {
		t.Fatalf("library.serve: %v", r)
	}
	h.send(req(2, protocol.TypeLibraryServe, nil))
	if r := h.nextReply(); r["result"].(map[string]any)["base_url"] != base {
		t.Errorf("a second library.serve started another server: %v", r)
	}
	get := func(url string) (*http.Response, []byte, error) {
		rq, _ := http.NewRequest("GET", url, nil)
		rq.Header.Set("Range", "bytes=2-5")
		res, err := http.DefaultClient.Do(rq)
		if err != nil {
			return nil, nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res, b, err
	}
	res2, body, err := get(base + "audio/" + id + ".m4a")
	if err != nil || res2.StatusCode != 206 || string(body) != "2345" {
		t.Fatalf("the audio from base_url: %v %v %q", res2, err, body)
	}
	h.finish()
	// The browser's host took the server down with its session.
	if _, _, err := get(base + "audio/" + id + ".m4a"); err == nil {
		t.Error("the library server outlived the session")
	}
}
