// Package captions writes timed text: WebVTT or SubRip subtitles (one cue
// per caption, the speaker as a WebVTT voice) and a readable transcript
// ("[00:12:34] @handle: text", a speaker's consecutive captions grouped).
// It knows nothing of where the captions come from.
package captions

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"
)

// Cue is one caption; times are seconds from the start of the audio.
type Cue struct {
	Start, End float64
	Speaker    string // shown as the voice, e.g. "@ada"; may be empty
	Text       string
	Ref        int // the caller's reference (see Said); not written
}

// Formats WriteSubtitles knows.
const (
	VTT = "vtt"
	SRT = "srt"
)

// WriteSubtitles writes cues in format (VTT or SRT).
func WriteSubtitles(w io.Writer, format string, cues []Cue) error {
	switch format {
	case VTT, "":
		return WriteVTT(w, cues)
	case SRT:
		return WriteSRT(w, cues)
	}
	return fmt.Errorf("captions: unknown subtitle format %q (vtt or srt)", format)
}

// WriteVTT writes a WebVTT file, one cue per caption with a <v> voice tag.
func WriteVTT(w io.Writer, cues []Cue) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("WEBVTT\n")
	for i, c := range cues {
		fmt.Fprintf(bw, "\n%d\n%s --> %s\n", i+1, stamp(c.Start, '.'), stamp(end(c), '.'))
		// Escaped, no line of the text can end the cue (a blank line) or
		// read as a timing line ("-->" needs a '>').
		text := vttEscape(oneParagraph(c.Text))
		if who := oneLine(c.Speaker); who != "" {
			// The voice annotation ends at '>': escape it there too.
			text = "<v " + vttEscape(who) + ">" + text
		}
		bw.WriteString(text + "\n")
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the WebVTT file: %w", err)
	}
	return nil
}

// WriteSRT writes a SubRip file; the speaker leads the text.
func WriteSRT(w io.Writer, cues []Cue) error {
	bw := bufio.NewWriter(w)
	for i, c := range cues {
		if i > 0 {
			bw.WriteString("\n")
		}
		// SubRip has no escapes: no blank line, no "-->" in the text.
		text := noArrow(oneParagraph(c.Text))
		if who := noArrow(oneLine(c.Speaker)); who != "" {
			text = who + ": " + text
		}
		fmt.Fprintf(bw, "%d\n%s --> %s\n%s\n", i+1, stamp(c.Start, ','), stamp(end(c), ','), text)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the SubRip file: %w", err)
	}
	return nil
}

// WriteTranscript writes one line per caption, "[hh:mm:ss] speaker: text";
// a speaker's following captions drop the speaker, and a blank line comes
// before each new speaker.
func WriteTranscript(w io.Writer, cues []Cue) error {
	bw := bufio.NewWriter(w)
	prev := "\x00"
	for i, c := range cues {
		text := oneLine(c.Text) // one line per caption, no control characters
		if c.Speaker != prev {
			if i > 0 {
				bw.WriteString("\n")
			}
			who := oneLine(c.Speaker)
			if who == "" {
				who = "(unknown)"
			}
			fmt.Fprintf(bw, "[%s] %s: %s\n", clock(c.Start), who, text)
			prev = c.Speaker
			continue
		}
		fmt.Fprintf(bw, "[%s] %s\n", clock(c.Start), text)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the transcript: %w", err)
	}
	return nil
}

// end is a cue's end, never before its start.
func end(c Cue) float64 {
	if c.End < c.Start {
		return c.Start
	}
	return c.End
}

// oneParagraph keeps a cue's text on lines of its own, none blank (a blank
// line would end the cue), without control characters.
func oneParagraph(s string) string {
	lines := strings.FieldsFunc(printable(strings.ReplaceAll(s, "\r", "\n")), func(r rune) bool { return r == '\n' })
	kept := lines[:0]
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

// oneLine puts s on one line, its spaces and breaks folded into single spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(printable(s)), " ")
}

// printable makes s valid UTF-8 and turns control characters but line
// breaks into spaces.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// noArrow rewrites "-->" (a SubRip timing line's mark) until none is left:
// one pass over "--->" would leave one.
func noArrow(s string) string {
	for strings.Contains(s, "-->") {
		s = strings.ReplaceAll(s, "-->", "->")
	}
	return s
}

// vttEscape escapes what WebVTT cue text reserves: & < >.
func vttEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// stamp formats seconds as hh:mm:ss.mmm (sep '.' for WebVTT, ',' for SRT).
func stamp(sec float64, sep byte) string {
	ms := int64(math.Round(math.Max(sec, 0) * 1000))
	return fmt.Sprintf("%02d:%02d:%02d%c%03d", ms/3600000, ms/60000%60, ms/1000%60, sep, ms%1000)
}

// clock formats seconds as hh:mm:ss.
func clock(sec float64) string {
	s := int64(math.Round(math.Max(sec, 0)*1000)) / 1000 // 4.9996 is 5, as stamp says
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}
