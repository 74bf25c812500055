package testaudio

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func ffmpegPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg is not installed: run make setup (apt-get install ffmpeg)")
	}
	return p
}

const testChunks = 20

func generate(t *testing.T) (string, [][]byte) {
	t.Helper()
	chunks, err := Generate(testChunks)
	if err != nil {
		t.Fatal(err)
	}
	return ffmpegPath(t), chunks
}

func writeChunks(t *testing.T, name string, chunks [][]byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, bytes.Join(chunks, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGenerateShape(t *testing.T) {
	_, chunks := generate(t)
	sizes := map[int]bool{}
	if len(chunks) != testChunks {
		t.Fatalf("got %d chunks, want %d", len(chunks), testChunks)
	}
	for i, c := range chunks {
		frames := 0
		for pos := 0; pos < len(c); frames++ {
			n, err := adtsFrameLen(c[pos:])
			if err != nil {
				t.Fatalf("chunk %d: %v", i, err)
			}
			// AAC-LC (profile 1), 48 kHz (index 3), stereo (config 2).
			if h := c[pos:]; h[2]>>6 != 1 || (h[2]>>2)&0xF != 3 || (h[2]&1)<<2|h[3]>>6 != 2 {
				t.Fatalf("chunk %d frame %d: not AAC-LC 48 kHz stereo: % x", i, frames, h[:4])
			}
			pos += n
		}
		if frames != Frames(i) {
			t.Fatalf("chunk %d has %d frames, want %d", i, frames, Frames(i))
		}
		sizes[frames] = true
	}
	// Like X's chunks, and never agreeing with a rounded EXTINF by chance.
	if len(sizes) != 3 || !sizes[140] || !sizes[141] || !sizes[142] {
		t.Errorf("chunks hold %v frames, want 140, 141 and 142", sizes)
	}
	if ChunkDuration != 3.008 {
		t.Errorf("ChunkDuration = %v", ChunkDuration)
	}
	sum := 0.0
	for i := range 200 {
		if math.Abs(Start(i)-sum) > 1e-9 {
			t.Fatalf("Start(%d) = %v, want %v", i, Start(i), sum)
		}
		sum += Seconds(i)
	}
	if more, _ := Generate(Tones + 1); len(more[Tones]) != len(chunks[0]) {
		t.Error("chunk Tones is not chunk 0 again")
	}
}

func TestFreqDistinct(t *testing.T) {
	seen := map[float64]int{}
	for i := range Tones {
		f := Freq(i)
		if j, ok := seen[f]; ok {
			t.Fatalf("Freq(%d) == Freq(%d)", i, j)
		}
		if f >= verifyRate/2 {
			t.Fatalf("Freq(%d) = %v is above the Nyquist rate of Verify", i, f)
		}
		seen[f] = i
	}
	if Freq(Tones+3) != Freq(3) {
		t.Error("Freq does not cycle")
	}
}

func TestVerifyAcceptsCompleteStream(t *testing.T) {
	ff, chunks := generate(t)
	raw := writeChunks(t, "all.aac", chunks)
	ctx := context.Background()
	if err := Verify(ctx, ff, raw, testChunks); err != nil {
		t.Fatalf("raw ADTS: %v", err)
	}
	// The engine's way to merge (X-FACTS §6): remux the ADTS into M4A.
	m4a := filepath.Join(t.TempDir(), "all.m4a")
	if out, err := exec.Command(ff, "-hide_banner", "-loglevel", "error", "-i", raw, "-c", "copy", m4a).CombinedOutput(); err != nil {
		t.Fatalf("remux: %v: %s", err, out)
	}
	if err := Verify(ctx, ff, m4a, testChunks); err != nil {
		t.Fatalf("m4a: %v", err)
	}
}

// TestEveryToneIsHeard: all Tones chunks, and the cycle starting again,
// are heard in the embedded audio (a low bit rate must not cut the highest).
func TestEveryToneIsHeard(t *testing.T) {
	ff := ffmpegPath(t)
	chunks, err := Generate(Tones + 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(context.Background(), ff, writeChunks(t, "all.aac", chunks), Tones+2); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyRejectsDamage(t *testing.T) {
	ff, chunks := generate(t)
	dropped := append(append([][]byte{}, chunks[:7]...), chunks[8:]...)
	swapped := append([][]byte{}, chunks...)
	swapped[3], swapped[4] = swapped[4], swapped[3]
	short := chunks[:testChunks-1]
	cases := []struct {
		name   string
		chunks [][]byte
		want   string
	}{
		{"dropped", dropped, "chunk 7: heard tone of chunk 8"},
		{"swapped", swapped, "chunk 3: heard tone of chunk 4"},
		{"truncated", short, fmt.Sprintf("expected 20 chunks (%.1f s), file holds %.1f s", Length(testChunks), Length(testChunks-1))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Verify(context.Background(), ff, writeChunks(t, c.name+".aac", c.chunks), testChunks)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Verify = %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func TestVerifyRejectsGarbage(t *testing.T) {
	ff := ffmpegPath(t)
	p := filepath.Join(t.TempDir(), "x.aac")
	if err := os.WriteFile(p, []byte("not audio at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Verify(context.Background(), ff, p, 3); err == nil {
		t.Fatal("Verify accepted a file that is not audio")
	}
}
