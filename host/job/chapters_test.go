package job

import (
	"context"
	"encoding/json"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/protocol"
)

type probedChapter struct {
	Start float64
	Title string
}

// probeChapters reads a file's chapters back with ffprobe -show_chapters.
func probeChapters(t *testing.T, path string) []probedChapter {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-show_chapters", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var v struct {
		Chapters []struct {
			StartTime string            `json:"start_time"`
			Tags      map[string]string `json:"tags"`
		} `json:"chapters"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("ffprobe said %s: %v", out, err)
	}
	var cs []probedChapter
	for _, c := range v.Chapters {
		s, _ := strconv.ParseFloat(c.StartTime, 64)
		cs = append(cs, probedChapter{s, c.Tags["title"]})
	}
	return cs
}

func TestSpeakerChaptersInTheM4A(t *testing.T) {
	e := newEnv(t, fakex.Options{}, talkSpace())
	ev := e.download(talkID, protocol.Options{NoCaptions: true})
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("job ended %s: %s", ev.Type, ev.Message)
	}
	got := probeChapters(t, ev.Path)
	if len(got) != len(wantTurns) {
		t.Fatalf("chapters %+v, want one per turn of %+v", got, wantTurns)
	}
	names := map[string]string{"spacekeeper": "Space Keeper", "ada": "Ada Lovelace", "grace": "Grace Hopper", "linus": "Linus T"}
	for i, w := range wantTurns {
		start := w.StartS
		if i == 0 {
			start = 0
		}
		if title := "@" + w.Handle + " — " + names[w.Handle]; got[i].Title != title || !near(got[i].Start, start) {
			t.Errorf("chapter %d = %+v, want %q at %.1f s", i, got[i], title, start)
		}
	}
}

func TestNoChapters(t *testing.T) {
	for name, tc := range map[string]struct {
		edit func(*fakex.SpaceSpec)
		opt  protocol.Options
	}{
		"no Hydra tags": {func(s *fakex.SpaceSpec) { s.NoHydra = true }, protocol.Options{NoCaptions: true}},
		"--no-chapters": {func(*fakex.SpaceSpec) {}, protocol.Options{NoCaptions: true, NoChapters: true}},
	} {
		t.Run(name, func(t *testing.T) {
			spec := talkSpace()
			tc.edit(&spec)
			e := newEnv(t, fakex.Options{}, spec)
			ev := e.download(talkID, tc.opt)
			if ev.Type != protocol.TypeJobDone {
				t.Fatalf("job ended %s: %s", ev.Type, ev.Message)
			}
			if got := probeChapters(t, ev.Path); len(got) != 0 {
				t.Errorf("chapters %+v, want none", got)
			}
		})
	}
}
