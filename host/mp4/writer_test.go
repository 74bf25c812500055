package mp4

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/spacekeep/spacekeep/host/internal/readers"
)

// adtsAudio encodes seconds of a tone as ADTS with ffmpeg (a test tool).
func adtsAudio(t *testing.T, seconds int) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "a.aac")
	out, err := exec.Command("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=f=440:d="+strconv.Itoa(seconds)+":r=48000",
		"-ac", "2", "-c:a", "aac", "-b:a", "96k", "-f", "adts", p).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, out)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// write makes an M4A of audio with w's settings and returns its path.
func write(t *testing.T, audio []byte, m Meta, tweak func(*Writer)) string {
	t.Helper()
	var data bytes.Buffer
	w := NewWriter(&data)
	if tweak != nil {
		tweak(w)
	}
	if err := w.WriteADTS(audio); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	n, err := w.Finish(&out, &data, m)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(out.Len()) {
		t.Fatalf("Finish says %d bytes, wrote %d", n, out.Len())
	}
	p := filepath.Join(t.TempDir(), "out.m4a")
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func decode(t *testing.T, file string) *mp4.File {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mf, err := mp4.DecodeFile(f, mp4.WithDecodeMode(mp4.DecModeLazyMdat))
	if err != nil {
		t.Fatalf("decode %s: %v", file, err)
	}
	return mf
}

func pcm(t *testing.T, file string) []byte {
	t.Helper()
	b, err := exec.Command("ffmpeg", "-v", "error", "-i", file, "-map", "0:a", "-f", "s16le", "pipe:1").Output()
	if err != nil {
		t.Fatalf("decode %s: %v", file, err)
	}
	return b
}

func TestBoxOrderIsFaststart(t *testing.T) {
	p := write(t, adtsAudio(t, 2), Meta{Title: "t", Chapters: []Chapter{{0, "a"}, {1, "b"}}}, nil)
	var types []string
	for _, b := range decode(t, p).Children {
		types = append(types, b.Type())
	}
	if strings.Join(types, ",") != "ftyp,moov,mdat" {
		t.Fatalf("top-level boxes %v, want ftyp, moov, mdat", types)
	}
}

func TestChunkOffsetsSwitchToCo64(t *testing.T) {
	audio := adtsAudio(t, 4)
	offsets := func(file string) (stco, co64 int) {
		for _, trak := range decode(t, file).Moov.Traks {
			for _, c := range trak.Mdia.Minf.Stbl.Children {
				switch c.Type() {
				case "stco":
					stco++
				case "co64":
					co64++
				}
			}
		}
		return stco, co64
	}
	narrow := write(t, audio, Meta{Chapters: []Chapter{{0, "x"}}}, nil)
	if s, c := offsets(narrow); s != 2 || c != 0 {
		t.Fatalf("a small file has %d stco and %d co64, want 2 stco", s, c)
	}
	// As if the audio ended past 4 GiB: the offsets no longer fit 32 bits.
	wide := write(t, audio, Meta{Chapters: []Chapter{{0, "x"}}}, func(w *Writer) { w.stcoLimit = 1000 })
	if s, c := offsets(wide); s != 0 || c != 2 {
		t.Fatalf("past the limit: %d stco and %d co64, want 2 co64", s, c)
	}
	// Both index the same audio: a decoder hears the same samples.
	if a, b := pcm(t, narrow), pcm(t, wide); len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("stco and co64 files decode differently (%d and %d bytes)", len(a), len(b))
	}
	// Just under the limit stays 32-bit: the choice is made on the real offset.
	var last uint64
	for _, trak := range decode(t, narrow).Moov.Traks {
		if o := trak.Mdia.Minf.Stbl.Stco.ChunkOffset; len(o) > 0 && uint64(o[len(o)-1]) > last {
			last = uint64(o[len(o)-1])
		}
	}
	if s, c := offsets(write(t, audio, Meta{Chapters: []Chapter{{0, "x"}}}, func(w *Writer) { w.stcoLimit = last })); s != 2 || c != 0 {
		t.Fatalf("limit at the last offset: %d stco, %d co64", s, c)
	}
}

