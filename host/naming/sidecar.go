package naming

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// SidecarExts are the files kept beside an audio file, named after it:
// "X.m4a" has "X.info.json", "X.vtt" or "X.srt" (captions), "X.txt"
// (transcript).
var SidecarExts = []string{".info.json", ".vtt", ".srt", ".txt"}

// ErrExists is wrapped by WriteSidecar's error when the sidecar's name is
// taken: it is never overwritten.
var ErrExists = errors.New("a file of that name exists")

// SidecarPath returns the path of audio's sidecar with extension ext
// (".info.json"): the audio's final name with its extension replaced.
func SidecarPath(audio, ext string) string {
	return strings.TrimSuffix(audio, filepath.Ext(audio)) + ext
}

// WriteSidecar writes the sidecar of the audio file audioPath with
// extension ext (".info.json", ".vtt", ".txt"), filled by write, and
// returns its path. It follows the audio's rules: the content goes to a
// temporary file created exclusively (no symlink is followed), which then
// takes the final name only if no file has it: an existing name is never
// overwritten (the error wraps ErrExists). Errors have code disk; nothing
// is left behind on failure.
func WriteSidecar(audioPath, ext string, write func(io.Writer) error) (string, error) {
	dir := filepath.Dir(audioPath)
	p, err := candidate(dir, filepath.Base(SidecarPath(audioPath, ext)), 1)
	if err != nil {
		return "", err
	}
	if _, err := os.Lstat(p); err == nil {
		return p, protocol.Errorf(protocol.CodeDisk, "%s: %w, not overwritten", p, ErrExists)
	}
	f, tmp, err := createExclusive(dir, filepath.Base(p))
	if err != nil {
		return p, protocol.DiskError("create a temporary file for "+filepath.Base(p), err)
	}
	werr := write(f)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(tmp)
		return p, protocol.DiskError("write "+p, werr)
	}
	taken, err := place(tmp, p)
	if err != nil || taken {
		os.Remove(tmp)
	}
	if taken {
		return p, protocol.Errorf(protocol.CodeDisk, "%s: %w, not overwritten", p, ErrExists)
	}
	return p, err
}

// createExclusive creates ".name.RANDOM.part" in dir with O_EXCL: a name
// that exists, a planted symlink among them, is never opened.
func createExclusive(dir, name string) (*os.File, string, error) {
	for range 100 {
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, "", err
		}
		tmp := filepath.Join(dir, fmt.Sprintf(".%s.%s.part", name, hex.EncodeToString(b[:])))
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, tmp, err
	}
	return nil, "", fmt.Errorf("no free temporary name in %s", dir)
}

// sidecarTaken reports whether one of the sidecars of the audio path p exists.
func sidecarTaken(p string) (bool, error) {
	for _, ext := range SidecarExts {
		s := SidecarPath(p, ext)
		if s == p {
			continue
		}
		if _, err := os.Lstat(s); err == nil {
			return true, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return false, protocol.Errorf(protocol.CodeDisk, "check %s: %w", s, err)
		}
	}
	return false, nil
}
