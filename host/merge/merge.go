package merge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/spacekeep/spacekeep/host/adts"
	"github.com/spacekeep/spacekeep/protocol"
)

// Options control Merge.
type Options struct {
	Format  string // FormatM4A (default) or FormatMP3
	FFmpeg  string // ffmpeg for mp3; FindFFmpeg("") when empty. m4a needs none.
	FFprobe string // ffprobe to check an mp3; FFprobeFor(ffmpeg) when empty
	Tags    Tags
	// CoverPath is the cover art: a JPEG or PNG (an mp3 also takes others,
	// converted by ffmpeg; an m4a leaves them out), or "".
	CoverPath string
	// Chapters, if set, is called once, when the file is finalized after
	// the last chunk (a speaker timeline is only complete then), and its
	// chapters go into the file: the m4a's chapter lists, the mp3's ID3
	// CHAP frames.
	Chapters func() []Chapter
	// ExpectedDuration is the sum of the playlist's EXTINF, in seconds:
	// audio short of it by more than one chunk's worth is reported in
	// Result.Missing (the file is written all the same). 0 means the sum
	// of the EXTINF given by Source.
	ExpectedDuration float64
	// Progress, if set, is called after each chunk with the bytes of chunk
	// files read so far and in all.
	Progress func(done, total int64)
	// Ready, if set, is called before chunk i is read and blocks until it is
	// on disk: the merge then runs while the chunks are still arriving, so
	// that the file is ready moments after the last chunk. An error from
	// Ready (the download failed) stops the merge and is returned as is.
	Ready func(ctx context.Context, i int) error
	// Source, if set, takes the place of the chunks list for a list that
	// grows while the merge runs (a live recording): it blocks until chunk
	// i is on disk and returns its path and its playlist duration (EXTINF),
	// or io.EOF when the list ended before i. A chunk short of its EXTINF
	// is noted in Result.Short. Another error stops the merge and is
	// returned as is.
	Source func(ctx context.Context, i int) (path string, extinf float64, err error)
	// TotalBytes is the chunks' size for Progress when Ready is set (the
	// files are not all there to be measured); 0 if unknown.
	TotalBytes int64
	// Stall is how long ffmpeg (mp3) may write nothing while it has audio
	// to encode before it is killed as hung; 0 means DefaultStall.
	Stall time.Duration
}

// Chapter is a named point of the audio, for Options.Chapters.
type Chapter struct {
	Start float64 // seconds from the start of the file
	Title string
}

// Result describes the file Merge wrote.
type Result struct {
	Duration float64 // seconds of audio fed, exact to the AAC frame (an mp3's encoder padding not counted)
	Size     int64   // bytes
	// Short lists the chunks that hold less audio than their EXTINF
	// beyond rounding, merged as served.
	Short []ShortChunk
	// Missing is how much audio the file lacks against the playlist's
	// total, in seconds, when that is more than one chunk's worth: a gap.
	Missing float64
}

// stderrTail bounds how much of ffmpeg's stderr we keep for error messages.
const stderrTail = 4096

// waitDelay bounds how long Wait waits for ffmpeg's pipes after a kill.
const waitDelay = 5 * time.Second

// Merge cleans each chunk file (junk and ID3 tags removed, see package adts)
// and writes their audio, in the given order, to out: a temporary path that
// the caller renames once Merge succeeds. An m4a is written in Go (package
// mp4), an mp3 by ffmpeg. Merge never holds more than one chunk in memory.
// On failure out is removed.
func Merge(ctx context.Context, chunks []string, out string, opt Options) (res Result, err error) {
	format, err := checkFormat(opt.Format)
	if err != nil {
		return res, err
	}
	if len(chunks) == 0 && opt.Source == nil {
		return res, protocol.Errorf(protocol.CodeBadPlaylist, "no chunks to merge")
	}
	total := opt.TotalBytes
	if opt.Ready == nil && opt.Source == nil {
		for _, c := range chunks {
			fi, err := os.Stat(c)
			if err != nil {
				return res, diskError("chunk", err)
			}
			total += fi.Size()
		}
	}
	defer func() {
		if err != nil {
			os.Remove(out) // never leave a half-written file behind
		}
	}()
	src := opt.Source
	if src == nil {
		src = listSource(chunks, opt.Ready)
	}
	if format == FormatM4A {
		return mergeM4A(ctx, src, out, opt, total)
	}
	return mergeMP3(ctx, src, out, opt, total)
}

