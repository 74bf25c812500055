package libserve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spacekeep/spacekeep/host/record"
)

// errNoFile is a file the library lists that cannot be served: gone,
// not a regular file, or outside the Space's folder.
var errNoFile = errors.New("no such file")

// audioTypes are the audio formats spacekeep writes, by extension.
var audioTypes = map[string]string{"m4a": "audio/mp4", "mp3": "audio/mpeg"}

// openFile opens path, one of the files the library lists for a Space
// kept in dir, refusing anything but a regular file directly in dir: a
// library whose rows were edited, or a symbolic link put in place of the
// audio, must not make the server hand out another file.
func openFile(dir, path string) (*os.File, os.FileInfo, error) {
	if dir == "" || !filepath.IsAbs(path) || filepath.Dir(path) != filepath.Clean(dir) {
		return nil, nil, fmt.Errorf("%s: %w", path, errNoFile)
	}
	lfi, err := os.Lstat(path)
	if err != nil || !lfi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%s: %w", path, errNoFile)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, errNoFile)
	}
	fi, err := f.Stat()
	if err != nil || !os.SameFile(lfi, fi) { // swapped between the two looks
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, errNoFile)
	}
	return f, fi, nil
}

// audioFile finds the audio the library lists for id and opens it.
func (s *Server) audioFile(ctx context.Context, id string) (*os.File, os.FileInfo, error) {
	dir, files, err := s.lib.SpaceFiles(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range files {
		if f.Kind == record.KindAudio {
			return openFile(dir, f.Path)
		}
	}
	return nil, nil, fmt.Errorf("the audio of %s: %w", id, errNoFile)
}

// audioExt is the extension the audio route uses for a file.
func audioExt(path string) string {
	return strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
}

// etag names one version of a file: its size and modification time.
func etag(fi os.FileInfo, suffix string) string {
	return `"` + strconv.FormatInt(fi.Size(), 36) + "-" + strconv.FormatInt(fi.ModTime().UnixNano(), 36) + suffix + `"`
}

func (s *Server) audio(ctx context.Context, w http.ResponseWriter, r *http.Request, id, ext string) {
	f, fi, err := s.audioFile(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	typ, ok := audioTypes[audioExt(f.Name())]
	if !ok || audioExt(f.Name()) != ext {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", typ)
	w.Header().Set("ETag", etag(fi, ""))
	// ServeContent answers Range, If-Range, If-None-Match and HEAD.
	http.ServeContent(w, r, "", fi.ModTime(), f)
}

func (s *Server) cover(ctx context.Context, w http.ResponseWriter, r *http.Request, id string) {
	f, fi, err := s.audioFile(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	c, err := s.covers.find(f, fi)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", c.typ)
	w.Header().Set("ETag", etag(fi, "c"))
	http.ServeContent(w, r, "", fi.ModTime(), io.NewSectionReader(f, c.off, c.n))
}

// coverCache remembers where each audio file holds its cover (or that it
// holds none), by path, size and time, so that the feed can say which
// Spaces have one without reading every file on every request.
type coverCache struct {
	mu sync.Mutex
	m  map[string]coverEntry
}

type coverEntry struct {
	size  int64
	mtime time.Time
	c     coverAt
	err   error
}

func (cc *coverCache) find(f *os.File, fi os.FileInfo) (coverAt, error) {
	cc.mu.Lock()
	e, ok := cc.m[f.Name()]
	cc.mu.Unlock()
	if ok && e.size == fi.Size() && e.mtime.Equal(fi.ModTime()) {
		return e.c, e.err
	}
	var c coverAt
	err := fmt.Errorf("%s has no cover: %w", f.Name(), errNoFile)
	if audioExt(f.Name()) == "m4a" {
		c, err = findCover(f, fi.Size())
	}
	cc.mu.Lock()
	if cc.m == nil {
		cc.m = map[string]coverEntry{}
	}
	cc.m[f.Name()] = coverEntry{size: fi.Size(), mtime: fi.ModTime(), c: c, err: err}
	cc.mu.Unlock()
	return c, err
}
