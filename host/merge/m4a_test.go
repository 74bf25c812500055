package merge

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/adts"
	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

// testaudioChunks writes n chunks of self-verifying audio and returns their paths.
func testaudioChunks(t *testing.T, n int) []string {
	t.Helper()
	chunks, err := testaudio.Generate(n)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var paths []string
	for i, c := range chunks {
		p := filepath.Join(dir, fmt.Sprintf("chunk_%d.aac", i))
		// An ID3 tag in front, as on X.
		if err := os.WriteFile(p, append(id3Tag(63), c...), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

type probed struct {
	Format struct {
		Duration string            `json:"duration"`
		Tags     map[string]string `json:"tags"`
	} `json:"format"`
	Streams []struct {
		CodecName   string         `json:"codec_name"`
		Disposition map[string]int `json:"disposition"`
	} `json:"streams"`
}

func probeJSONOf(t *testing.T, file string) probed {
	t.Helper()
	out, err := exec.Command(ffprobe(t), "-v", "error", "-print_format", "json", "-show_format", "-show_streams", file).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", file, err)
	}
	var p probed
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func decodePCM(t *testing.T, file string) []byte {
	t.Helper()
	ff, _ := FindFFmpeg("")
	b, err := exec.Command(ff, "-v", "error", "-i", file, "-map", "0:a", "-f", "s16le", "pipe:1").Output()
	if err != nil {
		t.Fatalf("decode %s: %v", file, err)
	}
	return b
}

// TestM4AMatchesFFmpegRemux holds the Go-written m4a against ffmpeg's own
// remux of the same cleaned audio: the same samples, the same duration.
func TestM4AMatchesFFmpegRemux(t *testing.T) {
	chunks := testaudioChunks(t, 12)
	dir := t.TempDir()
	png := filepath.Join(dir, "cover.png")
	ff, _ := FindFFmpeg("")
	if out, err := exec.Command(ff, "-v", "error", "-y", "-f", "lavfi", "-i", "color=blue:s=32x32", "-frames:v", "1", png).CombinedOutput(); err != nil {
		t.Fatalf("make cover: %v: %s", err, out)
	}
	out := filepath.Join(dir, "go.m4a")
	res, err := Merge(context.Background(), chunks, out, Options{Tags: tags, CoverPath: png,
		ExpectedDuration: 12 * math.Round(testaudio.ChunkDuration*1000) / 1000})
	if err != nil {
		t.Fatal(err)
	}

	// The reference: ffmpeg remuxes the same cleaned ADTS stream.
	var stream []byte
	for _, c := range chunks {
		b, _ := os.ReadFile(c)
		audio, err := adts.Clean(b)
		if err != nil {
			t.Fatal(err)
		}
		stream = append(stream, audio...)
	}
	adtsFile := filepath.Join(dir, "all.aac")
	os.WriteFile(adtsFile, stream, 0o644)
	ref := filepath.Join(dir, "ref.m4a")
	if b, err := exec.Command(ff, "-v", "error", "-y", "-f", "aac", "-i", adtsFile, "-c", "copy", "-f", "ipod", ref).CombinedOutput(); err != nil {
		t.Fatalf("reference remux: %v: %s", err, b)
	}
	got, want := decodePCM(t, out), decodePCM(t, ref)
	if len(got) == 0 || !bytes.Equal(got, want) {
		t.Fatalf("decoded PCM differs from ffmpeg's remux: %d bytes vs %d", len(got), len(want))
	}
	pg, pr := probeJSONOf(t, out), probeJSONOf(t, ref)
	if pg.Format.Duration != pr.Format.Duration {
		t.Errorf("ffprobe duration %s, ffmpeg's remux %s", pg.Format.Duration, pr.Format.Duration)
	}
	if want := fmt.Sprintf("%.6f", testaudio.Length(12)); pg.Format.Duration != want || math.Abs(res.Duration-testaudio.Length(12)) > 1e-9 {
		t.Errorf("duration %s (Result %.6f), want exactly %s", pg.Format.Duration, res.Duration, want)
	}
	var cover string
	for _, s := range pg.Streams {
		if s.Disposition["attached_pic"] == 1 {
			cover = s.CodecName
		}
	}
	if cover != "png" {
		t.Errorf("cover stream %q, want an attached_pic png", cover)
	}
	if err := testaudio.Verify(context.Background(), ff, out, 12); err != nil {
		t.Fatalf("every chunk once and in order: %v", err)
	}
}

// TestM4ANeedsNoFFmpeg merges an m4a with no ffmpeg to be found anywhere.
func TestM4ANeedsNoFFmpeg(t *testing.T) {
	fixtures(t)
	cover := fixtureCover(t)
	chunks := testaudioChunks(t, 3)
	out := filepath.Join(t.TempDir(), "out.m4a")
	t.Setenv("PATH", t.TempDir())
	if _, err := FindFFmpeg(""); err == nil {
		t.Fatal("ffmpeg still found")
	}
	res, err := Merge(context.Background(), chunks, out, Options{Tags: tags, CoverPath: cover})
	if err != nil {
		t.Fatalf("m4a without ffmpeg: %v", err)
	}
	if math.Abs(res.Duration-testaudio.Length(3)) > 1e-9 {
		t.Fatalf("duration %.6f", res.Duration)
	}
	// mp3 still needs it, and says so.
	_, err = Merge(context.Background(), chunks, out, Options{Format: FormatMP3})
	if protocol.CodeOf(err) != protocol.CodeFFmpegMissing || protocol.ExitCode(err) != 13 {
		t.Fatalf("mp3 without ffmpeg: %v", err)
	}
}

// fixtureCover makes the JPEG fixture before PATH loses ffmpeg.
func fixtureCover(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(fixture.cover)
	if fixture.cover == "" || err != nil {
		t.Fatalf("no fixture cover (%v): call fixtures first", err)
	}
	if !bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) {
		t.Fatal("the fixture cover is not a JPEG")
	}
	return fixture.cover
}

// TestMergeTakesEXTINFAsAHint: chunks of 140, 141 and 142 frames (2.987
// to 3.029 s) listed as 3.000, or as the integer 3, merge without a word,
// in both formats: EXTINF is a hint, and more audio than listed is never a
// loss. (The check this replaces wanted each chunk within one frame of its
// EXTINF and failed every such download with "audio is missing".)
func TestMergeTakesEXTINFAsAHint(t *testing.T) {
	chunks := testaudioChunks(t, 6)
	for _, format := range []string{FormatM4A, FormatMP3} {
		for _, listed := range []float64{3.000, 3} {
			out := filepath.Join(t.TempDir(), "out."+format)
			res, err := Merge(context.Background(), nil, out, Options{Format: format, Source: listing(chunks, listed)})
			if err != nil {
				t.Fatalf("%s, EXTINF %v: %v", format, listed, err)
			}
			if len(res.Short) != 0 || res.Missing != 0 {
				t.Fatalf("%s: short %v, missing %v; want none", format, res.Short, res.Missing)
			}
			// The file holds the frames, not the EXTINFs.
			if math.Abs(res.Duration-testaudio.Length(6)) > 0.05 {
				t.Fatalf("%s: %.3f s, want %.3f", format, res.Duration, testaudio.Length(6))
			}
		}
	}
}

// listing serves chunks as a Source, each listed as extinf seconds.
func listing(chunks []string, extinf float64) func(context.Context, int) (string, float64, error) {
	return func(ctx context.Context, i int) (string, float64, error) {
		if i >= len(chunks) {
			return "", 0, io.EOF
		}
		return chunks[i], extinf, nil
	}
}

// TestMergeNotesAChunkShortOfItsEXTINF: a chunk that lost 19 frames (0.4 s,
// more than rounding explains) is merged as served and named in
// Result.Short, for the job's warnings; the file is not refused.
func TestMergeNotesAChunkShortOfItsEXTINF(t *testing.T) {
	chunks := testaudioChunks(t, 4)
	b, _ := os.ReadFile(chunks[2])
	audio, err := adts.Clean(b)
	if err != nil {
		t.Fatal(err)
	}
	cut, frames := 0, 0
	for pos := 0; pos < len(audio); frames++ {
		h, _ := adts.ParseHeader(audio[pos:])
		if frames == testaudio.Frames(2)-19 {
			cut = pos
		}
		pos += h.Length
	}
	os.WriteFile(chunks[2], audio[:cut], 0o644)
	held := float64((testaudio.Frames(2)-19)*1024) / testaudio.SampleRate
	for _, format := range []string{FormatM4A, FormatMP3} {
		out := filepath.Join(t.TempDir(), "out."+format)
		res, err := Merge(context.Background(), nil, out, Options{Format: format, Source: listing(chunks, 3.000)})
		if err != nil {
			t.Fatalf("%s: a chunk short of 0.4 s: %v", format, err)
		}
		if len(res.Short) != 1 || res.Short[0].Index != 2 || math.Abs(res.Short[0].Held-held) > 1e-9 || res.Short[0].Listed != 3 ||
			math.Abs(res.Short[0].At-testaudio.Length(2)) > 1e-9 {
			t.Fatalf("%s: Short = %+v, want chunk 2 holding %.3f s of 3 at %.3f", format, res.Short, held, testaudio.Length(2))
		}
		if res.Missing != 0 {
			t.Fatalf("%s: 0.4 s short of 12 s is no gap, Missing = %v", format, res.Missing)
		}
	}
}

// TestMergeReportsAGapAgainstThePlaylistTotal: the file against the
// playlist's total is a gap only when short by more than one chunk's worth.
func TestMergeReportsAGapAgainstThePlaylistTotal(t *testing.T) {
	whole := testaudioChunks(t, 5)
	for _, c := range []struct {
		chunks   int
		expected float64
		missing  float64
	}{
		{5, 15, 0}, // 15.040 s against 15.000: more is fine
		{4, 15, 0}, // short by 2.97 s: less than a chunk, rounding
		{3, 15, 15 - testaudio.Length(3)},
	} {
		out := filepath.Join(t.TempDir(), "out.m4a")
		res, err := Merge(context.Background(), whole[:c.chunks], out, Options{ExpectedDuration: c.expected})
		if err != nil {
			t.Fatalf("%d chunks of %v s: %v", c.chunks, c.expected, err)
		}
		if math.Abs(res.Missing-c.missing) > 1e-9 {
			t.Fatalf("%d chunks against %v s: Missing = %v, want %v", c.chunks, c.expected, res.Missing, c.missing)
		}
		if _, err := os.Stat(out); err != nil {
			t.Fatalf("the file with a gap is kept: %v", err)
		}
	}
}

// TestMergeKillsAHungFFmpeg: an ffmpeg (mp3) that takes the audio and never
// writes is killed once it has written nothing for Stall, with ffmpeg_failed
// (exit 14) instead of "merging" forever.
func TestMergeKillsAHungFFmpeg(t *testing.T) {
	chunks := testaudioChunks(t, 4)
	dir := t.TempDir()
	hung := filepath.Join(dir, "ffmpeg")
	if err := os.WriteFile(hung, []byte("#!/bin/sh\nexec sleep 60\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	begin := time.Now()
	out := filepath.Join(dir, "out.part")
	_, err := Merge(ctx, chunks, out, Options{Format: FormatMP3, FFmpeg: hung, FFprobe: ffprobe(t), Stall: 500 * time.Millisecond})
	if protocol.CodeOf(err) != protocol.CodeFFmpegFailed || protocol.ExitCode(err) != 14 || !strings.Contains(err.Error(), "hung") {
		t.Fatalf("err = %v (code %s), want ffmpeg_failed saying it hung", err, protocol.CodeOf(err))
	}
	if d := time.Since(begin); d > 10*time.Second {
		t.Fatalf("Merge gave up after %v", d)
	}
	if pids := processesWith(hung); len(pids) > 0 {
		t.Fatalf("the hung ffmpeg still runs: %v", pids)
	}
}

// TestWatchdogWaitsWhileFFmpegWaitsForChunks: no output while no chunk is
// there to encode is no hang.
func TestWatchdogWaitsWhileFFmpegWaitsForChunks(t *testing.T) {
	chunks := testaudioChunks(t, 3)
	src := func(ctx context.Context, i int) (string, float64, error) {
		if i >= len(chunks) {
			return "", 0, io.EOF
		}
		time.Sleep(400 * time.Millisecond) // a slow download, longer than Stall
		return chunks[i], 0, nil
	}
	out := filepath.Join(t.TempDir(), "out.mp3")
	if _, err := Merge(context.Background(), nil, out, Options{Format: FormatMP3, Source: src, Stall: 300 * time.Millisecond}); err != nil {
		t.Fatalf("a slow download is not a hung ffmpeg: %v", err)
	}
}
