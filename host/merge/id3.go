package merge

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"

	"github.com/spacekeep/spacekeep/host/mp4"
)

// The mp3's tag is an ID3v2.3 tag written here, not by ffmpeg: ffmpeg's
// writes the comment as TXXX:comment rather than COMM, the cover as
// picture type 0 ("other") rather than 3 (front cover), and can write
// chapters only when they are known before the audio, while the speaker
// chapters are known only after the last chunk. ID3v2.3 is the version
// most players read; its CHAP and CTOC frames (the ID3 chapter addendum)
// are what podcast apps read chapters from.

// maxCTOC is how many chapters a CTOC lists (its count is one byte).
const maxCTOC = 255

// mp3Tag returns the ID3v2.3 tag of an mp3 lasting duration seconds: the
// tags, the cover (JPEG or PNG, or nil) and the chapters.
func mp3Tag(t Tags, cover []byte, chapters []Chapter, duration float64) []byte {
	var frames bytes.Buffer
	text := func(id, v string) {
		if v = tagValue(v); v != "" {
			frames.Write(id3Frame(id, id3Text(v)))
		}
	}
	text("TIT2", t.Title)
	text("TPE1", t.Artist)
	text("TPE2", t.AlbumArtist)
	text("TALB", t.Album)
	text("TCON", t.Genre)
	if d := tagValue(t.Date); len(d) >= 4 {
		text("TYER", d[:4])
		if len(d) == 10 && d[4] == '-' && d[7] == '-' {
			text("TDAT", d[8:10]+d[5:7]) // DDMM
		}
	}
	text("TLEN", strconv.FormatInt(int64(math.Round(duration*1000)), 10))
	if c := tagValue(t.Comment); c != "" {
		// COMM: encoding, language, an empty short description, the text.
		body := append([]byte{1}, "eng"...)
		body = append(body, utf16z("")...)
		frames.Write(id3Frame("COMM", append(body, utf16z(c)...)))
	}
	if u := tagValue(t.URL); u != "" {
		frames.Write(id3Frame("WOAS", []byte(u))) // the audio's official page
	}
	for _, kv := range [][2]string{{"episode_id", t.EpisodeID}, {"description", t.Description}} {
		if v := tagValue(kv[1]); v != "" {
			frames.Write(id3Frame("TXXX", append(append([]byte{1}, utf16z(kv[0])...), utf16z(v)...)))
		}
	}
	if len(cover) > 0 {
		mime := "image/jpeg"
		if typ, err := mp4.CoverType(cover); err == nil && typ == 14 {
			mime = "image/png"
		}
		// APIC: encoding, MIME type, picture type 3 (front cover), an empty description, the image.
		body := append([]byte{0}, mime...)
		body = append(body, 0, 3, 0)
		frames.Write(id3Frame("APIC", append(body, cover...)))
	}
	frames.Write(id3Chapters(chapters, duration))

	head := []byte{'I', 'D', '3', 3, 0, 0}
	head = append(head, syncsafe(frames.Len())...)
	return append(head, frames.Bytes()...)
}

// id3Chapters returns a CTOC listing every chapter in order and one CHAP
// per chapter (its title as a TIT2 inside), at most maxCTOC of them.
func id3Chapters(chs []Chapter, duration float64) []byte {
	if len(chs) == 0 {
		return nil
	}
	in := make([]mp4.Chapter, len(chs))
	for i, c := range chs {
		in[i] = mp4.Chapter{Start: c.Start, Title: c.Title}
	}
	fit := mp4.MergeShortest(in, maxCTOC, duration)
	ms := func(s float64) []byte {
		return binary.BigEndian.AppendUint32(nil, uint32(math.Round(min(max(s, 0), duration)*1000)))
	}
	var chaps bytes.Buffer
	toc := append([]byte("toc\x00"), 0x03, byte(len(fit))) // top level, ordered
	for i, c := range fit {
		id := "chp" + strconv.Itoa(i)
		toc = append(toc, id...)
		toc = append(toc, 0)
		end := duration
		if i+1 < len(fit) {
			end = fit[i+1].Start
		}
		body := append([]byte(id), 0)
		body = append(body, ms(c.Start)...)
		body = append(body, ms(end)...)
		body = append(body, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF) // no byte offsets
		if title := tagValue(c.Title); title != "" {
			body = append(body, id3Frame("TIT2", id3Text(title))...)
		}
		chaps.Write(id3Frame("CHAP", body))
	}
	return append(id3Frame("CTOC", toc), chaps.Bytes()...)
}

// id3Frame is an ID3v2.3 frame: its id, its size, no flags, the body.
func id3Frame(id string, body []byte) []byte {
	f := append([]byte(id), 0, 0, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(f[4:8], uint32(len(body)))
	return append(f, body...)
}

// id3Text is a text frame's body: UTF-16 with a byte order mark (ID3v2.3
// has no UTF-8).
func id3Text(s string) []byte { return append([]byte{1}, utf16z(s)...) }

// utf16z is s in UTF-16LE with a byte order mark and a terminating NUL.
func utf16z(s string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return append(b, 0, 0)
}

// syncsafe writes n in four 7-bit bytes, as the ID3 header's size.
func syncsafe(n int) []byte {
	return []byte{byte(n >> 21 & 0x7F), byte(n >> 14 & 0x7F), byte(n >> 7 & 0x7F), byte(n & 0x7F)}
}

// tagLimit is the largest tag an ID3v2 header can describe.
const tagLimit = 1<<28 - 1

// checkTagSize refuses a tag too large for its header (a huge cover).
func checkTagSize(tag []byte) error {
	if len(tag)-10 > tagLimit {
		return fmt.Errorf("the ID3 tag would be %d bytes, more than ID3 allows", len(tag))
	}
	return nil
}
