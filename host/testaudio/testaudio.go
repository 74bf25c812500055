// Package testaudio is self-verifying test audio shaped like X Spaces
// audio (AAC-LC in ADTS, 48 kHz stereo, chunks of 140 to 142 frames, about
// 3 s each, as X's vary) and checks a merged file against it.
//
// Chunk i holds a pure tone of Freq(i) Hz for its whole length. Verify
// decodes a file and listens to the middle of every chunk: if a chunk is
// missing, duplicated or out of order, the tone heard in some window is not
// the expected one, so a merged download can be proved complete and in
// order without trusting its size or the muxer's idea of its duration.
//
// The audio is encoded once (gen, which runs ffmpeg) and embedded
// (chunks.adts, at a low bit rate to stay small), so that the fake x.com
// and `make demo` need no ffmpeg.
package testaudio

//go:generate go run ./gen -o chunks.adts

import (
	_ "embed"
	"errors"
	"fmt"
	"sync"
)

// SampleRate is the audio's sample rate in Hz.
const SampleRate = 48000

// framePattern is how many AAC frames (of 1024 samples) chunks hold, in
// turn: like X's, 2.987, 3.008 and 3.029 s, never a round 3 s.
var framePattern = [...]int{141, 142, 140}

// FramePattern returns the frame counts that chunks hold in turn.
func FramePattern() []int { return framePattern[:] }

// Frames is how many AAC frames chunk i holds.
func Frames(i int) int { return framePattern[tone(i)%len(framePattern)] }

// ChunkDuration is the mean length of a chunk in seconds (141 frames,
// 3.008 s). A chunk's own length is Seconds(i); n chunks last Length(n).
const ChunkDuration = 141 * 1024 / float64(SampleRate)

// Seconds is the length of chunk i.
func Seconds(i int) float64 { return float64(Frames(i)*1024) / SampleRate }

// Start is where chunk i starts in a stream of chunks 0, 1, ..., in seconds.
func Start(i int) float64 {
	frames, cycle := 0, 0
	for j := range Tones {
		cycle += Frames(j)
		if j < i%Tones {
			frames += Frames(j)
		}
	}
	return float64((i/Tones*cycle+frames)*1024) / SampleRate
}

// Length is the length of chunks 0 to n-1 together, in seconds.
func Length(n int) float64 { return Start(n) }

// Tones is the number of distinct tones; chunk i and chunk i+Tones sound the same.
const Tones = 64

// tone is i's place in the cycle of Tones.
func tone(i int) int {
	i %= Tones
	if i < 0 {
		i += Tones
	}
	return i
}

// Freq returns the tone of chunk i in Hz: 45 Hz apart, 300..3135 Hz, cycling
// every Tones chunks. 45 Hz is far wider than the resolution of the
// half-second Goertzel window Verify uses (~2 Hz), and every tone stays
// below 4 kHz so Verify can decode at 8 kHz.
func Freq(i int) float64 { return 300 + 45*float64(tone(i)) }

// stream is the Tones chunks, one ADTS stream encoded without a break.
//
//go:embed chunks.adts
var stream []byte

// tones is stream cut into its chunks, on first use (gen runs without it).
var tones = sync.OnceValues(func() ([][]byte, error) {
	chunks, err := split(stream, Tones)
	if err != nil {
		return nil, fmt.Errorf("testaudio: the embedded chunks.adts is damaged (run go generate): %w", err)
	}
	return chunks, nil
})

// Generate returns n chunks of ADTS audio, chunk i being a tone of Freq(i)
// (chunk i and i+Tones are the same bytes). The returned slices must not
// be modified. It fails only if the embedded audio is damaged.
func Generate(n int) ([][]byte, error) {
	chunks, err := tones()
	if err != nil {
		return nil, err
	}
	out := make([][]byte, n)
	for i := range out {
		out[i] = chunks[tone(i)]
	}
	return out, nil
}

// split cuts an ADTS stream into n chunks of Frames(i) frames each and
// drops any frames beyond that.
func split(stream []byte, n int) ([][]byte, error) {
	chunks := make([][]byte, 0, n)
	pos := 0
	for c := range n {
		size, err := FrameEnd(stream[pos:], Frames(c))
		if err != nil {
			return nil, fmt.Errorf("chunk %d at byte %d: %w", c, pos, err)
		}
		chunks = append(chunks, stream[pos:pos+size:pos+size])
		pos += size
	}
	return chunks, nil
}

// FrameEnd returns where the first n ADTS frames of stream end.
func FrameEnd(stream []byte, n int) (int, error) {
	pos := 0
	for f := range n {
		size, err := adtsFrameLen(stream[pos:])
		if err != nil {
			return 0, fmt.Errorf("frame %d at byte %d: %w", f, pos, err)
		}
		pos += size
	}
	return pos, nil
}

// adtsFrameLen returns the length of the ADTS frame at the start of b.
func adtsFrameLen(b []byte) (int, error) {
	if len(b) < 7 {
		return 0, errors.New("stream ends before an ADTS header")
	}
	if b[0] != 0xFF || b[1]&0xF6 != 0xF0 {
		return 0, fmt.Errorf("no ADTS sync word (% x)", b[:2])
	}
	size := int(b[3]&0x03)<<11 | int(b[4])<<3 | int(b[5])>>5
	if size < 7 || size > len(b) {
		return 0, fmt.Errorf("ADTS frame length %d does not fit in %d bytes", size, len(b))
	}
	return size, nil
}

// TS wraps audio in MPEG-TS packets, as a chunk that is not ADTS audio
// would come: 188 bytes each, a 4-byte header (sync byte 0x47, a PID, a
// continuity counter), then the audio as payload, the last one stuffed.
func TS(audio []byte) []byte {
	var out []byte
	for cc := 0; len(audio) > 0; cc++ {
		n := min(184, len(audio))
		pkt := append([]byte{0x47, 0x01, 0x00, 0x10 | byte(cc&15)}, audio[:n]...)
		for len(pkt) < 188 {
			pkt = append(pkt, 0xFF)
		}
		out = append(out, pkt...)
		audio = audio[n:]
	}
	return out
}
