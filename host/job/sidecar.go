package job

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spacekeep/spacekeep/protocol"
)

// written is a file written beside the audio.
type written struct {
	name string // base name
	size int64
}

// writeSidecar writes a file beside the audio, never over an existing
// one: it is written whole under a fresh temporary name (O_EXCL), then
// linked to its name, which fails if the name is taken.
func writeSidecar(path string, write func(io.Writer) error) (written, error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".spacekeep-*.part")
	if err != nil {
		return written{}, protocol.DiskError("create a file in the output folder", err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return written{}, protocol.DiskError(fmt.Sprintf("write %s", filepath.Base(path)), err)
	}
	if err := tmp.Close(); err != nil {
		return written{}, protocol.DiskError(fmt.Sprintf("write %s", filepath.Base(path)), err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return written{}, protocol.DiskError(fmt.Sprintf("write %s", filepath.Base(path)), err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if os.IsExist(err) {
			return written{}, protocol.DiskError(fmt.Sprintf("write %s", filepath.Base(path)), fmt.Errorf("a file of that name is already there: it was left as it is"))
		}
		return written{}, protocol.DiskError(fmt.Sprintf("write %s", filepath.Base(path)), err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return written{name: filepath.Base(path)}, nil
	}
	return written{name: filepath.Base(path), size: fi.Size()}, nil
}
