// Package adts cleans the audio chunks of an X Space: each is an ADTS (AAC)
// stream behind one or more ID3v2 tags, sometimes with junk bytes (a partial
// MPEG-TS header) in front. Clean keeps only the ADTS frames, so that the
// chunks of a Space can be concatenated into one stream for ffmpeg.
package adts

import (
	"errors"
	"fmt"

	"github.com/spacekeep/spacekeep/protocol"
)

// SamplesPerFrame is the number of PCM samples in one AAC raw data block.
const SamplesPerFrame = 1024

// sampleRates is indexed by the ADTS sampling_frequency_index (0-12 valid).
var sampleRates = [13]int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350}

// header is what we need from an ADTS frame header.
type header struct {
	length     int // the whole frame, header included
	sampleRate int
	blocks     int // raw data blocks in the frame (1-4)
}

// parseADTS reads the ADTS header at b[0:]; ok is false unless the sync
// word, the layer, the sampling index and the frame length are all valid.
// The frame itself may extend beyond b.
func parseADTS(b []byte) (h header, ok bool) {
	if len(b) < 7 || b[0] != 0xFF || b[1]&0xF6 != 0xF0 { // sync 0xFFF, layer 00
		return h, false
	}
	sfi := int(b[2]>>2) & 0x0F
	if sfi >= len(sampleRates) {
		return h, false
	}
	hdrLen := 7
	if b[1]&0x01 == 0 { // protection_absent == 0: a 2-byte CRC follows
		hdrLen = 9
	}
	n := int(b[3]&0x03)<<11 | int(b[4])<<3 | int(b[5])>>5
	if n < hdrLen {
		return h, false
	}
	return header{length: n, sampleRate: sampleRates[sfi], blocks: int(b[6]&0x03) + 1}, true
}

// id3Len returns the total length of the ID3v2 tag at b[0:] (header, body
// and footer), or 0 if b does not start with a valid tag that fits in b.
// A tag that runs past the end is treated as junk: a truncated chunk has no
// audio after it anyway, and a false "ID3" in junk must not swallow audio.
func id3Len(b []byte) int {
	if len(b) < 10 || b[0] != 'I' || b[1] != 'D' || b[2] != '3' {
		return 0
	}
	ver, rev, flags := b[3], b[4], b[5]
	if ver < 2 || ver > 4 || rev == 0xFF {
		return 0
	}
	if b[6]|b[7]|b[8]|b[9] >= 0x80 { // the size is syncsafe: 7 bits per byte
		return 0
	}
	n := 10 + (int(b[6])<<21 | int(b[7])<<14 | int(b[8])<<7 | int(b[9]))
	if ver == 4 && flags&0x10 != 0 { // footer present
		n += 10
	}
	if n > len(b) {
		return 0
	}
	return n
}

// scan walks b and calls frame for every ADTS frame, in order, skipping ID3
// tags and junk. Outside of a run of frames (at the start, after junk) a
// frame only counts when the bytes after it are another frame, an ID3 tag
// or the end of b, so that a stray 0xFFF in junk is not taken for audio.
// A frame cut short by the end of b is dropped.
func scan(b []byte, frame func(pos int, h header)) { scanAll(b, frame, nil) }

// scanAll is scan that also calls tag, when not nil, for every ID3 tag.
func scanAll(b []byte, frame func(pos int, h header), tag func(pos, n int)) {
	synced := false
	for pos := 0; pos < len(b); {
		if n := id3Len(b[pos:]); n > 0 {
			if tag != nil {
				tag(pos, n)
			}
			pos += n
			synced = true // audio follows the chunk's tags
			continue
		}
		if h, ok := parseADTS(b[pos:]); ok && pos+h.length <= len(b) && (synced || confirmed(b, pos+h.length)) {
			frame(pos, h)
			pos += h.length
			synced = true
			continue
		}
		synced = false
		pos = nextCandidate(b, pos+1)
	}
}

// confirmed reports whether next, the end of a candidate frame, is where
// another frame or tag starts, or the end of b.
func confirmed(b []byte, next int) bool {
	if next == len(b) {
		return true
	}
	if _, ok := parseADTS(b[next:]); ok {
		return true
	}
	return id3Len(b[next:]) > 0
}

// nextCandidate returns the first index >= from where a frame (0xFF) or a
// tag ('I') could start, or len(b).
func nextCandidate(b []byte, from int) int {
	for i := from; i < len(b); i++ {
		if c := b[i]; c == 0xFF || c == 'I' {
			return i
		}
	}
	return len(b)
}