// mergeMP3 encodes the audio with ffmpeg into a file beside out, then
// writes out: the ID3 tag (tags, cover, chapters; see id3.go) and that
// audio; and checks it with ffprobe.
func mergeMP3(ctx context.Context, src source, out string, opt Options, total int64) (res Result, err error) {
	ffmpeg, err := FindFFmpeg(opt.FFmpeg)
	if err != nil {
		return res, err
	}
	ffprobe := opt.FFprobe
	if ffprobe == "" {
		if ffprobe, err = FFprobeFor(ffmpeg); err != nil {
			return res, err
		}
	}
	var cover []byte
	if opt.CoverPath != "" {
		if cover, err = coverJPEG(ctx, ffmpeg, opt.CoverPath); err != nil {
			return res, err
		}
	}
	stall := opt.Stall
	if stall <= 0 {
		stall = DefaultStall
	}
	audio := out + ".mpa"
	defer os.Remove(audio)
	var list chunkList
	fed, err := runFFmpeg(ctx, ffmpeg, buildArgs(audio), src, total, opt.Progress, &list, stall, audio)
	if err != nil {
		return res, err
	}
	var chapters []Chapter
	if opt.Chapters != nil {
		chapters = opt.Chapters()
	}
	if err := tagMP3(out, audio, mp3Tag(opt.Tags, cover, chapters, fed)); err != nil {
		return res, err
	}
	res, err = verify(ctx, ffprobe, out, fed)
	// The audio fed, exact to the AAC frame: what ffprobe reads of an mp3
	// counts the encoder's padding.
	res.Duration = fed
	list.result(&res, opt.ExpectedDuration)
	return res, err
}

// tagMP3 writes out: tag, then the encoded audio.
func tagMP3(out, audio string, tag []byte) error {
	if err := checkTagSize(tag); err != nil {
		return protocol.NewError(protocol.CodeInternal, err)
	}
	in, err := os.Open(audio)
	if err != nil {
		return protocol.Errorf(protocol.CodeFFmpegFailed, "ffmpeg exited without writing the mp3: %w", err)
	}
	defer in.Close()
	f, err := os.Create(out)
	if err != nil {
		return diskError("create the mp3", err)
	}
	defer f.Close()
	if _, err := f.Write(tag); err != nil {
		return diskError("write the mp3's tag", err)
	}
	if _, err := io.Copy(f, in); err != nil {
		return diskError("write the mp3", err)
	}
	if err := f.Close(); err != nil {
		return diskError("write the mp3", err)
	}
	return nil
}

// coverJPEG returns the cover as JPEG or PNG bytes, converting anything
// else (a WebP avatar) to JPEG with ffmpeg.
func coverJPEG(ctx context.Context, ffmpeg, path string) ([]byte, error) {
	codec, err := coverCodec(path)
	if err != nil {
		return nil, err
	}
	if codec == "copy" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, protocol.Errorf(protocol.CodeDisk, "read cover art: %w", err)
		}
		return b, nil
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-loglevel", "error", "-i", path, "-frames:v", "1",
		"-c:v", "mjpeg", "-f", "mjpeg", "pipe:1")
	stderr := newTail(stderrTail)
	cmd.Stderr = stderr
	b, err := cmd.Output()
	if err != nil || len(b) == 0 {
		return nil, protocol.Errorf(protocol.CodeFFmpegFailed, "convert the cover art %s to JPEG: %s: %w", path, stderr.lastLine(), err)
	}
	return b, nil
}

// listSource serves a fixed list of chunk files, waiting on ready if set.
func listSource(chunks []string, ready func(context.Context, int) error) func(context.Context, int) (string, float64, error) {
	return func(ctx context.Context, i int) (string, float64, error) {
		if i >= len(chunks) {
			return "", 0, io.EOF
		}
		if ready != nil {
			if err := ready(ctx, i); err != nil {
				return "", 0, err
			}
		}
		return chunks[i], 0, nil
	}
}

