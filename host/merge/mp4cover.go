package merge

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// addCover puts a JPEG or PNG into an MP4's iTunes metadata
// (moov/udta/meta/ilst/covr), in place. ffmpeg can attach a cover only as a
// second input, and with two inputs ffmpeg 5.1 passes every packet between
// threads: a third more time for a 2-hour Space. The file must end with its
// moov box (no faststart), so that growing it moves no audio.
func addCover(path, image string) error {
	img, err := os.ReadFile(image)
	if err != nil {
		return fmt.Errorf("read cover art: %w", err)
	}
	var dataType uint32
	switch {
	case bytes.HasPrefix(img, []byte{0xFF, 0xD8, 0xFF}):
		dataType = 13 // JPEG
	case bytes.HasPrefix(img, []byte("\x89PNG\r\n\x1a\n")):
		dataType = 14 // PNG
	default:
		return errors.New("cover art is neither JPEG nor PNG")
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("open the file for its cover: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat the file for its cover: %w", err)
	}
	moovAt, moovSize, err := lastBox(f, fi.Size(), "moov")
	if err != nil {
		return err
	}
	moov := make([]byte, moovSize)
	if _, err := f.ReadAt(moov, moovAt); err != nil {
		return fmt.Errorf("read moov: %w", err)
	}
	covr := box("covr", box("data", be32(dataType), be32(0), img))
	grown, err := insertInto(moov, []string{"moov", "udta", "meta", "ilst"}, covr)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(grown, moovAt); err != nil {
		return fmt.Errorf("write moov with the cover: %w", err)
	}
	return f.Close()
}

// lastBox finds the top-level box named typ and checks that it ends the file.
func lastBox(r io.ReaderAt, size int64, typ string) (at, n int64, err error) {
	var hdr [16]byte
	for off := int64(0); off < size; {
		if _, err := r.ReadAt(hdr[:8], off); err != nil {
			return 0, 0, fmt.Errorf("read an MP4 box header at %d: %w", off, err)
		}
		n := int64(binary.BigEndian.Uint32(hdr[:4]))
		switch n {
		case 0:
			n = size - off
		case 1:
			if _, err := r.ReadAt(hdr[8:16], off+8); err != nil {
				return 0, 0, fmt.Errorf("read an MP4 box size at %d: %w", off, err)
			}
			n = int64(binary.BigEndian.Uint64(hdr[8:16]))
		}
		if n < 8 || off+n > size {
			return 0, 0, fmt.Errorf("a broken MP4 box at %d", off)
		}
		if string(hdr[4:8]) == typ {
			if off+n != size {
				return 0, 0, fmt.Errorf("%s is not the last box", typ)
			}
			return off, n, nil
		}
		off += n
	}
	return 0, 0, fmt.Errorf("no %s box", typ)
}

// insertInto appends child at the end of the box at path inside b (b is
// the first box of the path) and returns b with every box on the path
// grown by len(child). Boxes on the path must have 32-bit sizes.
func insertInto(b []byte, path []string, child []byte) ([]byte, error) {
	if len(b) < 8 || string(b[4:8]) != path[0] || int(binary.BigEndian.Uint32(b)) != len(b) {
		return nil, fmt.Errorf("no %s box where expected", path[0])
	}
	start := 8
	if path[0] == "meta" {
		start = 12 // a full box: version and flags before its children
	}
	if len(path) == 1 {
		out := append(append([]byte{}, b...), child...)
		binary.BigEndian.PutUint32(out, uint32(len(out)))
		return out, nil
	}
	for off := start; off+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[off:]))
		if n < 8 || off+n > len(b) {
			return nil, fmt.Errorf("a broken box inside %s", path[0])
		}
		if string(b[off+4:off+8]) == path[1] {
			grown, err := insertInto(b[off:off+n], path[1:], child)
			if err != nil {
				return nil, err
			}
			out := make([]byte, 0, len(b)+len(child))
			out = append(append(append(out, b[:off]...), grown...), b[off+n:]...)
			binary.BigEndian.PutUint32(out, uint32(len(out)))
			return out, nil
		}
		off += n
	}
	return nil, fmt.Errorf("no %s box in %s", path[1], path[0])
}

func box(typ string, parts ...[]byte) []byte {
	n := 8
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 8, n)
	binary.BigEndian.PutUint32(b, uint32(n))
	copy(b[4:], typ)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
