package job

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/merge"
	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

// cdnPaths are the CDN paths asked for, in order.
func cdnPaths(x *fakex.Server) []string {
	var out []string
	for _, r := range x.Requests() {
		if r.Listener == "cdn" {
			out = append(out, r.Path)
		}
	}
	return out
}

// A Space with video whose master of masters lists the audio-only variant
// between two video ones: its sound, like any Space's, and no picture fetched.
func TestVideoSpaceKeepsTheAudioOnlyVariant(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	ev := e.download(fakex.VideoAudioID, protocol.Options{WriteInfoJSON: true})
	if ev.Type != protocol.TypeJobDone || filepath.Ext(ev.Path) != ".m4a" {
		t.Fatalf("job ended with %+v", ev)
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", ev.Path, fakex.VideoChunks); err != nil {
		t.Fatal(err)
	}
	for _, p := range cdnPaths(e.x) {
		if strings.HasSuffix(p, ".ts") || strings.HasSuffix(p, "_720.m3u8") || strings.HasSuffix(p, "_360.m3u8") {
			t.Errorf("the picture was fetched: %s", p)
		}
	}
	rec := readRecord(t, ev)
	if rec.Stream == nil || !rec.Stream.Video || rec.Stream.Path != "audio-only variant" || rec.Stream.Codecs != "mp4a.40.2" {
		t.Errorf("the record says %+v, want a Space with video kept by its audio-only variant", rec.Stream)
	}
	e.checkSecrets()
}

// No audio-only variant: the sound of the smallest video variant, taken
// from its MPEG-TS chunks, into the same m4a.
func TestVideoSpaceWithoutAudioVariantKeepsTheTSAudio(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	ev := e.download(fakex.VideoID, protocol.Options{WriteInfoJSON: true})
	if ev.Type != protocol.TypeJobDone || filepath.Ext(ev.Path) != ".m4a" {
		t.Fatalf("job ended with %+v", ev)
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", ev.Path, fakex.VideoChunks); err != nil {
		t.Fatal(err)
	}
	small, large := false, false
	for _, p := range cdnPaths(e.x) {
		small = small || strings.HasSuffix(p, "_360.m3u8")
		large = large || strings.HasSuffix(p, "_720.m3u8")
	}
	if !small || large {
		t.Errorf("asked for the 360p list %v and the 720p one %v: want the smallest only", small, large)
	}
	rec := readRecord(t, ev)
	if rec.Stream == nil || !rec.Stream.Video || rec.Stream.Path != "aac from mpeg-ts" {
		t.Errorf("the record says %+v, want the AAC taken from MPEG-TS", rec.Stream)
	}
}

type probed struct {
	Streams []struct {
		CodecType string `json:"codec_type"`
		CodecName string `json:"codec_name"`
	} `json:"streams"`
	Format struct {
		Duration string            `json:"duration"`
		Tags     map[string]string `json:"tags"`
	} `json:"format"`
	Chapters []json.RawMessage `json:"chapters"`
}

func ffprobe(t *testing.T, file string) probed {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-show_chapters", file).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", file, err)
	}
	var p probed
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// With the video option the picture is kept too: an mp4 with H.264 and
// AAC copied, the Space's tags, as long as the playlist.
func TestVideoOptionKeepsThePictureAsMP4(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	for _, id := range []string{fakex.VideoID, fakex.VideoAudioID} {
		ev := e.download(id, protocol.Options{Video: true, WriteInfoJSON: true})
		if ev.Type != protocol.TypeJobDone || filepath.Ext(ev.Path) != ".mp4" {
			t.Fatalf("%s: job ended with %+v", id, ev)
		}
		p := ffprobe(t, ev.Path)
		var kinds []string
		for _, s := range p.Streams {
			if s.CodecType != "data" { // the chapters' text track
				kinds = append(kinds, s.CodecType+":"+s.CodecName)
			}
		}
		if strings.Join(kinds, " ") != "video:h264 audio:aac video:mjpeg" {
			t.Errorf("%s: streams %v, want H.264, AAC and the cover", id, kinds)
		}
		d, _ := strconv.ParseFloat(p.Format.Duration, 64)
		if want := fakex.VideoChunks * testaudio.ChunkDuration; math.Abs(d-want) > 0.5 {
			t.Errorf("%s: %.2f s, want %.2f", id, d, want)
		}
		if info, err := merge.Probe(context.Background(), "ffprobe", ev.Path); err != nil || !info.HasCover {
			t.Errorf("%s: no cover art (%v)", id, err)
		}
		spec, _ := e.x.Space(id)
		if p.Format.Tags["title"] != spec.Title || p.Format.Tags["artist"] != "Space Keeper (@spacekeeper)" {
			t.Errorf("%s: tags %v", id, p.Format.Tags)
		}
		// Speaker chapters come from the audio-only variant's Hydra tags, where there is one.
		if want := map[string]int{fakex.VideoID: 0, fakex.VideoAudioID: 1}[id]; len(p.Chapters) != want {
			t.Errorf("%s: %d chapters, want %d (as the m4a has)", id, len(p.Chapters), want)
		}
		if rec := readRecord(t, ev); rec.Stream == nil || rec.Stream.Path != "video" {
			t.Errorf("%s: the record says %+v, want the video path", id, rec.Stream)
		}
		var large bool
		for _, p := range cdnPaths(e.x) {
			large = large || strings.HasSuffix(p, "_720.m3u8")
		}
		if !large {
			t.Errorf("%s: the 720p list was not the one kept", id)
		}
		e.x.ResetRequests()
	}
	// An audio Space asked for its picture: its sound, and a word why.
	ev := e.download(fakex.TimedOutID, protocol.Options{Video: true})
	if ev.Type != protocol.TypeJobDone || filepath.Ext(ev.Path) != ".m4a" || len(ev.Warnings) == 0 {
		t.Errorf("an audio Space with the video option: %+v", ev)
	}
}