func TestWriteADTSRejectsWhatAnMP4TrackCannotHold(t *testing.T) {
	audio := adtsAudio(t, 1)
	w := NewWriter(new(bytes.Buffer))
	if err := w.WriteADTS(audio[:len(audio)-3]); err == nil {
		t.Error("a cut frame: no error")
	}
	w = NewWriter(new(bytes.Buffer))
	other := append([]byte{}, audio...)
	if err := w.WriteADTS(audio); err != nil {
		t.Fatal(err)
	}
	other[2] = other[2]&^0x3C | 4<<2 // 44.1 kHz
	if err := w.WriteADTS(other); err == nil || !strings.Contains(err.Error(), "changes") {
		t.Errorf("a new sample rate: %v", err)
	}
	if _, err := NewWriter(new(bytes.Buffer)).Finish(new(bytes.Buffer), new(bytes.Buffer), Meta{}); err == nil {
		t.Error("no audio: no error")
	}
	w = NewWriter(new(bytes.Buffer))
	w.WriteADTS(audio)
	if _, err := w.Finish(new(bytes.Buffer), bytes.NewReader(make([]byte, 10)), Meta{}); err == nil {
		t.Error("a short data file: no error")
	}
}

func TestNormalizeChapters(t *testing.T) {
	got := normalize([]Chapter{{5, "b"}, {2, "a\nline"}, {2.0001, "dup"}, {99, "after the end"}, {-1, "before"}}, 10)
	want := []Chapter{{0, "before"}, {2, "a line"}, {5, "b"}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if long := cleanTitle(strings.Repeat("é", 200)); len(long) > 255 || !strings.HasPrefix(long, "é") {
		t.Fatalf("a long title is %d bytes", len(long))
	}
}

// TestChaptersReadByFFprobe checks both chapter forms through ffprobe, and
// each alone: the Nero list and the QuickTime text track.
func TestChaptersReadByFFprobe(t *testing.T) {
	chs := []Chapter{{0, "Intro"}, {1.5, "Zwei – ü"}, {3, "Three"}}
	p := write(t, adtsAudio(t, 4), Meta{Chapters: chs}, nil)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	// Only the text track: the Nero list renamed to a box nobody reads.
	trackOnly := filepath.Join(t.TempDir(), "track.m4a")
	if bytes.Count(b, []byte("chpl")) != 1 {
		t.Fatal("want one chpl box")
	}
	os.WriteFile(trackOnly, bytes.Replace(b, []byte("chpl"), []byte("xxxx"), 1), 0o644)
	// Only the Nero list: the audio's reference to the text track renamed.
	neroOnly := filepath.Join(t.TempDir(), "nero.m4a")
	if bytes.Count(b, []byte("chap")) != 1 {
		t.Fatal("want one tref/chap box")
	}
	os.WriteFile(neroOnly, bytes.Replace(b, []byte("chap"), []byte("xxxx"), 1), 0o644)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"both", []string{p}},
		{"Nero list only", []string{neroOnly}},
		{"text track only", []string{trackOnly}},
	} {
		args := append([]string{"-v", "error", "-print_format", "json", "-show_chapters"}, tc.args...)
		out, err := exec.Command("ffprobe", args...).Output()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var pj struct {
			Chapters []struct {
				Start string            `json:"start_time"`
				Tags  map[string]string `json:"tags"`
			} `json:"chapters"`
		}
		if err := json.Unmarshal(out, &pj); err != nil {
			t.Fatal(err)
		}
		if len(pj.Chapters) != len(chs) {
			t.Fatalf("%s: ffprobe shows %d chapters: %s", tc.name, len(pj.Chapters), out)
		}
		for i, c := range pj.Chapters {
			start, _ := strconv.ParseFloat(c.Start, 64)
			if c.Tags["title"] != chs[i].Title || start < chs[i].Start-0.001 || start > chs[i].Start+0.001 {
				t.Errorf("%s: chapter %d: %q at %s, want %q at %g", tc.name, i, c.Tags["title"], c.Start, chs[i].Title, chs[i].Start)
			}
		}
	}
}

