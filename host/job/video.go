package job

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/host/hls"
	"github.com/spacekeep/spacekeep/host/merge"
	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/host/tsaudio"
	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// FormatMP4 is the file a Space with video becomes when its picture is
// kept (--video): H.264 and AAC copied from the chunks, no re-encode.
const FormatMP4 = "mp4"

// Paths a Space with video takes, as the record says (record.Stream).
const (
	pathAudioVariant = "audio-only variant"
	pathAACFromTS    = "aac from mpeg-ts"
	pathVideo        = "video"
)

// chunkPlan is how a stream's chunks are kept and merged.
type chunkPlan struct {
	// store turns a chunk as served into what the cache keeps (nil: ADTS as served).
	store func([]byte) ([]byte, error)
	// dir is the cache's chunk folder: apart per plan, so a later run of
	// another plan never reads ADTS where it wants MPEG-TS.
	dir     string
	picture bool // the chunks are MPEG-TS kept whole, for an mp4
	stream  *record.Stream
	// hydra, for a picture kept, are the audio-only variant's chunks: their
	// Hydra tags give the speaker chapters, which MPEG-TS chunks lack.
	hydra []hls.Chunk
}

// planChunks decides, from what the loader found, how the chunks are kept.
func planChunks(st hls.Stream, wantPicture bool) chunkPlan {
	p := chunkPlan{dir: "chunks"}
	if st.HasVideo {
		p.stream = &record.Stream{Video: true, Path: pathAudioVariant, Codecs: st.Codecs}
	}
	if st.Kind != hls.KindVideo {
		return p
	}
	if wantPicture {
		p.picture, p.dir, p.stream.Path = true, "chunks-ts", pathVideo
		p.store = checkTS
		return p
	}
	p.dir, p.stream.Path, p.store = "chunks-ts-aac", pathAACFromTS, tsAudio
	return p
}

// tsAudio keeps the AAC of an MPEG-TS chunk; a chunk without sound fails
// the download at once: X serves it the same way every time.
func tsAudio(b []byte) ([]byte, error) {
	a, err := tsaudio.ADTS(b)
	if errors.Is(err, tsaudio.ErrNoSound) {
		return nil, hls.Permanent(err)
	}
	return a, err
}

// videoError says in plain words why a Space with video could not be kept,
// naming what X served; other errors pass as they are.
func (r *runner) videoError(err error) error {
	s := r.plan.stream
	if err == nil || s == nil || protocol.CodeOf(err) != protocol.CodeBadPlaylist {
		return err
	}
	tried := map[string]string{pathAudioVariant: "its audio-only variant", pathAACFromTS: "the sound of its smallest video variant (X listed no audio-only one)",
		pathVideo: "its largest video variant"}[s.Path]
	return protocol.Errorf(protocol.CodeVideoSpace, "This Space has video, and X served no sound spacekeep can read. It tried %s, CODECS %q: %v", tried, s.Codecs, err)
}

// videoChapters returns the picture's chapters: the speaker turns read
// from the audio-only variant's chunks (fetched into dir for that), or
// none. Chapters are a nicety: a failure is logged, never the job's.
func (r *runner) videoChapters(ctx context.Context, spk *speakerTrack, dir string, opt protocol.Options) func() []merge.Chapter {
	chapters := r.chapters(spk)
	if chapters == nil || len(r.plan.hydra) == 0 {
		return chapters
	}
	return func() []merge.Chapter {
		err := hls.Download(ctx, r.plan.hydra, hls.Options{Client: r.m.cfg.CDNClient, Header: xapi.CDNHeader(), Dir: dir,
			MaxConns: opt.Concurrency, Slots: r.m.slots, Allow: r.allow, Log: r.log})
		if err != nil {
			r.log.Warn().Err(err).Msg("no speaker chapters in the video: the audio-only variant could not be read")
			return nil
		}
		for _, c := range r.plan.hydra {
			spk.chunk(filepath.Join(dir, c.Name))
		}
		return chapters()
	}
}

