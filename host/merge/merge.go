package merge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	Format    string // FormatM4A (default) or FormatMP3
	FFmpeg    string // ffmpeg to run; FindFFmpeg("") when empty
	FFprobe   string // ffprobe to check the result; FFprobeFor(ffmpeg) when empty
	Tags      Tags
	CoverPath string // a JPEG or PNG (others are converted), or ""
	// ExpectedDuration is the sum of the playlist's EXTINF, in seconds; the
	// output must match it within max(1 s, 0.1%). 0 skips this check (the
	// output is still checked against the audio actually fed to ffmpeg).
	ExpectedDuration float64
	// Progress, if set, is called after each chunk with the bytes of chunk
	// files read so far and in all.
	Progress func(done, total int64)
	// Ready, if set, is called before chunk i is read and blocks until it is
	// on disk: the merge then runs while the chunks are still arriving, so
	// that the file is ready moments after the last chunk. An error from
	// Ready (the download failed) stops ffmpeg and is returned as is.
	Ready func(ctx context.Context, i int) error
	// Source, if set, takes the place of the chunks list for a list that
	// grows while the merge runs (a live recording): it blocks until chunk
	// i is on disk and returns its path and its playlist duration (EXTINF),
	// or io.EOF when the list ended before i. ExpectedDuration, when 0, is
	// then the sum of the durations returned. Another error stops ffmpeg
	// and is returned as is.
	Source func(ctx context.Context, i int) (path string, extinf float64, err error)
	// TotalBytes is the chunks' size for Progress when Ready is set (the
	// files are not all there to be measured); 0 if unknown.
	TotalBytes int64
}

// Result describes the file Merge wrote.
type Result struct {
	Duration float64 // seconds, as ffprobe reads it
	Size     int64   // bytes
}

// stderrTail bounds how much of ffmpeg's stderr we keep for error messages.
const stderrTail = 4096

// waitDelay bounds how long Wait waits for ffmpeg's pipes after a kill.
const waitDelay = 5 * time.Second

// Merge cleans each chunk file (junk and ID3 tags removed, see package adts)
// and streams the ADTS audio, in the given order, into one ffmpeg that writes
// out: a temporary path that the caller renames once Merge succeeds. Merge
// never holds more than one chunk in memory. On failure out is removed.
func Merge(ctx context.Context, chunks []string, out string, opt Options) (res Result, err error) {
	format, err := checkFormat(opt.Format)
	if err != nil {
		return res, err
	}
	if len(chunks) == 0 && opt.Source == nil {
		return res, protocol.Errorf(protocol.CodeBadPlaylist, "no chunks to merge")
	}
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
	cover := ""
	if opt.CoverPath != "" {
		if cover, err = coverCodec(opt.CoverPath); err != nil {
			return res, err
		}
	}
	// An m4a's JPEG or PNG cover goes in after ffmpeg, by addCover: as
	// ffmpeg's second input it costs a third more time.
	coverAfter := format == FormatM4A && cover == "copy"
	if coverAfter {
		cover = ""
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
	var listed float64
	counted := func(ctx context.Context, i int) (string, float64, error) {
		p, d, err := src(ctx, i)
		if err == nil {
			listed += d
		}
		return p, d, err
	}
	fed, err := runFFmpeg(ctx, ffmpeg, buildArgs(opt, format, out, cover), counted, total, opt.Progress)
	if err != nil {
		return res, err
	}
	if coverAfter {
		if err = addCover(out, opt.CoverPath); err != nil {
			return res, protocol.Errorf(protocol.CodeFFmpegFailed, "add the cover art: %w", err)
		}
	}
	expected := opt.ExpectedDuration
	if expected == 0 && opt.Source != nil {
		expected = listed
	}
	return verify(ctx, ffprobe, out, fed, expected)
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

// runFFmpeg starts ffmpeg, feeds it the cleaned chunks and waits for it.
// It returns the seconds of audio fed.
func runFFmpeg(ctx context.Context, ffmpeg string, args []string, src source, total int64, progress func(done, total int64)) (float64, error) {
	cmd := exec.CommandContext(ctx, ffmpeg, args...)
	// Our stdout carries native-messaging frames: ffmpeg must never write
	// there. A nil Stdout is /dev/null (NUL on Windows).
	cmd.Stdout = nil
	stderr := newTail(stderrTail)
	cmd.Stderr = stderr
	cmd.WaitDelay = waitDelay
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 0, protocol.Errorf(protocol.CodeInternal, "ffmpeg stdin: %w", err)
	}
	if err := cmd.Start(); err != nil {
		code := protocol.CodeFFmpegFailed
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrPermission) {
			code = protocol.CodeFFmpegMissing
		}
		return 0, protocol.Errorf(code, "start %s: %w", ffmpeg, err)
	}

	fed, feedErr := feed(ctx, stdin, src, total, progress)
	stdin.Close() // EOF tells ffmpeg to finish the file
	if feedErr != nil {
		// Do not wait for ffmpeg to finish a file we are going to discard.
		cmd.Process.Kill()
	}
	waitErr := cmd.Wait()

	switch {
	case ctx.Err() != nil:
		return 0, protocol.NewError(protocol.CodeCancelled, ctx.Err())
	case feedErr != nil && hasCode(feedErr):
		return 0, feedErr // a chunk we could not read or clean
	case waitErr != nil || feedErr != nil:
		return 0, ffmpegError(stderr, errors.Join(waitErr, feedErr))
	}
	return fed, nil
}