func TestCoverTypeFlag(t *testing.T) {
	audio := adtsAudio(t, 1)
	for _, tc := range []struct {
		img  []byte
		flag uint32
	}{
		{append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, "jpeg body"...), 13},
		{append([]byte("\x89PNG\r\n\x1a\n"), "png body"...), 14},
	} {
		b, err := os.ReadFile(write(t, audio, Meta{Title: "x", Cover: tc.img}, nil))
		if err != nil {
			t.Fatal(err)
		}
		at := bytes.Index(b, []byte("covr"))
		if at < 0 || !bytes.Equal(b[at+8:at+12], []byte("data")) {
			t.Fatalf("no covr/data box")
		}
		flag := uint32(b[at+12])<<24 | uint32(b[at+13])<<16 | uint32(b[at+14])<<8 | uint32(b[at+15])
		if flag != tc.flag || !bytes.Equal(b[at+20:at+20+len(tc.img)], tc.img) {
			t.Errorf("cover % x: type %d, want %d, image as given", tc.img[:4], flag, tc.flag)
		}
	}
	var data bytes.Buffer
	w := NewWriter(&data)
	w.WriteADTS(audio)
	if _, err := w.Finish(new(bytes.Buffer), &data, Meta{Cover: []byte("RIFF....WEBP")}); err == nil {
		t.Error("a WebP cover: no error")
	}
}

// mutagenM4A is what mutagen reads from an m4a.
type mutagenM4A struct {
	Length   float64             `json:"length"`
	Bitrate  int                 `json:"bitrate"`
	Chapters [][2]any            `json:"chapters"` // [start s, title]
	Tags     map[string][]string `json:"tags"`
}

func readMutagen(t *testing.T, path string) mutagenM4A {
	t.Helper()
	var m mutagenM4A
	readers.Python(t, &m, `
import json, sys
from mutagen.mp4 import MP4
f = MP4(sys.argv[1])
tags = {k: [str(v) for v in (vs if isinstance(vs, list) else [vs])] for k, vs in (f.tags or {}).items() if k != "covr"}
print(json.dumps({"length": f.info.length, "bitrate": f.info.bitrate,
                  "chapters": [[c.start, c.title] for c in (f.chapters or [])], "tags": tags}))
`, path)
	return m
}

// TestMutagenReadsChaptersTagsAndBitrate: mutagen scales the Nero list by
// the movie's timescale (48x too small when it was 48000), and shows the
// esds bitrate (0 bps before); the URL is in desc and purl; the creation
// time is the Space's start (1904 before), as ffprobe reads it.
func TestMutagenReadsChaptersTagsAndBitrate(t *testing.T) {
	chs := []Chapter{{0, "Intro"}, {1.5, "Zwei – ü"}, {3, "Three"}}
	created := time.Date(2024, 6, 28, 17, 0, 5, 0, time.UTC)
	url := "https://x.com/i/spaces/1OyKAWgagpqJb"
	p := write(t, adtsAudio(t, 4), Meta{Title: "T", EpisodeID: "1OyKAWgagpqJb", URL: url, Created: created, Chapters: chs}, nil)
	m := readMutagen(t, p)
	if len(m.Chapters) != len(chs) {
		t.Fatalf("mutagen reads %d chapters: %v", len(m.Chapters), m.Chapters)
	}
	for i, c := range m.Chapters {
		if start, _ := c[0].(float64); math.Abs(start-chs[i].Start) > 0.001 || c[1] != chs[i].Title {
			t.Errorf("chapter %d: %v, want %v", i, c, chs[i])
		}
	}
	if math.Abs(m.Length-4) > 0.1 || m.Bitrate < 50000 || m.Bitrate > 200000 {
		t.Errorf("length %g s, bitrate %d bps (96 kb/s audio)", m.Length, m.Bitrate)
	}
	if d, u, ep := m.Tags["desc"], m.Tags["purl"], m.Tags["tven"]; len(d) != 1 || d[0] != url || len(u) != 1 || u[0] != url || len(ep) != 1 || ep[0] != "1OyKAWgagpqJb" {
		t.Errorf("tags %v", m.Tags)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format_tags=creation_time:stream_tags=creation_time", "-of", "json", p).Output()
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(out), `"creation_time": "2024-06-28T17:00:05.000000Z"`); n != 3 {
		t.Errorf("ffprobe reads the creation time %d times of 3 (movie, audio, chapter track):\n%s", n, out)
	}
	mf := decode(t, p)
	if mf.Moov.Mvhd.Timescale != 1000 || mf.Moov.Mvhd.Duration != uint64(math.Round(m.Length*1000)) {
		t.Errorf("mvhd timescale %d duration %d", mf.Moov.Mvhd.Timescale, mf.Moov.Mvhd.Duration)
	}
	for _, trak := range mf.Moov.Traks {
		if trak.Tkhd.Duration != mf.Moov.Mvhd.Duration || trak.Mdia.Mdhd.Timescale != 48000 {
			t.Errorf("track %d: tkhd duration %d (movie %d), mdhd timescale %d", trak.Tkhd.TrackID, trak.Tkhd.Duration, mf.Moov.Mvhd.Duration, trak.Mdia.Mdhd.Timescale)
		}
	}
}

