// Package merge turns a Space's chunks into one tagged audio file: an m4a
// written in Go (package mp4, no ffmpeg), or an mp3 encoded by ffmpeg, its
// ID3 tag written in Go (id3.go), checked with ffprobe. Either way the audio is checked against the
// playlist, chunk by chunk.
package merge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// FindFFmpeg returns the ffmpeg to use: explicit if given (the command line
// passes $SPACEKEEP_FFMPEG), else the first ffmpeg on PATH. The error has
// code ffmpeg_missing.
func FindFFmpeg(explicit string) (string, error) {
	if explicit != "" {
		if fi, err := os.Stat(explicit); err != nil || fi.IsDir() {
			return "", protocol.NewError(protocol.CodeFFmpegMissing, fmt.Errorf("no ffmpeg at %s", explicit))
		}
		return explicit, nil
	}
	p, err := exec.LookPath("ffmpeg")
	if err != nil {
		return "", protocol.NewError(protocol.CodeFFmpegMissing, errors.New("ffmpeg is not on PATH"))
	}
	return p, nil
}

// FFprobeFor returns the ffprobe that sits beside ffmpeg, or the one on PATH.
func FFprobeFor(ffmpeg string) (string, error) {
	name := "ffprobe"
	if strings.HasSuffix(strings.ToLower(ffmpeg), ".exe") {
		name = "ffprobe.exe"
	}
	beside := filepath.Join(filepath.Dir(ffmpeg), name)
	if fi, err := os.Stat(beside); err == nil && !fi.IsDir() {
		return beside, nil
	}
	p, err := exec.LookPath("ffprobe")
	if err != nil {
		return "", protocol.NewError(protocol.CodeFFmpegMissing, errors.New("ffprobe is not beside ffmpeg nor on PATH"))
	}
	return p, nil
}

// Version returns the first line of `ffmpeg -version`, e.g. "ffmpeg version 5.1.6-0+deb12u1".
func Version(ctx context.Context, ffmpeg string) (string, error) {
	out, err := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-version").Output()
	if err != nil {
		return "", fmt.Errorf("run %s -version: %w", ffmpeg, err)
	}
	line, _, _ := bytes.Cut(out, []byte("\n"))
	line, _, _ = bytes.Cut(line, []byte(" Copyright"))
	return strings.TrimSpace(string(line)), nil
}
