package merge

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strconv"
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// ProbeInfo is what ffprobe says about an audio file.
type ProbeInfo struct {
	Duration float64           // seconds, from the container
	Codec    string            // of the first audio stream, e.g. "aac", "mp3"
	Tags     map[string]string // container tags, keys in lower case
	HasCover bool              // a stream with the attached_pic disposition
}

type probeJSON struct {
	Format struct {
		Duration string            `json:"duration"`
		Tags     map[string]string `json:"tags"`
	} `json:"format"`
	Streams []struct {
		CodecType   string `json:"codec_type"`
		CodecName   string `json:"codec_name"`
		Disposition struct {
			AttachedPic int `json:"attached_pic"`
		} `json:"disposition"`
	} `json:"streams"`
}

// Probe runs ffprobe on file. Errors have code ffmpeg_failed (a file ffprobe
// cannot read) or ffmpeg_missing (no ffprobe).
func Probe(ctx context.Context, ffprobe, file string) (ProbeInfo, error) {
	var info ProbeInfo
	cmd := exec.CommandContext(ctx, ffprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", file)
	stderr := newTail(4096)
	cmd.Stderr = stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return info, protocol.Errorf(protocol.CodeFFmpegMissing, "run ffprobe %s: %w", ffprobe, err)
		}
		return info, protocol.Errorf(protocol.CodeFFmpegFailed, "ffprobe %s: %s: %w", file, stderr.lastLine(), err)
	}
	var pj probeJSON
	if err := json.Unmarshal(out, &pj); err != nil {
		return info, protocol.Errorf(protocol.CodeFFmpegFailed, "read ffprobe output for %s: %w", file, err)
	}
	if pj.Format.Duration != "" {
		if info.Duration, err = strconv.ParseFloat(pj.Format.Duration, 64); err != nil {
			return info, protocol.Errorf(protocol.CodeFFmpegFailed, "ffprobe duration %q of %s: %w", pj.Format.Duration, file, err)
		}
	}
	info.Tags = make(map[string]string, len(pj.Format.Tags))
	for k, v := range pj.Format.Tags {
		info.Tags[strings.ToLower(k)] = v
	}
	for _, s := range pj.Streams {
		if s.Disposition.AttachedPic != 0 {
			info.HasCover = true
		} else if s.CodecType == "audio" && info.Codec == "" {
			info.Codec = s.CodecName
		}
	}
	return info, nil
}
