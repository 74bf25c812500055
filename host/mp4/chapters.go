package mp4

import (
	"encoding/binary"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/Eyevinn/mp4ff/mp4"
)

// Chapter is a named point in the audio.
type Chapter struct {
	Start float64 // seconds from the start of the file
	Title string
}

// maxChapterTitle is what the Nero chapter list can hold (a byte of length).
const maxChapterTitle = 255

// normalize sorts the chapters, drops those outside the audio and those
// that start where an earlier one does, and moves the first to 0 so that
// the chapters cover the whole file, as a chapter track must.
func normalize(in []Chapter, duration float64) []Chapter {
	var out []Chapter
	for _, c := range in {
		if math.IsNaN(c.Start) || c.Start >= duration {
			continue
		}
		c.Start = max(c.Start, 0)
		c.Title = cleanTitle(c.Title)
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	kept := out[:0]
	for _, c := range out {
		if len(kept) > 0 && math.Abs(c.Start-kept[len(kept)-1].Start) < 0.001 {
			continue
		}
		kept = append(kept, c)
	}
	if len(kept) > 0 {
		kept[0].Start = 0
	}
	return kept
}

// cleanTitle makes a title valid UTF-8 on one line of at most 255 bytes.
func cleanTitle(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	for len(s) > maxChapterTitle {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
	}
	return s
}

// encd marks a QuickTime text sample as UTF-8, as ffmpeg writes it.
var encd = []byte{0, 0, 0, 12, 'e', 'n', 'c', 'd', 0, 0, 1, 0}

// chapterSamples returns the text track's samples (a 16-bit length, the
// title, encd) back to back, their sizes, and their durations in units of
// timescale, the last one ending with the audio (end, in the same units).
func chapterSamples(chs []Chapter, timescale, end uint64) (data []byte, sizes, durs []uint32) {
	starts := make([]uint64, len(chs))
	for i, c := range chs {
		starts[i] = min(uint64(math.Round(c.Start*float64(timescale))), end)
	}
	for i, c := range chs {
		n := len(data)
		data = binary.BigEndian.AppendUint16(data, uint16(len(c.Title)))
		data = append(data, c.Title...)
		data = append(data, encd...)
		sizes = append(sizes, uint32(len(data)-n))
		next := end
		if i+1 < len(chs) {
			next = starts[i+1]
		}
		durs = append(durs, uint32(next-starts[i]))
	}
	return data, sizes, durs
}

// chapterTrak builds the QuickTime chapter track: a disabled text track
// whose samples are the titles, referred to by the audio's tref/chap.
// Apple's players and ffmpeg read chapters from it.
func chapterTrak(timescale uint32, duration, movieDur, created uint64, sizes, durs []uint32, wide bool) *mp4.TrakBox {
	stsd := mp4.NewStsdBox()
	stsd.AddChild(unknown("text", textSampleEntry))
	stts := &mp4.SttsBox{}
	for _, d := range durs {
		stts.SampleCount = append(stts.SampleCount, 1)
		stts.SampleTimeDelta = append(stts.SampleTimeDelta, d)
	}
	stsc := &mp4.StscBox{}
	_ = stsc.AddEntry(1, uint32(len(sizes)), 1) // the first entry cannot fail
	stsz := &mp4.StszBox{SampleNumber: uint32(len(sizes)), SampleSize: sizes}
	stbl := mp4.NewStblBox()
	for _, b := range []mp4.Box{stsd, stts, stsc, stsz, offsetBox(1, wide)} {
		stbl.AddChild(b)
	}
	minf := mp4.NewMinfBox()
	minf.AddChild(unknown("gmhd", textMediaHeader))
	minf.AddChild(dataInfo())
	minf.AddChild(stbl)

	trak := mp4.NewTrakBox()
	tkhd := mp4.CreateTkhd()
	tkhd.Flags = 0x000002 // in movie, not enabled: not a subtitle to show
	tkhd.TrackID = chapterTrackID
	tkhd.Duration = movieDur // in the movie's timescale
	tkhd.CreationTime, tkhd.ModificationTime = created, created
	if movieDur > 0xFFFFFFFF || created > 0xFFFFFFFF {
		tkhd.Version = 1
	}
	trak.AddChild(tkhd)
	trak.AddChild(media(timescale, duration, created, "text", "SubtitleHandler", minf))
	return trak
}

// textSampleEntry is the body of the 'text' sample entry ffmpeg writes for
// a chapter track: 6 reserved bytes, data reference 1, then display flags,
// justification, colours, a text box, a style record and a one-font table.
var textSampleEntry = []byte{
	0, 0, 0, 0, 0, 0, 0, 1,
	0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 13, 'f', 't', 'a', 'b', 0, 1, 0, 1, 0,
}

// textMediaHeader is the body of gmhd for a text track: gmin (graphics
// mode copy, grey op colour) and text (an identity matrix).
var textMediaHeader = []byte{
	0, 0, 0, 24, 'g', 'm', 'i', 'n', 0, 0, 0, 0, 0, 0x40, 0x80, 0, 0x80, 0, 0x80, 0, 0, 0, 0, 0,
	0, 0, 0, 44, 't', 'e', 'x', 't',
	0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0,
}

// maxNero is how many chapters the Nero list can hold (a byte of count).
const maxNero = 255

// neroChapters fits chapters into the Nero list (see MergeShortest); the
// chapter track keeps every chapter.
func neroChapters(chs []Chapter, duration float64) []Chapter {
	return MergeShortest(chs, maxNero, duration)
}

// MergeShortest fits sorted chapters of audio lasting duration into a list
// that holds at most limit (the Nero list and ID3's CTOC count in a byte):
// while there are more, the two neighbours that are shortest together
// become one (the longer one's title, the earlier start), so that the list
// still covers the whole audio rather than stopping short.
func MergeShortest(chs []Chapter, limit int, duration float64) []Chapter {
	if len(chs) <= limit || limit < 1 {
		return chs
	}
	out := append([]Chapter(nil), chs...)
	length := func(i int) float64 { // to the next start, or the end
		if i+1 < len(out) {
			return out[i+1].Start - out[i].Start
		}
		return duration - out[i].Start
	}
	for len(out) > limit {
		best, bestLen := 0, math.Inf(1)
		for i := 0; i+1 < len(out); i++ {
			if l := length(i) + length(i+1); l < bestLen {
				best, bestLen = i, l
			}
		}
		if length(best+1) > length(best) {
			out[best].Title = out[best+1].Title
		}
		out = append(out[:best+1], out[best+2:]...)
	}
	return out
}

// nero returns the body of the Nero chapter list (udta/chpl), which VLC,
// mpv and ffmpeg read: version 1, a count, then each start in 100 ns units
// and a title of at most 255 bytes. It holds at most 255 chapters.
func nero(chs []Chapter) []byte {
	chs = chs[:min(len(chs), maxNero)]
	b := []byte{1, 0, 0, 0, 0, 0, 0, 0, byte(len(chs))}
	for _, c := range chs {
		b = binary.BigEndian.AppendUint64(b, uint64(math.Round(c.Start*1e7)))
		b = append(b, byte(len(c.Title)))
		b = append(b, c.Title...)
	}
	return b
}

// unknown wraps a body built here in a box mp4ff can write.
func unknown(typ string, body []byte) *mp4.UnknownBox {
	return mp4.CreateUnknownBox(typ, uint64(8+len(body)), body)
}
