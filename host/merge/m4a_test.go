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
	ff, err := FindFFmpeg("")
	if err != nil {
		t.Fatal(err)
	}
	chunks, err := testaudio.Generate(context.Background(), ff, n)
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
	if want := fmt.Sprintf("%.6f", 12*testaudio.ChunkDuration); pg.Format.Duration != want || math.Abs(res.Duration-12*testaudio.ChunkDuration) > 1e-9 {
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
	if math.Abs(res.Duration-3*testaudio.ChunkDuration) > 1e-9 {
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

// TestMergeChecksEachChunkAgainstItsEXTINF: a chunk that lost 0.4 s of its
// audio was within the old max(1 s, 0.1%) tolerance; now each chunk must
// hold its EXTINF within one AAC frame.
func TestMergeChecksEachChunkAgainstItsEXTINF(t *testing.T) {
	chunks := testaudioChunks(t, 4)
	b, _ := os.ReadFile(chunks[2])
	audio, err := adts.Clean(b)
	if err != nil {
		t.Fatal(err)
	}
	// Drop the last 19 frames (0.405 s).
	cut, frames := 0, 0
	for pos := 0; pos < len(audio); frames++ {
		h, _ := adts.ParseHeader(audio[pos:])
		if frames == testaudio.FramesPerChunk-19 {
			cut = pos
		}
		pos += h.Length
	}
	os.WriteFile(chunks[2], audio[:cut], 0o644)
	listed := math.Round(testaudio.ChunkDuration*1000) / 1000
	src := func(ctx context.Context, i int) (string, float64, error) {
		if i >= len(chunks) {
			return "", 0, io.EOF
		}
		return chunks[i], listed, nil
	}
	for _, format := range []string{FormatM4A, FormatMP3} {
		out := filepath.Join(t.TempDir(), "out.part")
		_, err := Merge(context.Background(), nil, out, Options{Format: format, Source: src})
		if protocol.CodeOf(err) != protocol.CodeBadPlaylist || !strings.Contains(err.Error(), "chunk 2") {
			t.Errorf("%s: a chunk short of 0.4 s: err = %v, want bad_playlist naming chunk 2", format, err)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: output left behind", format)
		}
	}
	// The whole chunk list with the playlist's total: no complaint.
	whole := testaudioChunks(t, 4)
	if _, err := Merge(context.Background(), whole, filepath.Join(t.TempDir(), "ok.m4a"), Options{ExpectedDuration: 4 * listed}); err != nil {
		t.Fatalf("complete list: %v", err)
	}
	// One chunk (3 s) missing from 4 fails the total even without EXTINFs.
	if _, err := Merge(context.Background(), whole[:3], filepath.Join(t.TempDir(), "short.m4a"), Options{ExpectedDuration: 4 * listed}); protocol.CodeOf(err) != protocol.CodeBadPlaylist {
		t.Fatalf("a chunk missing: err = %v", err)
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