// noFFmpegForPicture says what ffmpeg was wanted for: the code's own
// message speaks of mp3 and offers m4a, which --video does not cure.
func noFFmpegForPicture(err error) error {
	return &protocol.Error{Code: protocol.CodeFFmpegMissing, Err: protocol.AsError(err).Err,
		Message: "ffmpeg, needed to keep the picture of a Space with video (--video), was not found. Install it " +
			"(apt install ffmpeg, brew install ffmpeg, winget install ffmpeg), pass --ffmpeg PATH, or download without --video to keep its sound."}
}

// checkTS keeps an MPEG-TS chunk as served once it holds sound and picture.
func checkTS(b []byte) ([]byte, error) {
	s, err := tsaudio.Probe(b)
	if err != nil {
		return nil, err
	}
	if !s.Audio || !s.Video {
		return nil, hls.Permanent(fmt.Errorf("the MPEG-TS chunk lacks sound or picture (audio %v, video %v)", s.Audio, s.Video))
	}
	return b, nil
}

// videoSource gives chunk i's path once on disk, or io.EOF after the last.
type videoSource func(ctx context.Context, i int) (path string, extinf float64, err error)

// mergeVideo writes the MPEG-TS chunks as one mp4 at out: ffmpeg copies
// H.264 and AAC (no re-encode) while the chunks arrive, then a second copy
// adds the tags and chapters (known only at the end) and moves the index
// to the front. ffprobe then checks both streams and the length.
func mergeVideo(ctx context.Context, ffmpegPath, out string, src videoSource, tags merge.Tags, cover string, chapters func() []merge.Chapter) (merge.Result, error) {
	var res merge.Result
	ffmpeg, err := merge.FindFFmpeg(ffmpegPath)
	if err != nil {
		return res, err
	}
	ffprobe, err := merge.FFprobeFor(ffmpeg)
	if err != nil {
		return res, err
	}
	raw := out + ".raw.mp4"
	defer os.Remove(raw)
	cmd := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-nostats", "-loglevel", "error", "-y",
		"-f", "mpegts", "-i", "pipe:0", "-map", "0:v:0", "-map", "0:a:0", "-c", "copy", "-f", "mp4", raw)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return res, fmt.Errorf("ffmpeg's input: %w", err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return res, protocol.Errorf(protocol.CodeFFmpegMissing, "start ffmpeg: %w", err)
	}
	listed, ferr := feedTS(ctx, stdin, src)
	stdin.Close()
	werr := cmd.Wait()
	if ferr != nil {
		return res, ferr
	}
	if werr != nil {
		return res, protocol.Errorf(protocol.CodeFFmpegFailed, "ffmpeg could not copy the video: %s: %w", lastLine(stderr.String()), werr)
	}
	meta := out + ".ffmeta"
	defer os.Remove(meta)
	var ch []merge.Chapter
	if chapters != nil {
		ch = chapters()
	}
	if err := os.WriteFile(meta, []byte(ffmetadata(tags, ch, listed)), 0o600); err != nil {
		return res, protocol.DiskError("write the video's tags", err)
	}
	args := []string{"-hide_banner", "-nostats", "-loglevel", "error", "-y",
		"-i", raw, "-f", "ffmetadata", "-i", meta}
	if isJPEGOrPNG(cover) {
		// The host's avatar as cover art, as in the m4a: an attached picture.
		args = append(args, "-i", cover, "-map", "0:v:0", "-map", "0:a:0", "-map", "2", "-disposition:v:1", "attached_pic")
	} else {
		args = append(args, "-map", "0")
	}
	args = append(args, "-map_metadata", "1", "-map_chapters", "1", "-c", "copy", "-movflags", "+faststart", "-f", "mp4", out)
	cmd = exec.CommandContext(ctx, ffmpeg, args...)
	stderr.Reset()
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return res, protocol.Errorf(protocol.CodeFFmpegFailed, "ffmpeg could not tag the video: %s: %w", lastLine(stderr.String()), err)
	}
	return checkVideo(ctx, ffprobe, out, listed)
}

