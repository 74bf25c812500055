//go:build ignore

// gen makes the fake's MPEG-TS chunks of a Space with video, once; they are
// committed, so neither the fake nor the tests need ffmpeg for them. Each
// chunk i is a small H.264 picture (a moving test pattern) with the AAC
// frames of testaudio chunk i copied in (no re-encode), and timestamps that
// go on from the chunk before, as a live encoder's segments do. Run from
// the repository root:
//
//	go run ./host/fakex/testdata/video/gen.go
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/spacekeep/spacekeep/host/testaudio"
)

const chunks = 4

func main() {
	dir := "host/fakex/testdata/video"
	audio, err := testaudio.Generate(chunks)
	if err != nil {
		fail(err)
	}
	tmp, err := os.MkdirTemp("", "gen-ts-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)
	for i, a := range audio {
		aac := filepath.Join(tmp, fmt.Sprintf("%d.aac", i))
		if err := os.WriteFile(aac, a, 0o644); err != nil {
			fail(err)
		}
		offset := fmt.Sprintf("%.6f", testaudio.Start(i))
		out := filepath.Join(dir, fmt.Sprintf("chunk_%d.ts", i))
		cmd := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
			"-f", "lavfi", "-i", "testsrc=size=160x90:rate=10",
			"-i", aac,
			"-map", "0:v", "-map", "1:a", "-t", fmt.Sprintf("%.6f", testaudio.Seconds(i)),
			"-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "10", "-pix_fmt", "yuv420p", "-b:v", "40k",
			"-c:a", "copy", "-output_ts_offset", offset, "-muxdelay", "0", "-f", "mpegts", out)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			fail(fmt.Errorf("chunk %d: %w", i, err))
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
