package naming

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// maxTries bounds the " (n)" suffixes tried before giving up.
const maxTries = 10000

// Reserve returns a path for name inside dir that does not exist yet,
// adding " (2)", " (3)"... before the extension as needed. It creates
// nothing: Commit, which re-checks, is what claims the name.
func Reserve(dir, name string) (string, error) {
	for n := 1; n <= maxTries; n++ {
		p, err := candidate(dir, name, n)
		if err != nil {
			return "", err
		}
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			if taken, err := sidecarTaken(p); err != nil {
				return "", err
			} else if taken {
				continue
			}
			return p, nil
		} else if err != nil {
			return "", protocol.Errorf(protocol.CodeDisk, "check %s: %w", p, err)
		}
	}
	return "", protocol.Errorf(protocol.CodeDisk, "no free name for %q in %s", name, dir)
}

// Commit moves the finished file tmp into dir under name, or "name (2)" and
// so on if that, or one of its sidecars (SidecarExts), exists: it never
// overwrites a file, and the sidecars written next find their names free.
// It returns the final path. tmp should be in dir (or on the same file
// system).
func Commit(tmp, dir, name string) (string, error) {
	for n := 1; n <= maxTries; n++ {
		p, err := candidate(dir, name, n)
		if err != nil {
			return "", err
		}
		// The file's sidecars take its name: a name whose sidecar exists
		// belongs to another file (e.g. the m4a of the same Space).
		if taken, err := sidecarTaken(p); err != nil {
			return "", err
		} else if taken {
			continue
		}
		taken, err := place(tmp, p)
		if taken {
			continue
		}
		return p, err
	}
	return "", protocol.Errorf(protocol.CodeDisk, "no free name for %q in %s", name, dir)
}

// place gives the file tmp the name p unless p exists (taken); tmp is
// gone after a nil error.
func place(tmp, p string) (taken bool, err error) {
	// A hard link fails if p exists, atomically: no window in which
	// another job (or program) could be overwritten.
	err = os.Link(tmp, p)
	if err == nil {
		if err := os.Remove(tmp); err != nil {
			return false, protocol.Errorf(protocol.CodeDisk, "remove %s after linking it to %s: %w", tmp, p, err)
		}
		return false, nil
	}
	if errors.Is(err, fs.ErrExist) {
		return true, nil
	}
	// No hard links here (FAT, exFAT, some network shares): check, then
	// rename. The window between the two is small and only our own
	// jobs write names with a Space's id in them.
	if _, serr := os.Lstat(p); serr == nil {
		return true, nil
	} else if !errors.Is(serr, fs.ErrNotExist) {
		return false, protocol.Errorf(protocol.CodeDisk, "check %s: %w", p, serr)
	}
	if err := os.Rename(tmp, p); err != nil {
		return false, protocol.Errorf(protocol.CodeDisk, "move %s to %s: %w", tmp, p, err)
	}
	return false, nil
}

// candidate returns dir/name, with " (n)" before the extension when n > 1,
// and checks that the result stays inside dir.
func candidate(dir, name string, n int) (string, error) {
	if name == "" || name == "." || name == ".." || filepath.Base(name) != name || strings.ContainsAny(name, `/\`) {
		return "", protocol.Errorf(protocol.CodeBadRequest, "file name %q is not a plain name", name)
	}
	if n > 1 {
		ext := filepath.Ext(name)
		name = fmt.Sprintf("%s (%d)%s", strings.TrimSuffix(name, ext), n, ext)
	}
	p := filepath.Join(dir, name)
	rel, err := filepath.Rel(dir, p)
	if err != nil || rel != name || !filepath.IsLocal(rel) {
		return "", protocol.Errorf(protocol.CodeBadRequest, "file name %q escapes %s", name, dir)
	}
	return p, nil
}
