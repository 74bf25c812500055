package settings

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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
	tighten(dir, "")
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

// tighten makes the settings folder the owner's only (0700) and the file
// name in it (when given and present) 0600: the watch list names the
// people followed, the settings the folders used. Files an older
// spacekeep made readable to all are fixed when next read. A failure
// changes nothing else: the files still work.
func tighten(dir, name string) {
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
