package adts

import (
	"bytes"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

// realChunk is 3 s of 48 kHz stereo AAC-LC made by ffmpeg (-f adts): 142 frames.
func realChunk(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/chunk.aac")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const realFrames = 142

// id3 builds an ID3v2.<ver> tag with a body of n bytes, as X puts in front
// of each chunk (PRIV, TIT3, TXXX...); footer adds a v2.4 footer.
func id3(ver byte, n int, footer bool) []byte {
	flags := byte(0)
	if footer {
		flags = 0x10
	}
	b := []byte{'I', 'D', '3', ver, 0, flags, byte(n >> 21 & 0x7F), byte(n >> 14 & 0x7F), byte(n >> 7 & 0x7F), byte(n & 0x7F)}
	body := []byte("PRIV\x00\x00\x00\x35\x00\x00com.apple.streaming.transportStreamTimestamp\x00\x00\x00\x00\x00\x86\xa9\x9d\xfa")
	for len(body) < n {
		body = append(body, 0)
	}
	b = append(b, body[:n]...)
	if footer {
		b = append(b, '3', 'D', 'I', ver, 0, flags, b[6], b[7], b[8], b[9])
	}
	return b
}

// junk is a partial MPEG-TS header with adaptation stuffing (0xFF bytes),
// a fake "ID3" whose size runs past any chunk, and a lone ADTS-like sync.
var junk = []byte("\x47\x41\x00\x30\x07\x50\x00\x00\x7b\x0c\x7e\x00\xff\xff\xff\xffID3\x04\x00\x00\x7f\x7f\x7f\x7f\xff\xf1\x4c\x80\x2e\x7f\xfc\x00\x00")

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func frameBounds(t *testing.T, b []byte) []int {
	t.Helper()
	var pos []int
	scan(b, func(p int, _ header) { pos = append(pos, p) })
	return pos
}

func TestCleanRealChunk(t *testing.T) {
	audio := realChunk(t)
	out, err := Clean(bytes.Clone(audio))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, audio) {
		t.Fatalf("clean ADTS changed: %d bytes -> %d", len(audio), len(out))
	}
	n, err := Frames(audio)
	if err != nil || n != realFrames {
		t.Fatalf("Frames = %d, %v; want %d", n, err, realFrames)
	}
	want := realFrames * 1024 / 48000.0
	if d := Duration(audio); math.Abs(d-want) > 1e-9 {
		t.Fatalf("Duration = %v, want %v", d, want)
	}
	if s := Inspect(audio); s.SampleRate != 48000 || s.Bytes != len(audio) {
		t.Fatalf("Inspect = %+v", s)
	}
}

func TestClean(t *testing.T) {
	audio := realChunk(t)
	bounds := frameBounds(t, audio)
	mid := bounds[70]
	cases := []struct {
		name    string
		in      []byte
		subNoCp bool // the result must be a sub-slice of the input
	}{
		{"X chunk: ID3v2.4 then audio", cat(id3(4, 63, false), audio), true},
		{"junk, ID3, audio", cat(junk, id3(4, 200, false), audio), true},
		{"several tags, one with footer", cat(junk, id3(4, 50, true), id3(3, 20, false), id3(4, 0, false), audio), true},
		{"junk then ADTS, no tag", cat(junk, audio), true},
		{"ID3 v2.2 in front", cat(id3(2, 30, false), audio), true},
		{"tag between frames", cat(id3(4, 63, false), audio[:mid], id3(4, 99, true), audio[mid:]), false},
		{"junk between frames", cat(id3(4, 63, false), audio[:mid], junk, audio[mid:]), false},
		{"trailing junk", cat(audio, []byte("\x00\x00\xff\xf1 garbage")), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := bytes.Clone(c.in)
			out, err := Clean(in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, audio) {
				t.Fatalf("got %d bytes, want the %d ADTS bytes", len(out), len(audio))
			}
			if c.subNoCp {
				off := bytes.Index(c.in, audio)
				if &out[0] != &in[off] {
					t.Fatal("result is not a sub-slice of the input")
				}
			}
			if n, err := Frames(c.in); err != nil || n != realFrames {
				t.Fatalf("Frames(raw) = %d, %v", n, err)
			}
		})
	}
}