// isJPEGOrPNG reports whether the file at p is a JPEG or PNG picture,
// which an mp4 holds as it is.
func isJPEGOrPNG(p string) bool {
	if p == "" {
		return false
	}
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	return bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}) || bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n"))
}

// feedTS writes every chunk to w in order and returns the seconds listed.
func feedTS(ctx context.Context, w io.Writer, src videoSource) (float64, error) {
	var listed float64
	for i := 0; ; i++ {
		path, extinf, err := src(ctx, i)
		if errors.Is(err, io.EOF) {
			if i == 0 {
				return 0, protocol.Errorf(protocol.CodeBadPlaylist, "no chunks to merge")
			}
			return listed, nil
		}
		if err != nil {
			return listed, err
		}
		f, err := os.Open(path)
		if err != nil {
			return listed, protocol.DiskError(fmt.Sprintf("read chunk %d", i), err)
		}
		_, err = io.Copy(w, f)
		f.Close()
		if err != nil {
			return listed, protocol.Errorf(protocol.CodeFFmpegFailed, "ffmpeg stopped reading the video at chunk %d: %w", i, err)
		}
		listed += extinf
	}
}

// checkVideo asks ffprobe whether out has a picture and sound as long as listed.
func checkVideo(ctx context.Context, ffprobe, out string, listed float64) (merge.Result, error) {
	var res merge.Result
	fi, err := os.Stat(out)
	if err != nil || fi.Size() == 0 {
		return res, protocol.Errorf(protocol.CodeFFmpegFailed, "ffmpeg wrote no video file")
	}
	res.Size = fi.Size()
	info, err := merge.Probe(ctx, ffprobe, out)
	if err != nil {
		return res, err
	}
	res.Duration = info.Duration
	if info.Codec != "aac" {
		return res, protocol.Errorf(protocol.CodeFFmpegFailed, "the video file has no AAC sound (%q)", info.Codec)
	}
	if listed > 0 && math.Abs(info.Duration-listed) > 1 {
		return res, protocol.Errorf(protocol.CodeFFmpegFailed, "the video file plays %.1f s but the playlist lists %.1f s", info.Duration, listed)
	}
	return res, nil
}

// ffmetadata is ffmpeg's metadata file: the tags, then one chapter per
// speaker turn, each to the next (the last to the end).
func ffmetadata(t merge.Tags, chapters []merge.Chapter, end float64) string {
	var b strings.Builder
	b.WriteString(";FFMETADATA1\n")
	for _, kv := range [][2]string{{"title", t.Title}, {"artist", t.Artist}, {"album_artist", t.AlbumArtist},
		{"album", t.Album}, {"date", t.Date}, {"comment", t.Comment}, {"description", t.Description},
		{"episode_id", t.EpisodeID}, {"genre", t.Genre}} {
		if v := metaEscape(kv[1]); v != "" {
			fmt.Fprintf(&b, "%s=%s\n", kv[0], v)
		}
	}
	for i, c := range chapters {
		stop := end
		if i+1 < len(chapters) {
			stop = chapters[i+1].Start
		}
		if stop <= c.Start {
			continue
		}
		fmt.Fprintf(&b, "[CHAPTER]\nTIMEBASE=1/1000\nSTART=%d\nEND=%d\ntitle=%s\n", int64(c.Start*1000), int64(stop*1000), metaEscape(c.Title))
	}
	return b.String()
}

// metaEscape makes untrusted text one ffmetadata value: no control
// characters, and '=', ';', '#', '\' escaped as the format wants.
func metaEscape(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	r := strings.NewReplacer(`\`, `\\`, "=", `\=`, ";", `\;`, "#", `\#`)
	return strings.TrimSpace(r.Replace(s))
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
