package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spacekeep/spacekeep/protocol"
)

// writeFile writes v as indented JSON to dir/name atomically (a temporary
// file, then a rename), so a crash never leaves half a file; what names
// the file in errors ("settings", "the watch list").
func writeFile(dir, name, what string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", what, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create settings folder: %w", err)
	}
	Tighten(dir, "")
	tmp, err := os.CreateTemp(dir, name+".*") // 0600
	if err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", what, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	return nil
}

// Tighten makes the settings folder the owner's only (0700) and the file
// name in it (when given and present) 0600: the watch list names the
// people followed, the settings the folders used, library-serve.json holds
// the library server's token. Every reader of a file of this folder calls
// it, so that files an older spacekeep made readable to all are fixed when
// next read. A failure changes nothing else: the files still work.
func Tighten(dir, name string) {
	if st, err := os.Stat(dir); err == nil && st.IsDir() && st.Mode().Perm() != 0o700 {
		os.Chmod(dir, 0o700)
	}
	if name == "" {
		return
	}
	p := filepath.Join(dir, name)
	if st, err := os.Lstat(p); err == nil && st.Mode().IsRegular() && st.Mode().Perm() != 0o600 {
		os.Chmod(p, 0o600)
	}
}

// DamagedError is a settings, watch list or topics file that is there but
// cannot be understood (not JSON, or values no spacekeep writes). spacekeep
// never writes over such a file: the user's words are the only copy of
// what they chose, so it is left as it is and the user is told which file
// it is and what to do.
type DamagedError struct {
	What string // "the watch list"
	Path string
	Err  error
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("%s %s is damaged and cannot be read (%v). spacekeep leaves it as it is: fix it, or move it away to start %s anew",
		e.What, e.Path, e.Err, e.What)
}

func (e *DamagedError) Unwrap() error { return e.Err }

// ReadError is the protocol error for a file of the settings folder that
// could not be read: a damaged one is CodeDamagedFile, in words that name
// the file (not CodeDisk, whose "could not write" would send the user
// looking for free space).
func ReadError(err error) *protocol.Error {
	var d *DamagedError
	if errors.As(err, &d) {
		return protocol.Errorf(protocol.CodeDamagedFile, "%w", err)
	}
	return protocol.NewError(protocol.CodeDisk, err)
}

// loadList reads the list under key in the JSON file dir/name (a missing
// file is an empty list), keeping the entries keep accepts, cleaned; what
// names the file in errors. A file that does not parse is left as it is.
func loadList[T any](dir, name, what, key string, keep func(T) (T, bool)) ([]T, error) {
	Tighten(dir, name)
	p := filepath.Join(dir, name)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return []T{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	var f map[string]json.RawMessage
	var list []T
	err = json.Unmarshal(data, &f)
	if err == nil && f[key] != nil {
		err = json.Unmarshal(f[key], &list)
	}
	if err != nil {
		return nil, &DamagedError{What: what, Path: p, Err: err}
	}
	out := make([]T, 0, len(list))
	for _, v := range list {
		if c, ok := keep(v); ok {
			out = append(out, c)
		}
	}
	return out, nil
}