// TestNeroListHoldsLongSpaces: 407 turns are 407 chapters in the
// QuickTime track and 255 in the Nero list (its count is a byte), which
// still cover the whole file: the shortest neighbours are merged, not the
// tail cut off.
func TestNeroListHoldsLongSpaces(t *testing.T) {
	var chs []Chapter
	at := 0.0
	for i := range 407 {
		chs = append(chs, Chapter{at, "turn " + strconv.Itoa(i)})
		at += 0.005 * float64(1+i%3)
	}
	p := write(t, adtsAudio(t, 5), Meta{Chapters: chs}, nil)
	m := readMutagen(t, p)
	if len(m.Chapters) != 255 {
		t.Fatalf("mutagen reads %d Nero chapters, want 255", len(m.Chapters))
	}
	last, _ := m.Chapters[254][0].(float64)
	if first, _ := m.Chapters[0][0].(float64); first != 0 || last < chs[404].Start {
		t.Errorf("the Nero list runs %g-%g s; the turns %g-%g s", first, last, chs[0].Start, chs[406].Start)
	}
	b, _ := os.ReadFile(p)
	trackOnly := filepath.Join(t.TempDir(), "track.m4a")
	os.WriteFile(trackOnly, bytes.Replace(b, []byte("chpl"), []byte("xxxx"), 1), 0o644)
	out, err := exec.Command("ffprobe", "-v", "error", "-of", "json", "-show_chapters", trackOnly).Output()
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(out), `"start_time"`); n != 407 {
		t.Errorf("ffprobe reads %d chapters from the QuickTime track, want 407", n)
	}
}

func TestNeroChaptersMergeTheShortestNeighbours(t *testing.T) {
	chs := make([]Chapter, 256) // one too many: one merge
	for i := range chs {
		chs[i] = Chapter{float64(i * 10), strconv.Itoa(i)}
	}
	chs[99].Start = 985 // 98 lasts 5 s, 99 15 s: 97+98 (15 s) is the shortest pair
	got := neroChapters(chs, 2560)
	if len(got) != 255 {
		t.Fatalf("%d chapters", len(got))
	}
	if got[97] != (Chapter{970, "97"}) || got[98] != (Chapter{985, "99"}) || got[254] != (Chapter{2550, "255"}) {
		t.Errorf("around the merge: %v %v; the last %v", got[97], got[98], got[254])
	}
	if n := len(neroChapters(chs[:255], 2560)); n != 255 {
		t.Errorf("255 chapters became %d", n)
	}
}