// source gives the path of chunk i once it is on disk, or io.EOF after the last.
type source = func(ctx context.Context, i int) (path string, extinf float64, err error)

// feed cleans every chunk, notes it against its EXTINF and hands its ADTS
// audio to sink, reusing one buffer. It returns the seconds of audio fed.
func feed(ctx context.Context, sink func(audio []byte) error, src source, total int64, progress func(done, total int64), list *chunkList) (float64, error) {
	var (
		buf  []byte
		done int64
	)
	for i := 0; ; i++ {
		if err := ctx.Err(); err != nil {
			return list.fed, err
		}
		path, extinf, err := src(ctx, i)
		if errors.Is(err, io.EOF) {
			if i == 0 {
				return list.fed, protocol.Errorf(protocol.CodeBadPlaylist, "no chunks to merge")
			}
			return list.fed, nil
		}
		if err != nil {
			return list.fed, err
		}
		if buf, err = readInto(buf, path); err != nil {
			return list.fed, diskError(fmt.Sprintf("chunk %d", i), err)
		}
		audio, err := adts.Clean(buf)
		if err != nil {
			return list.fed, protocol.Errorf(protocol.CodeOf(err), "chunk %d (%s): %w", i, path, err)
		}
		list.add(i, adts.Inspect(audio), extinf)
		if err := sink(audio); err != nil {
			return list.fed, err
		}
		done += int64(len(buf))
		if progress != nil {
			progress(done, total)
		}
	}
}

// readInto reads the file at path into buf, growing it only when needed.
func readInto(buf []byte, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return buf, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return buf, err
	}
	n := int(fi.Size())
	if cap(buf) < n {
		buf = make([]byte, n, n+n/4)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(f, buf); err != nil {
		return buf, fmt.Errorf("read %s: %w", path, err)
	}
	return buf, nil
}

// verify checks an mp3 with ffprobe: not empty, and as long as the audio
// fed (an encoder's padding aside). Old ffmpeg builds exit 0 after writing 2 KB.
func verify(ctx context.Context, ffprobe, out string, fed float64) (Result, error) {
	var res Result
	fi, err := os.Stat(out)
	if err != nil {
		return res, protocol.Errorf(protocol.CodeFFmpegFailed, "ffmpeg exited without writing %s: %w", out, err)
	}
	if res.Size = fi.Size(); res.Size == 0 {
		return res, protocol.Errorf(protocol.CodeFFmpegFailed, "ffmpeg wrote an empty file")
	}
	info, err := Probe(ctx, ffprobe, out)
	if err != nil {
		return res, err
	}
	res.Duration = info.Duration
	if math.Abs(info.Duration-fed) > 0.5 {
		return res, protocol.Errorf(protocol.CodeFFmpegFailed, "ffmpeg wrote %.1f s of audio but was given %.1f s", info.Duration, fed)
	}
	return res, nil
}

// ffmpegError turns a failed run into ffmpeg_failed with ffmpeg's last line,
// or disk when that line says the disk is full.
func ffmpegError(stderr *tailBuffer, cause error) error {
	line := stderr.lastLine()
	low := strings.ToLower(stderr.String())
	if strings.Contains(low, "no space left on device") || strings.Contains(low, "disk quota exceeded") {
		return protocol.Errorf(protocol.CodeDisk, "ffmpeg could not write the file: %s: %w", line, cause)
	}
	if line == "" {
		return protocol.Errorf(protocol.CodeFFmpegFailed, "ffmpeg failed: %w", cause)
	}
	return protocol.Errorf(protocol.CodeFFmpegFailed, "ffmpeg failed: %s: %w", line, cause)
}

// diskError codes a file error: disk for a full disk or an unreadable file.
func diskError(what string, err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return protocol.Errorf(protocol.CodeDisk, "%s: disk full: %w", what, err)
	}
	return protocol.Errorf(protocol.CodeDisk, "%s: %w", what, err)
}

// hasCode reports whether err carries a protocol code.
func hasCode(err error) bool {
	var pe *protocol.Error
	return errors.As(err, &pe)
}
