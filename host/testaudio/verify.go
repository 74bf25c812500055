package testaudio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os/exec"
)

// verifyRate is the rate Verify decodes at: every tone is below 4 kHz, and
// a sixth of the samples makes a two-hour file quick to check.
const verifyRate = 8000

// windowSamples is the length of the listening window in the middle of each
// chunk: 0.5 s leaves over a second of margin on both sides for encoder
// priming and for the small shifts a remux may add.
const windowSamples = verifyRate / 2

// minToneShare is how much of a window's energy the loudest candidate tone
// must carry. A clean tone carries ~0.5 on this scale; silence or noise far
// less.
const minToneShare = 0.1

// Verify decodes file with ffmpeg and checks that it holds exactly the n
// chunks of Generate, each once and in order: the tone in the middle of
// window i must be Freq(i), and the length must be Length(n) within one
// second. The PCM is streamed, so memory stays flat for long files.
func Verify(ctx context.Context, ffmpeg, file string, n int) error {
	if n <= 0 {
		return fmt.Errorf("testaudio: verify %s: n must be positive, got %d", file, n)
	}
	if ffmpeg == "" {
		ffmpeg = "ffmpeg"
	}
	cmd := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error",
		"-i", file, "-vn", "-ac", "1", "-ar", fmt.Sprint(verifyRate), "-f", "s16le", "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("testaudio: verify %s: %w", file, err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("testaudio: verify %s: start %s: %w", file, ffmpeg, err)
	}
	l := newListener(n)
	readErr := l.consume(bufio.NewReaderSize(out, 64<<10))
	waitErr := cmd.Wait()
	if readErr != nil {
		return fmt.Errorf("testaudio: verify %s: read decoded audio: %w", file, readErr)
	}
	if waitErr != nil {
		return fmt.Errorf("testaudio: verify %s: ffmpeg could not decode it: %w: %s", file, waitErr, bytes.TrimSpace(stderr.Bytes()))
	}
	return l.result(file)
}

// listener runs one bank of Goertzel filters (one per candidate tone) over
// the window of the current chunk as samples stream past.
type listener struct {
	n       int
	coeff   [Tones]float64
	s1, s2  [Tones]float64
	energy  float64
	chunk   int   // the window being listened to
	sample  int64 // samples seen so far
	wrong   []string
	decided int // windows fully heard
}

func newListener(n int) *listener {
	l := &listener{n: n}
	for j := range Tones {
		l.coeff[j] = 2 * math.Cos(2*math.Pi*Freq(j)/verifyRate)
	}
	return l
}

// window returns the sample range listened to in chunk i.
func window(i int) (start, end int64) {
	mid := (Start(i) + Seconds(i)/2) * verifyRate
	start = int64(mid) - windowSamples/2
	return start, start + windowSamples
}

func (l *listener) consume(r io.Reader) error {
	var buf [2]byte
	start, end := window(0)
	for {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil
			}
			return err
		}
		idx := l.sample
		l.sample++
		if l.chunk >= l.n || idx < start {
			continue
		}
		x := float64(int16(binary.LittleEndian.Uint16(buf[:]))) / 32768
		l.energy += x * x
		for j := range Tones {
			s := x + l.coeff[j]*l.s1[j] - l.s2[j]
			l.s2[j], l.s1[j] = l.s1[j], s
		}
		if idx == end-1 {
			l.decide()
			l.chunk++
			start, end = window(l.chunk)
		}
	}
}

// decide names the loudest candidate tone in the finished window and
// records a complaint when it is not the expected one.
func (l *listener) decide() {
	best, bestP := -1, 0.0
	for j := range Tones {
		p := l.s1[j]*l.s1[j] + l.s2[j]*l.s2[j] - l.coeff[j]*l.s1[j]*l.s2[j]
		if p > bestP {
			best, bestP = j, p
		}
		l.s1[j], l.s2[j] = 0, 0
	}
	share := 0.0
	if l.energy > 0 {
		share = bestP / (windowSamples * l.energy)
	}
	l.energy = 0
	l.decided++
	i := l.chunk
	switch {
	case share < minToneShare:
		l.wrong = append(l.wrong, fmt.Sprintf("chunk %d: no clear tone (silence or noise)", i))
	case best != i%Tones:
		l.wrong = append(l.wrong, fmt.Sprintf("chunk %d: heard tone of chunk %d", i, nearest(i, best)))
	}
}

// nearest returns the chunk index closest to i whose tone is tone j.
func nearest(i, j int) int {
	k := i - i%Tones + j
	if k-i > Tones/2 {
		k -= Tones
	} else if i-k > Tones/2 {
		k += Tones
	}
	return k
}

func (l *listener) result(file string) error {
	if len(l.wrong) > 0 {
		more := ""
		if len(l.wrong) > 1 {
			more = fmt.Sprintf(" (and %d more wrong windows)", len(l.wrong)-1)
		}
		return fmt.Errorf("testaudio: verify %s: %s%s", file, l.wrong[0], more)
	}
	got := float64(l.sample) / verifyRate
	want := Length(l.n)
	if math.Abs(got-want) > 1 || l.decided < l.n {
		return fmt.Errorf("testaudio: verify %s: expected %d chunks (%.1f s), file holds %.1f s", file, l.n, want, got)
	}
	return nil
}