func TestTruncatedLastFrame(t *testing.T) {
	audio := realChunk(t)
	bounds := frameBounds(t, audio)
	cut := audio[:bounds[len(bounds)-1]+20] // 20 bytes into the last frame
	out, err := Clean(cat(id3(4, 63, false), cut))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, audio[:bounds[len(bounds)-1]]) {
		t.Fatalf("got %d bytes, want %d whole frames", len(out), len(bounds)-1)
	}
}

func TestNoAudio(t *testing.T) {
	for name, in := range map[string][]byte{
		"empty":           nil,
		"ID3 only":        id3(4, 63, false),
		"junk only":       junk,
		"HTML":            []byte("<html><body>403 Forbidden</body></html>"),
		"lone fake frame": []byte("\xff\xf1\x4c\x80\x2e\x7f\xfc\x00\x00\x00\x00 trailing"),
		"truncated tag":   id3(4, 63, false)[:40],
	} {
		t.Run(name, func(t *testing.T) {
			out, err := Clean(bytes.Clone(in))
			if err == nil {
				t.Fatalf("no error, got %d bytes", len(out))
			}
			if protocol.CodeOf(err) != protocol.CodeBadPlaylist || !strings.Contains(err.Error(), "chunk holds no AAC audio") {
				t.Fatalf("error %v (code %s)", err, protocol.CodeOf(err))
			}
			if n, err := Frames(in); n != 0 || err == nil {
				t.Fatalf("Frames = %d, %v", n, err)
			}
			if d := Duration(in); d != 0 {
				t.Fatalf("Duration = %v", d)
			}
		})
	}
}

// TestNotADTS: a chunk that is MPEG-TS throughout holds ADTS sync words in
// its payloads, and frames small enough to sit whole between two TS
// headers parse; it is still not ADTS audio with junk. Nor is a chunk with
// more junk in front than one partial TS packet.
func TestNotADTS(t *testing.T) {
	chunks, err := testaudio.Generate(1)
	if err != nil {
		t.Fatal(err)
	}
	ts := testaudio.TS(cat(id3(4, 63, false), chunks[0]))
	if Inspect(ts).Frames == 0 {
		t.Fatal("the TS fixture holds no frame a scan would take: it proves nothing")
	}
	for name, in := range map[string][]byte{
		"MPEG-TS throughout": ts,
		"189 bytes of junk":  cat(bytes.Repeat([]byte{0x47, 0x00}, 94), []byte{0}, id3(4, 63, false), realChunk(t)),
	} {
		t.Run(name, func(t *testing.T) {
			if out, err := Clean(bytes.Clone(in)); !errors.Is(err, ErrNotADTS) || protocol.CodeOf(err) != protocol.CodeBadPlaylist {
				t.Fatalf("Clean = %d bytes, %v; want bad_playlist, not ADTS audio", len(out), err)
			}
			if n, err := Frames(in); !errors.Is(err, ErrNotADTS) {
				t.Fatalf("Frames = %d, %v; want not ADTS audio", n, err)
			}
		})
	}
	// A partial TS packet in front, as X's chunks carry, is junk.
	if _, err := Clean(cat(bytes.Repeat([]byte{0x47}, 187), id3(4, 63, false), realChunk(t))); err != nil {
		t.Fatalf("187 bytes of junk: %v", err)
	}
}

