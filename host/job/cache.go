package job

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// cacheEntry returns the Space's folder in the cache, made a real folder:
// an entry that is a symlink (or a file) is removed, never followed, so
// that no chunk is written through it and no deletion reaches its target.
func cacheEntry(root, spaceID string) (string, error) {
	dir := filepath.Join(root, spaceID)
	st, err := os.Lstat(dir)
	switch {
	case err == nil && !st.IsDir():
		// os.Remove of a symlink removes the link, not its target.
		if err := os.Remove(dir); err != nil {
			return "", protocol.DiskError("replace the cache entry that is not a folder", err)
		}
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return "", protocol.DiskError("read the cache folder", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", protocol.DiskError("create the cache folder", err)
	}
	return dir, nil
}

// outsideCache refuses an output folder inside the cache: the cache is
// deleted after each download, and the file with it.
func outsideCache(out, cache string) error {
	if cache == "" {
		return nil
	}
	o, c := resolve(out), resolve(cache)
	if rel, err := filepath.Rel(c, o); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return protocol.Errorf(protocol.CodeBadRequest, "The output folder %s is inside spacekeep's cache (%s), which is deleted after each download. Choose another folder.", out, cache)
	}
	return nil
}

// resolve makes p absolute with the symlinks of its longest existing
// ancestor resolved, so that two names of one folder compare equal.
func resolve(p string) string {
	p, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	rest := ""
	for dir := p; ; dir = filepath.Dir(dir) {
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(r, rest)
		}
		if filepath.Dir(dir) == dir {
			return p
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}