// Clean returns the ADTS frames of chunk b without the junk and the ID3 tags
// around them. When the frames are contiguous (the usual case: junk and tags
// in front) the result is a sub-slice of b; when tags or junk sit between
// frames, Clean moves the frames together inside b, so b's contents change.
// A chunk without any ADTS frame is a bad_playlist error, and so is one
// that is not ADTS audio at all (ErrNotADTS): an MPEG-TS stream, or more
// junk in front than a partial TS packet.
func Clean(b []byte) ([]byte, error) {
	first, end, w, seen := 0, 0, -1, false
	_, err := walk(b, func(pos int, h header) {
		switch {
		case !seen:
			first, end, seen = pos, pos+h.length, true
		case w < 0 && pos == end: // still contiguous
			end = pos + h.length
		default:
			if w < 0 {
				w = end
			}
			// w <= pos always, so the copy never overwrites unread frames.
			w += copy(b[w:], b[pos:pos+h.length])
		}
	})
	if err != nil {
		return nil, err
	}
	if w >= 0 {
		end = w
	}
	return b[first:end], nil
}

// walk is scan for a raw chunk that must be ADTS audio: it calls frame
// for every frame and returns how many there were, or an error when there
// is none, or when b is not ADTS audio (notADTS, tooMuchJunk).
func walk(b []byte, frame func(pos int, h header)) (int, error) {
	if err := notADTS(b); err != nil {
		return 0, err
	}
	count, lead := 0, -1
	scanAll(b, func(pos int, h header) {
		if lead < 0 {
			lead = pos
		}
		if frame != nil {
			frame(pos, h)
		}
		count++
	}, func(pos, _ int) {
		if lead < 0 {
			lead = pos
		}
	})
	if count == 0 {
		return 0, noAudio(b)
	}
	return count, tooMuchJunk(b, lead)
}

// ErrNotADTS marks a chunk that is something else than ADTS audio behind
// tags: fetching it again will not make it audio.
var ErrNotADTS = errors.New("not ADTS audio")

// tsPacket is the size of an MPEG-TS packet. X's chunks may carry part of
// one before their first tag (X-FACTS §5), never more.
const tsPacket = 188

// notADTS refuses an MPEG-TS stream: the sync byte 0x47 at the start of
// every 188-byte packet. Its PES payloads hold ADTS sync words that a scan
// for frames would take for audio, with the TS headers read as junk.
func notADTS(b []byte) error {
	if len(b) < 2*tsPacket {
		return nil
	}
	for off := 0; off < len(b); off += tsPacket {
		if b[off] != 0x47 {
			return nil
		}
	}
	return protocol.Errorf(protocol.CodeBadPlaylist, "chunk is an MPEG-TS stream (%d bytes, 0x47 every %d): %w", len(b), tsPacket, ErrNotADTS)
}

// tooMuchJunk refuses a chunk whose first tag or frame comes after more
// than one partial TS packet of junk.
func tooMuchJunk(b []byte, lead int) error {
	if lead < tsPacket {
		return nil
	}
	return protocol.Errorf(protocol.CodeBadPlaylist, "chunk has %d bytes before its first tag or frame (at most a partial TS packet of %d is junk): %w",
		lead, tsPacket, fmt.Errorf("%w (starting % x)", ErrNotADTS, head(b)))
}

// Stats describes the audio in a chunk.
type Stats struct {
	Frames     int
	Duration   float64 // seconds
	SampleRate int     // of the first frame
	Bytes      int     // of ADTS frames
}

// ShortOf reports whether the audio is short of listed seconds (a
// playlist's EXTINF; 0 means unknown) by more than rounding explains:
// more than 10 % and more than two frames. EXTINF is a hint, often rounded
// or an integer; more audio than listed is never short.
func (s Stats) ShortOf(listed float64) bool {
	if listed <= 0 {
		return false
	}
	frame := 0.0
	if s.SampleRate > 0 {
		frame = SamplesPerFrame / float64(s.SampleRate)
	}
	lack := listed - s.Duration
	return lack > 0.1*listed && lack > 2*frame
}

// Inspect returns the Stats of the ADTS frames in b (raw or cleaned).
func Inspect(b []byte) Stats {
	var s Stats
	scan(b, func(_ int, h header) {
		if s.Frames == 0 {
			s.SampleRate = h.sampleRate
		}
		s.Frames++
		s.Bytes += h.length
		s.Duration += float64(h.blocks*SamplesPerFrame) / float64(h.sampleRate)
	})
	return s
}

// Frames counts the ADTS frames in a raw chunk b; no frame is an error,
// and so is a chunk that is not ADTS audio (see Clean).
func Frames(b []byte) (int, error) { return walk(b, nil) }

// Duration returns the seconds of audio in b: 1024 samples per raw data
// block at each frame's sample rate; 0 when b holds no frame.
func Duration(b []byte) float64 { return Inspect(b).Duration }

func noAudio(b []byte) error {
	return protocol.Errorf(protocol.CodeBadPlaylist, "chunk holds no AAC audio (%d bytes, starting % x)", len(b), head(b))
}

// head is the start of b, for messages.
func head(b []byte) []byte {
	if len(b) > 16 {
		return b[:16]
	}
	return b
}
