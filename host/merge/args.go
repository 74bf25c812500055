package merge

import (
	"bytes"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spacekeep/spacekeep/protocol"
)

// Formats Merge can write.
const (
	FormatM4A = "m4a" // AAC copied as is into an MP4 (iPod) container, in Go
	FormatMP3 = "mp3" // re-encoded with LAME by ffmpeg
)

// Tags are the metadata written into the output file.
type Tags struct {
	Title       string
	Artist      string
	AlbumArtist string
	Album       string
	Date        string // YYYY-MM-DD
	Comment     string // e.g. the Space's URL
	Description string
	EpisodeID   string // the Space id
	Genre       string
	URL         string    // the Space's page: the m4a's podcast URL (and description when none)
	Created     time.Time // when the Space began: the m4a's creation time; zero: unknown
}

// buildArgs returns ffmpeg's arguments for an mp3's audio: the ADTS stream
// on stdin, the bare MPEG audio (with its Xing/LAME header) to out. The tag
// is written by id3Tag, once the chapters are known.
func buildArgs(out string) []string {
	return []string{"-hide_banner", "-nostats", "-loglevel", "error", "-y",
		"-f", "aac", "-i", "pipe:0", "-map", "0:a", "-map_metadata", "-1",
		"-c:a", "libmp3lame", "-b:a", "128k", "-id3v2_version", "0", "-write_id3v1", "0", "-f", "mp3", out}
}

// coverCodec returns "copy" for a JPEG or PNG cover (both fit MP4 and ID3
// as they are) and "mjpeg" for anything else (WebP avatars...), which
// coverJPEG converts.
func coverCodec(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", protocol.Errorf(protocol.CodeDisk, "open cover art: %w", err)
	}
	defer f.Close()
	head := make([]byte, 8)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", protocol.Errorf(protocol.CodeDisk, "read cover art: %w", err)
	}
	head = head[:n]
	if bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}) || bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")) {
		return "copy", nil
	}
	if n == 0 {
		return "", protocol.Errorf(protocol.CodeBadRequest, "cover art %s is empty", path)
	}
	return "mjpeg", nil
}

func checkFormat(f string) (string, error) {
	switch f {
	case "", FormatM4A:
		return FormatM4A, nil
	case FormatMP3:
		return FormatMP3, nil
	}
	return "", protocol.Errorf(protocol.CodeBadRequest, "unknown format %q (want m4a or mp3)", f)
}

// tagValue makes an untrusted title fit for a command-line argument and a
// tag: no NUL (exec refuses it) nor other control characters, valid UTF-8,
// at most 1,000 bytes.
func tagValue(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			if r == '\n' || r == '\t' {
				return ' '
			}
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	for len(s) > 1000 {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