// A live Space with video is recorded from its first second, like any.
func TestLiveVideoSpaceIsRecordedFromItsStart(t *testing.T) {
	e := newEnv(t, fakex.Options{}, fakex.SpaceSpec{ID: fakex.LiveID, Title: "On air with a camera", State: fakex.StateRunning,
		PlaylistShape: fakex.ShapeVideoMaster, Chunks: 4, LiveInterval: 30 * time.Millisecond, HostName: "H", HostHandle: "h"})
	id, _ := e.startLive(10)
	e.endAndCheck(id, fakex.LiveID, 10)
}

// space.info says which Spaces have a picture, for the popup's camera mark.
func TestSpaceInfoSaysVideo(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	for id, want := range map[string]bool{fakex.VideoID: true, fakex.VideoAudioID: true, fakex.DemoID: false, fakex.LegacyMasterID: false} {
		info, err := e.m.SpaceInfo(context.Background(), protocol.SpaceQuery{Space: id, Cookies: e.cookies})
		if err != nil {
			t.Fatal(err)
		}
		if info.Video != want {
			t.Errorf("%s: video %v, want %v", id, info.Video, want)
		}
	}
}

// Nothing X serves has sound: the failure says so in plain words, naming
// what X served, at once (refetching a whole TS without sound gives the same).
func TestVideoSpaceWithoutSoundSaysWhatXServed(t *testing.T) {
	e := newEnv(t, fakex.Options{}, fakex.SpaceSpec{ID: fakex.VideoID, Title: "Silent film", State: fakex.StateEnded, Replayable: true,
		PlaylistShape: fakex.ShapeVideo, Chunks: fakex.VideoChunks, VideoNoSound: true})
	ev := e.download(fakex.VideoID, protocol.Options{})
	if ev.Type != protocol.TypeJobFailed || ev.Code != protocol.CodeVideoSpace {
		t.Fatalf("got %+v, want failed with video_space", ev)
	}
	t.Log(ev.Message)
	for _, want := range []string{"has video", "avc1.42c01e,mp4a.40.2", "no AAC audio"} {
		if !strings.Contains(ev.Message, want) {
			t.Errorf("message %q does not say %q", ev.Message, want)
		}
	}
	for i, hits := range e.x.ChunkHits(fakex.VideoID) {
		if hits > 1 {
			t.Errorf("chunk %d fetched %d times", i, hits)
		}
	}
	if entries, _ := os.ReadDir(e.out); len(entries) != 0 {
		t.Errorf("a failed job left files: %v", entries)
	}
}

// Without ffmpeg, keeping the picture fails saying what ffmpeg was needed
// for: the picture, not "only for mp3, or choose m4a" (which an m4a
// download with --video does not cure).
func TestVideoWithoutFFmpegSaysItIsForThePicture(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	e.m.cfg.FFmpeg = filepath.Join(t.TempDir(), "no-ffmpeg-here")
	ev := e.download(fakex.VideoID, protocol.Options{Video: true})
	if ev.Type != protocol.TypeJobFailed || ev.Code != protocol.CodeFFmpegMissing {
		t.Fatalf("job ended with %+v, want ffmpeg_missing", ev)
	}
	if !strings.Contains(ev.Message, "--video") || strings.Contains(ev.Message, "only for mp3") {
		t.Errorf("message %q", ev.Message)
	}
}

// TestPictureAskedAfterTheSoundWasKept: a Space whose sound is already kept
// as an m4a is not "already kept" when its picture is asked for.
func TestPictureAskedAfterTheSoundWasKept(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	first := e.download(fakex.VideoAudioID, protocol.Options{})
	if first.Type != protocol.TypeJobDone || filepath.Ext(first.Path) != ".m4a" {
		t.Fatalf("the sound: %+v", first)
	}
	ev := e.download(fakex.VideoAudioID, protocol.Options{Video: true})
	if ev.Type != protocol.TypeJobDone || filepath.Ext(ev.Path) != ".mp4" {
		t.Fatalf("the picture after the sound: %+v, want an mp4", ev)
	}
}
