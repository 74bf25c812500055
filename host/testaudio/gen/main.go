// Command gen encodes the test audio that package testaudio embeds
// (chunks.adts): Tones chunks of 140 to 142 AAC frames, chunk i a tone of
// testaudio.Freq(i). It needs ffmpeg and runs once, by hand (go generate
// in host/testaudio), when the audio's shape changes; nothing else in the
// project, the demo and the fake x.com among them, runs ffmpeg to make audio.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/spacekeep/spacekeep/host/testaudio"
)

func main() {
	ffmpeg := flag.String("ffmpeg", "ffmpeg", "the ffmpeg to encode with")
	out := flag.String("o", "chunks.adts", "the file to write")
	bitrate := flag.String("b", "16k", "the AAC bit rate (the encoder's floor is about 25 kbit/s): low, so that the file embedded stays small")
	flag.Parse()
	if err := run(*ffmpeg, *out, *bitrate); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(ffmpeg, out, bitrate string) error {
	stream, err := encode(ffmpeg, bitrate)
	if err != nil {
		return err
	}
	// Keep exactly the frames of Tones chunks: the split checks it.
	frames := 0
	for i := range testaudio.Tones {
		frames += testaudio.Frames(i)
	}
	end, err := testaudio.FrameEnd(stream, frames)
	if err != nil {
		return fmt.Errorf("ffmpeg's output: %w", err)
	}
	if err := os.WriteFile(out, stream[:end], 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	fmt.Fprintf(os.Stderr, "gen: %s: %d chunks, %d frames, %d bytes\n", out, testaudio.Tones, frames, end)
	return nil
}

// encode runs ffmpeg once for the whole stream, so the chunks join without
// gaps. The tone follows the chunk of each 1024-sample frame, by
// testaudio.Frames, so it steps exactly on a frame boundary.
func encode(ffmpeg, bitrate string) ([]byte, error) {
	// Chunk of frame f, for the pattern of frame counts that repeats.
	pattern := testaudio.FramePattern()
	period := 0
	for _, n := range pattern {
		period += n
	}
	var chunk strings.Builder
	fmt.Fprintf(&chunk, "%d*floor(floor(n/1024)/%d)", len(pattern), period)
	sum := 0
	for _, n := range pattern[:len(pattern)-1] {
		sum += n
		fmt.Fprintf(&chunk, "+gte(mod(floor(n/1024)\\,%d)\\,%d)", period, sum)
	}
	expr := fmt.Sprintf("0.5*sin(2*PI*(300+45*mod(%s\\,%d))*t)", chunk.String(), testaudio.Tones)
	samples := 0
	for i := range testaudio.Tones {
		samples += testaudio.Frames(i)
	}
	// One frame more than needed: the encoder's priming and flush frames
	// must not leave the last chunk short.
	samples = (samples + 1) * 1024
	rate := strconv.Itoa(testaudio.SampleRate)
	// At this rate the encoder's own low-pass would cut the highest tone
	// (3135 Hz): set one above it.
	cmd := exec.Command(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error",
		"-f", "lavfi", "-i", fmt.Sprintf("aevalsrc=%s|%s:s=%s:c=stereo:d=%f", expr, expr, rate, float64(samples)/testaudio.SampleRate),
		"-c:a", "aac", "-b:a", bitrate, "-cutoff", "3300", "-ar", rate, "-ac", "2", "-f", "adts", "-")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("run %s: %w: %s", ffmpeg, err, bytes.TrimSpace(stderr.Bytes()))
	}
	return stdout.Bytes(), nil
}