func TestHeaders(t *testing.T) {
	// A 9-byte header (CRC present) with frame length 8 is invalid.
	if _, ok := parseADTS([]byte{0xFF, 0xF0, 0x4C, 0x80, 0x01, 0x00, 0xFC, 0, 0}); ok {
		t.Error("frame shorter than its CRC header accepted")
	}
	// Sampling index 13 is reserved.
	if _, ok := parseADTS([]byte{0xFF, 0xF1, 0x74, 0x80, 0x2E, 0x7F, 0xFC}); ok {
		t.Error("reserved sampling index accepted")
	}
	// Layer must be 0 (0xFFF3 is MPEG audio layer... not ADTS).
	if _, ok := parseADTS([]byte{0xFF, 0xF3, 0x4C, 0x80, 0x2E, 0x7F, 0xFC}); ok {
		t.Error("layer != 0 accepted")
	}
	h, ok := parseADTS([]byte{0xFF, 0xF1, 0x4C, 0x80, 0x2E, 0x7F, 0xFD})
	if !ok || h.length != 0x2E<<3|0x7F>>5 || h.sampleRate != 48000 || h.blocks != 2 {
		t.Errorf("valid header: %+v %v", h, ok)
	}
	if n := id3Len(cat(id3(4, 5, true), []byte("x"))); n != 25 {
		t.Errorf("id3Len with footer = %d, want 25", n)
	}
	bad := id3(4, 5, false)
	bad[7] = 0x80 // not syncsafe
	if id3Len(bad) != 0 {
		t.Error("non-syncsafe size accepted")
	}
}

func FuzzClean(f *testing.F) {
	audio, err := os.ReadFile("testdata/chunk.aac")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(cat(junk, id3(4, 63, false), audio[:2000]))
	f.Add(cat(id3(4, 10, true), audio[:600], id3(3, 4, false), audio[600:1200]))
	f.Add(junk)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, in []byte) {
		want := Inspect(in)
		out, err := Clean(bytes.Clone(in))
		if err != nil {
			if want.Frames != 0 && !errors.Is(err, ErrNotADTS) {
				t.Fatalf("error with %d frames: %v", want.Frames, err)
			}
			return
		}
		got := Inspect(out)
		if got != want {
			t.Fatalf("cleaned %+v, raw %+v", got, want)
		}
		if len(out) != want.Bytes {
			t.Fatalf("cleaned %d bytes, frames hold %d", len(out), want.Bytes)
		}
		again, err := Clean(bytes.Clone(out))
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("Clean is not idempotent: %v", err)
		}
	})
}

// BenchmarkClean cleans a 36 KB chunk shaped like X's: junk, ID3, ADTS.
func BenchmarkClean(b *testing.B) {
	chunk := cat(junk, id3(4, 400, false), realChunk(b))
	buf := make([]byte, len(chunk))
	b.SetBytes(int64(len(chunk)))
	for b.Loop() {
		copy(buf, chunk)
		if _, err := Clean(buf); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseHeader(t *testing.T) {
	// AAC-LC (profile 1), 48 kHz (index 3), stereo, 371 bytes, no CRC, 1 block.
	n := 371
	b := []byte{0xFF, 0xF1, 0x4C, 0x80 | byte(n>>11), byte(n >> 3), byte(n<<5) | 0x1F, 0xFC}
	h, ok := ParseHeader(b)
	if !ok || h.ObjectType != 2 || h.SampleRate != 48000 || h.SampleRateIndex != 3 || h.Channels != 2 ||
		h.HeaderLen != 7 || h.Length != n || h.Blocks != 1 {
		t.Fatalf("ParseHeader = %+v, %v", h, ok)
	}
	// With a CRC the header is 9 bytes; mono; 2 raw data blocks.
	crc := append([]byte{}, b...)
	crc[1] = 0xF0
	crc[2] = 0x4C &^ 0x01
	crc[3] = 0x40 | byte(n>>11)
	crc[6] = 0xFD
	if h, ok := ParseHeader(crc); !ok || h.HeaderLen != 9 || h.Channels != 1 || h.Blocks != 2 {
		t.Fatalf("with CRC: %+v, %v", h, ok)
	}
	if _, ok := ParseHeader(b[:6]); ok {
		t.Error("a short header parsed")
	}
	tiny := append([]byte{}, b...)
	tiny[3], tiny[4], tiny[5] = 0x80, 0, 7<<5 // length 7: no payload
	if _, ok := ParseHeader(tiny); ok {
		t.Error("a frame without payload parsed")
	}
}
