package job

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/host/cachelock"
	"github.com/spacekeep/spacekeep/protocol"
)

// lockPoll is how often a job waiting for another process's download of
// the same Space tries the lock again.
const lockPoll = 500 * time.Millisecond

// lockCache makes this job the one writer of the Space's cache entry,
// across processes (two browsers, a browser and the command line): it
// locks <cache>/<id>.lock, waiting for the holder or failing with busy
// (Config.WaitForCache). The returned func lets it go.
func (r *runner) lockCache(ctx context.Context) (release func(), waited bool, err error) {
	root := r.m.cfg.CacheDir
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, false, protocol.DiskError("create the cache folder", err)
	}
	path := filepath.Join(root, r.spaceID+".lock")
	owner := r.m.cfg.Owner
	if owner == "" {
		owner = "spacekeep"
	}
	who := fmt.Sprintf("%s (pid %d, since %s)", owner, os.Getpid(), time.Now().Format("15:04:05"))
	var l *cachelock.Lock
	if r.m.cfg.WaitForCache {
		l, err = cachelock.Acquire(ctx, path, who, lockPoll, func(other string) {
			waited = true
			r.log.Info().Msgf("This Space is being downloaded by %s: waiting for it to finish, then resuming from its chunks", orUnknown(other))
			r.progress(protocol.Event{Stage: protocol.StageQueued,
				Message: fmt.Sprintf("Waiting for %s to finish this Space…", orUnknown(other))})
		})
	} else {
		l, err = cachelock.TryAcquire(path, who)
	}
	var busy *cachelock.BusyError
	switch {
	case errors.As(err, &busy):
		return nil, false, protocol.Errorf(protocol.CodeBusy, "This Space is being downloaded by %s. Let it finish, or stop it, then start again: the download resumes where it stopped.", orUnknown(busy.Owner))
	case err != nil && ctx.Err() != nil:
		return nil, false, protocol.NewError(protocol.CodeCancelled, ctx.Err())
	case err != nil:
		return nil, false, protocol.DiskError("lock the cache folder", err)
	}
	return func() { l.Release() }, waited, nil //nolint:errcheck // closing the file lets the lock go anyway
}

func orUnknown(owner string) string {
	if owner == "" {
		return "another spacekeep"
	}
	return owner
}

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
