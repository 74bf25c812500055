package captions

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/internal/readers"
)

// srtTiming matches the timing lines of ffmpeg's SubRip output (a text
// line "00:00:09.000 --> ..." has a dot, not a comma).
var srtTiming = regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d,\d\d\d --> \d\d:\d\d:\d\d,\d\d\d$`)

var cues = []Cue{
	{Start: 1.5, End: 4.25, Speaker: "@ada", Text: "Hello <b>world</b> & friends"},
	{Start: 4.25, End: 7, Speaker: "@ada", Text: "a --> b\n\nsecond line"},
	{Start: 3725.001, End: 3726, Speaker: "@grace <admin>", Text: "late"},
	{Start: 8, End: 6, Text: "no speaker, end before start"},
}

func TestWebVTT(t *testing.T) {
	var b bytes.Buffer
	if err := WriteVTT(&b, cues); err != nil {
		t.Fatal(err)
	}
	want := `WEBVTT

1
00:00:01.500 --> 00:00:04.250
<v @ada>Hello &lt;b&gt;world&lt;/b&gt; &amp; friends

2
00:00:04.250 --> 00:00:07.000
<v @ada>a --&gt; b
second line

3
01:02:05.001 --> 01:02:06.000
<v @grace &lt;admin&gt;>late

4
00:00:08.000 --> 00:00:08.000
no speaker, end before start
`
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
	// Each cue's text holds no "-->" and no blank line, whatever the input.
	for _, blk := range strings.Split(b.String(), "\n\n")[1:] {
		lines := strings.Split(strings.TrimSpace(blk), "\n")
		for _, l := range lines[2:] {
			if strings.Contains(l, "-->") || l == "" {
				t.Errorf("cue text line %q", l)
			}
		}
	}
}

// TestFFmpegReadsTheFiles has ffmpeg, a real WebVTT and SubRip reader,
// read back what was written: four cues, the escaped text decoded.
func TestFFmpegReadsTheFiles(t *testing.T) {
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg is needed: ", err)
	}
	for _, format := range []string{VTT, SRT} {
		var b bytes.Buffer
		if err := WriteSubtitles(&b, format, cues); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "c."+format)
		os.WriteFile(p, b.Bytes(), 0o644)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		out, err := exec.CommandContext(ctx, ffmpeg, "-v", "error", "-i", p, "-f", "srt", "-").Output()
		cancel()
		if err != nil {
			t.Fatalf("%s: ffmpeg: %v", format, err)
		}
		s := string(out)
		if n := len(srtTiming.FindAllString(s, -1)); n != 4 {
			t.Errorf("%s: ffmpeg read %d cues:\n%s", format, n, s)
		}
		if !strings.Contains(s, "01:02:05,001 --> 01:02:06,000") || !strings.Contains(s, "& friends") {
			t.Errorf("%s: ffmpeg read:\n%s", format, s)
		}
	}
}

func TestSRT(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSubtitles(&b, SRT, cues[:1]); err != nil {
		t.Fatal(err)
	}
	if want := "1\n00:00:01,500 --> 00:00:04,250\n@ada: Hello <b>world</b> & friends\n"; b.String() != want {
		t.Fatalf("got %q want %q", b.String(), want)
	}
	if err := WriteSubtitles(&b, "ass", cues); err == nil {
		t.Fatal("an unknown format was accepted")
	}
}

func TestTranscriptGroupsSpeakerRuns(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTranscript(&b, cues); err != nil {
		t.Fatal(err)
	}
	want := `[00:00:01] @ada: Hello <b>world</b> & friends
[00:00:04] a --> b second line

[01:02:05] @grace <admin>: late

[00:00:08] (unknown): no speaker, end before start
`
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// hostile are captions whose names and text try to break the files: a
// blank line in a name (4 captions were 2 cues in ffmpeg), "--->" (a
// one-pass rewrite of "-->" leaves one), entities, control characters.
var hostile = []Cue{
	{Start: 1, End: 2, Speaker: "@evil\n\nname", Text: "first"},
	{Start: 2, End: 3, Speaker: "@x", Text: "a ---> b --> c"},
	{Start: 3, End: 4, Speaker: "Ann <v Bob>", Text: "line one\n\n\n00:00:09.000 --> 00:00:10.000\nline &amp; two"},
	{Start: 4, End: 5, Speaker: "ctl\x1b[2J\r\n", Text: "tab\there\u2028and\x00nul"},
}

// TestHostileCaptionsStayCues reads the hostile cues back with ffmpeg (both
// formats) and webvtt-py (WebVTT): four cues, each text as given.
func TestHostileCaptionsStayCues(t *testing.T) {
	wantText := []string{"first", "a ---> b --> c", "line one\n00:00:09.000 --> 00:00:10.000\nline &amp; two", "tab here and nul"}
	for _, format := range []string{VTT, SRT} {
		var b bytes.Buffer
		if err := WriteSubtitles(&b, format, hostile); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "c."+format)
		os.WriteFile(p, b.Bytes(), 0o644)
		out, err := exec.Command("ffmpeg", "-v", "error", "-i", p, "-f", "srt", "-").Output()
		if err != nil {
			t.Fatalf("%s: ffmpeg: %v", format, err)
		}
		if n := len(srtTiming.FindAllString(string(out), -1)); n != 4 || !strings.Contains(string(out), "00:00:04,000 --> 00:00:05,000") {
			t.Errorf("%s: ffmpeg read %d cues:\n%s\nfrom\n%s", format, n, out, b.String())
		}
		if format == SRT {
			for i, blk := range strings.Split(strings.TrimSpace(b.String()), "\n\n") {
				lines := strings.Split(blk, "\n")
				for _, l := range lines[2:] {
					if strings.Contains(l, "-->") || strings.TrimSpace(l) == "" {
						t.Errorf("srt cue %d has text line %q", i+1, l)
					}
				}
			}
			continue
		}
		got := readers.WebVTT(t, p)
		if len(got) != 4 {
			t.Fatalf("webvtt-py read %d cues from\n%s", len(got), b.String())
		}
		voices := []string{"<v @evil name>", "<v @x>", "<v Ann &lt;v Bob&gt;>", "<v ctl [2J>"}
		for i, c := range got {
			if c.Start != hostile[i].Start || c.End != hostile[i].End || c.Text != wantText[i] || !strings.HasPrefix(c.Raw, voices[i]) {
				t.Errorf("cue %d: %+v, want text %q voice %q", i, c, wantText[i], voices[i])
			}
		}
	}
}

// TestTranscriptLinesEachHaveATime: every caption is one line of the
// transcript with its own time, whatever its text holds, and no control
// character reaches it (a terminal would obey them).
func TestTranscriptLinesEachHaveATime(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTranscript(&b, hostile); err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`^\[\d\d:\d\d:\d\d\] [^\x00-\x1f\x7f]+$`)
	n := 0
	for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if l == "" {
			continue // between speakers
		}
		n++
		if !line.MatchString(l) {
			t.Errorf("transcript line %q", l)
		}
	}
	if n != len(hostile) {
		t.Errorf("%d lines for %d captions:\n%s", n, len(hostile), b.String())
	}
}
