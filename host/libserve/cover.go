package libserve

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// coverAt is where an m4a holds its cover image, and the image's type.
type coverAt struct {
	off, n int64
	typ    string
}

// findCover walks an MP4's boxes to moov/udta/meta/ilst/covr/data, the
// iTunes cover that package mp4 writes, reading only box headers on the
// way (the sample tables of a long Space are megabytes).
func findCover(r io.ReaderAt, size int64) (coverAt, error) {
	start, end := int64(0), size
	for i, name := range []string{"moov", "udta", "meta", "ilst", "covr", "data"} {
		s, e, err := findBox(r, start, end, name)
		if err != nil {
			return coverAt{}, err
		}
		start, end = s, e
		if i == 2 { // meta is a full box: version and flags come first
			start += 4
		}
	}
	// data: 4 bytes of type, 4 of locale, then the image.
	var head [8]byte
	if end-start < 8+4 {
		return coverAt{}, fmt.Errorf("the cover's data box is too short: %w", errNoFile)
	}
	if _, err := r.ReadAt(head[:], start); err != nil {
		return coverAt{}, fmt.Errorf("read the cover: %w", err)
	}
	var magic [4]byte
	if _, err := r.ReadAt(magic[:], start+8); err != nil {
		return coverAt{}, fmt.Errorf("read the cover: %w", err)
	}
	c := coverAt{off: start + 8, n: end - start - 8}
	switch {
	case bytes.HasPrefix(magic[:], []byte{0xff, 0xd8, 0xff}):
		c.typ = "image/jpeg"
	case bytes.Equal(magic[:], []byte{0x89, 'P', 'N', 'G'}):
		c.typ = "image/png"
	default:
		return coverAt{}, fmt.Errorf("the cover is neither JPEG nor PNG: %w", errNoFile)
	}
	return c, nil
}

// findBox returns the body of the first box named name among the boxes
// that fill [start, end).
func findBox(r io.ReaderAt, start, end int64, name string) (int64, int64, error) {
	for off := start; off+8 <= end; {
		var h [16]byte
		if _, err := r.ReadAt(h[:8], off); err != nil {
			return 0, 0, fmt.Errorf("read a box header at %d: %w", off, err)
		}
		size, hlen := int64(binary.BigEndian.Uint32(h[:4])), int64(8)
		switch size {
		case 0: // to the end of its parent
			size = end - off
		case 1: // a 64-bit size follows the type
			if _, err := r.ReadAt(h[8:16], off+8); err != nil {
				return 0, 0, fmt.Errorf("read a box header at %d: %w", off, err)
			}
			size, hlen = int64(binary.BigEndian.Uint64(h[8:16])), 16
		}
		if size < hlen || off+size > end || size < 0 {
			return 0, 0, fmt.Errorf("a damaged box at %d: %w", off, errNoFile)
		}
		if string(h[4:8]) == name {
			return off + hlen, off + size, nil
		}
		off += size
	}
	return 0, 0, fmt.Errorf("no %s box: %w", name, errNoFile)
}
