package merge

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAddCoverRefusesWhatItCannotDoSafely(t *testing.T) {
	dir := t.TempDir()
	jpeg := filepath.Join(dir, "c.jpg")
	os.WriteFile(jpeg, []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0}, 0o600)
	// moov before mdat (a faststart file): growing moov would move the audio.
	moovFirst := append(box("moov", box("udta", box("meta", be32(0), box("ilst")))), box("mdat", []byte("audio"))...)
	p := filepath.Join(dir, "a.m4a")
	os.WriteFile(p, moovFirst, 0o600)
	if err := addCover(p, jpeg); err == nil || !strings.Contains(err.Error(), "not the last box") {
		t.Errorf("moov first: %v", err)
	}
	gif := filepath.Join(dir, "c.gif")
	os.WriteFile(gif, []byte("GIF89a"), 0o600)
	if err := addCover(p, gif); err == nil {
		t.Error("a GIF cover was accepted")
	}
	// No ilst to put it in.
	bare := append(box("mdat", []byte("audio")), box("moov", box("mvhd", make([]byte, 100)))...)
	os.WriteFile(p, bare, 0o600)
	if err := addCover(p, jpeg); err == nil {
		t.Error("a moov without udta/meta/ilst was accepted")
	}
	before, _ := os.ReadFile(p)
	if len(before) != len(bare) {
		t.Error("a refused cover changed the file")
	}
}

func TestAddCoverGrowsEveryBoxOnThePath(t *testing.T) {
	dir := t.TempDir()
	png := filepath.Join(dir, "c.png")
	os.WriteFile(png, []byte("\x89PNG\r\n\x1a\nIMAGE"), 0o600)
	file := append(box("mdat", []byte("audio")), box("moov", box("mvhd", make([]byte, 4)), box("udta", box("meta", be32(0), box("hdlr", make([]byte, 4)), box("ilst", box("\xa9nam", []byte("t"))))))...)
	p := filepath.Join(dir, "a.m4a")
	os.WriteFile(p, file, 0o600)
	if err := addCover(p, png); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	want := append(box("mdat", []byte("audio")), box("moov", box("mvhd", make([]byte, 4)), box("udta", box("meta", be32(0), box("hdlr", make([]byte, 4)), box("ilst", box("\xa9nam", []byte("t")), box("covr", box("data", be32(14), be32(0), []byte("\x89PNG\r\n\x1a\nIMAGE")))))))...)
	if string(got) != string(want) {
		t.Fatalf("file after addCover:\n got % x\nwant % x", got, want)
	}
}

func TestAddCoverWhenUdtaIsNotLast(t *testing.T) {
	dir := t.TempDir()
	jpeg := filepath.Join(dir, "c.jpg")
	os.WriteFile(jpeg, []byte{0xFF, 0xD8, 0xFF, 0xE0, 1, 2}, 0o600)
	udta := func(extra ...[]byte) []byte {
		return box("udta", box("meta", be32(0), box("ilst", extra...)))
	}
	file := append(box("mdat", []byte("audio")), box("moov", udta(), box("free", []byte("pad")))...)
	p := filepath.Join(dir, "a.m4a")
	os.WriteFile(p, file, 0o600)
	if _, ok := lastChildren(bytesReaderAt(file), 13, int64(len(file)-13), []string{"udta", "meta", "ilst"}); ok {
		t.Fatal("lastChildren took a udta followed by another box for the last")
	}
	if err := addCover(p, jpeg); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	covr := box("covr", box("data", be32(13), be32(0), []byte{0xFF, 0xD8, 0xFF, 0xE0, 1, 2}))
	want := append(box("mdat", []byte("audio")), box("moov", udta(covr), box("free", []byte("pad")))...)
	if string(got) != string(want) {
		t.Fatalf("got % x\nwant % x", got, want)
	}
}

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
