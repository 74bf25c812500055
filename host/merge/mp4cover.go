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
	covr := box("covr", box("data", be32(dataType), be32(0), img))
	// Usually udta is moov's last box, meta udta's and ilst meta's: then
	// the cover goes at the end of the file and only four sizes change, and
	// moov (megabytes of index for a long Space) is never read whole.
	if path, ok := lastChildren(f, moovAt, moovSize, []string{"udta", "meta", "ilst"}); ok {
		if _, err := f.WriteAt(covr, moovAt+moovSize); err != nil {
			return fmt.Errorf("write the cover: %w", err)
		}
		for _, at := range append([]int64{moovAt}, path...) {
			var hdr [4]byte
			if _, err := f.ReadAt(hdr[:], at); err != nil {
				return fmt.Errorf("read a box size: %w", err)
			}
			n := uint64(binary.BigEndian.Uint32(hdr[:])) + uint64(len(covr))
			if n > 0xFFFFFFFF {
				return errors.New("the MP4 index is too large for a cover")
			}
			binary.BigEndian.PutUint32(hdr[:], uint32(n))
			if _, err := f.WriteAt(hdr[:], at); err != nil {
				return fmt.Errorf("grow a box: %w", err)
			}
		}
		return f.Close()
	}
	moov := make([]byte, moovSize)
	if _, err := f.ReadAt(moov, moovAt); err != nil {
		return fmt.Errorf("read moov: %w", err)
	}
	grown, err := insertInto(moov, []string{"moov", "udta", "meta", "ilst"}, covr)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(grown, moovAt); err != nil {
		return fmt.Errorf("write moov with the cover: %w", err)
	}
	return f.Close()
}

// lastChildren follows path down from the box at at (size n), reading only
// headers, and returns the offsets of the boxes on it if each is the last
// child of its parent and has a 32-bit size.
func lastChildren(r io.ReaderAt, at, n int64, path []string) ([]int64, bool) {
	var offs []int64
	parent, end := "moov", at+n
	for _, name := range path {
		off := at + 8
		if parent == "meta" {
			off += 4 // a full box: version and flags before its children
		}
		found := false
		for off+8 <= end {
			var hdr [8]byte
			if _, err := r.ReadAt(hdr[:], off); err != nil {
				return nil, false
			}
			size := int64(binary.BigEndian.Uint32(hdr[:4]))
			if size < 8 || off+size > end {
				return nil, false
			}
			if string(hdr[4:]) == name && off+size == end {
				offs = append(offs, off)
				at, parent, found = off, name, true
				break
			}
			off += size
		}
		if !found {
			return nil, false
		}
	}
	return offs, true
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