// source gives the path of chunk i once it is on disk, or io.EOF after the last.
type source = func(ctx context.Context, i int) (path string, extinf float64, err error)

// feed writes the ADTS audio of every chunk to w, reusing one buffer.
func feed(ctx context.Context, w io.Writer, src source, total int64, progress func(done, total int64)) (float64, error) {
	var (
		buf  []byte
		done int64
		fed  float64
	)
	for i := 0; ; i++ {
		if err := ctx.Err(); err != nil {
			return fed, err
		}
		path, _, err := src(ctx, i)
		if errors.Is(err, io.EOF) {
			if i == 0 {
				return fed, protocol.Errorf(protocol.CodeBadPlaylist, "no chunks to merge")
			}
			return fed, nil
		}
		if err != nil {
			return fed, err
		}
		if buf, err = readInto(buf, path); err != nil {
			return fed, diskError(fmt.Sprintf("chunk %d", i), err)
		}
		audio, err := adts.Clean(buf)
		if err != nil {
			return fed, protocol.Errorf(protocol.CodeOf(err), "chunk %d (%s): %w", i, path, err)
		}
		fed += adts.Duration(audio)
		if _, err := w.Write(audio); err != nil {
			// ffmpeg has exited: its stderr, not the pipe, will say why.
			return fed, fmt.Errorf("write chunk %d to ffmpeg: %w", i, err)
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

// verify checks the output with ffprobe: not empty, and as long as the audio
// fed and the playlist say. Old ffmpeg builds exit 0 after writing 2 KB.
func verify(ctx context.Context, ffprobe, out string, fed, expected float64) (Result, error) {
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
	if !near(info.Duration, fed) {
		return res, protocol.Errorf(protocol.CodeFFmpegFailed, "ffmpeg wrote %.1f s of audio but was given %.1f s", info.Duration, fed)
	}
	if expected > 0 && !near(info.Duration, expected) {
		return res, protocol.Errorf(protocol.CodeFFmpegFailed, "the file holds %.1f s of audio but the playlist lists %.1f s: chunks are missing", info.Duration, expected)
	}
	return res, nil
}

// near reports whether got is within max(1 s, 0.1%) of want.
func near(got, want float64) bool {
	return math.Abs(got-want) <= math.Max(1, want*0.001)
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
