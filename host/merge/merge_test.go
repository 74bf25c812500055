package merge

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/adts"
	"github.com/spacekeep/spacekeep/host/internal/readers"
	"github.com/spacekeep/spacekeep/protocol"
)

// tones are the sine frequencies of the fixture chunks: a merged file is in
// order when each 3 s stretch carries the tone of its chunk.
var tones = []float64{440, 660, 880, 1100}

var fixture struct {
	once   sync.Once
	err    error
	dir    string
	chunks []string // one raw chunk per tone, shaped like X's
	cover  string   // a JPEG
	secs   float64  // audio seconds in each chunk
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

// id3Tag is an ID3v2.4 tag like the one in front of every X chunk.
func id3Tag(n int) []byte {
	b := []byte{'I', 'D', '3', 4, 0, 0, byte(n >> 21 & 0x7F), byte(n >> 14 & 0x7F), byte(n >> 7 & 0x7F), byte(n & 0x7F)}
	return append(b, bytes.Repeat([]byte{'P'}, n)...)
}

// tsJunk is a partial MPEG-TS header, as some X chunks carry before the tag.
var tsJunk = []byte("\x47\x41\x00\x30\x07\x50\x00\x00\x7b\x0c\x7e\x00\xff\xff\xff\xff")

func fixtures(t testing.TB) {
	t.Helper()
	fixture.once.Do(func() {
		fixture.dir, fixture.err = os.MkdirTemp("", "spacekeep-merge-")
		if fixture.err != nil {
			return
		}
		ffmpeg, err := FindFFmpeg("")
		if err != nil {
			fixture.err = err
			return
		}
		for i, f := range tones {
			raw := filepath.Join(fixture.dir, fmt.Sprintf("tone%d.aac", i))
			out, err := exec.Command(ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", fmt.Sprintf("sine=f=%g:d=3:r=48000", f),
				"-ac", "2", "-c:a", "aac", "-b:a", "96k", "-f", "adts", raw).CombinedOutput()
			if err != nil {
				fixture.err = fmt.Errorf("make chunk: %v: %s", err, out)
				return
			}
			audio, err := os.ReadFile(raw)
			if err != nil {
				fixture.err = err
				return
			}
			fixture.secs = adts.Duration(audio)
			var chunk []byte
			switch i % 3 {
			case 0: // junk + ID3 + ADTS
				chunk = append(append(append(chunk, tsJunk...), id3Tag(300)...), audio...)
			case 1: // ID3 + ADTS, like most chunks
				chunk = append(id3Tag(63), audio...)
			case 2: // bare ADTS
				chunk = audio
			}
			path := filepath.Join(fixture.dir, fmt.Sprintf("chunk_%d_a.aac", i))
			if fixture.err = os.WriteFile(path, chunk, 0o644); fixture.err != nil {
				return
			}
			fixture.chunks = append(fixture.chunks, path)
		}
		fixture.cover = filepath.Join(fixture.dir, "cover.jpg")
		if out, err := exec.Command(ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "color=red:s=64x64",
			"-frames:v", "1", fixture.cover).CombinedOutput(); err != nil {
			fixture.err = fmt.Errorf("make cover: %v: %s", err, out)
		}
	})
	if fixture.err != nil {
		t.Fatal(fixture.err)
	}
}

// order picks fixture chunks by tone index.
func order(idx ...int) []string {
	var p []string
	for _, i := range idx {
		p = append(p, fixture.chunks[i])
	}
	return p
}

func ffprobe(t testing.TB) string {
	t.Helper()
	ff, err := FindFFmpeg("")
	if err != nil {
		t.Fatal(err)
	}
	p, err := FFprobeFor(ff)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// checkTones decodes file and asserts that stretch i holds tones[want[i]].
func checkTones(t *testing.T, file string, want []int) {
	t.Helper()
	const rate = 8000
	ff, _ := FindFFmpeg("")
	pcm, err := exec.Command(ff, "-v", "error", "-i", file, "-f", "s16le", "-ac", "1", "-ar", fmt.Sprint(rate), "pipe:1").Output()
	if err != nil {
		t.Fatalf("decode %s: %v", file, err)
	}
	samples := make([]float64, len(pcm)/2)
	for i := range samples {
		samples[i] = float64(int16(binary.LittleEndian.Uint16(pcm[2*i:])))
	}
	for i, w := range want {
		// The middle second of the stretch, clear of joins and encoder delay.
		from := int((float64(i)*fixture.secs + 1) * rate)
		to := from + rate
		if to > len(samples) {
			t.Fatalf("stretch %d: file has only %.1f s", i, float64(len(samples))/rate)
		}
		best, bestP := -1, 0.0
		for j, f := range tones {
			if p := goertzel(samples[from:to], f, rate); p > bestP {
				best, bestP = j, p
			}
		}
		if best != w {
			t.Errorf("stretch %d holds %g Hz, want %g Hz", i, tones[best], tones[w])
		}
	}
}

// goertzel returns the power of freq in x.
func goertzel(x []float64, freq, rate float64) float64 {
	k := 2 * math.Cos(2*math.Pi*freq/rate)
	var s1, s2 float64
	for _, v := range x {
		s1, s2 = v+k*s1-s2, s1
	}
	return s1*s1 + s2*s2 - k*s1*s2
}

var tags = Tags{
	Title: "Ünïcode & \"quotes\" 🎙", Artist: "Host Name (@handle)", AlbumArtist: "Host Name",
	Album: "X Spaces", Date: "2024-07-05", Comment: "https://x.com/i/spaces/1OyKAWgagpqJb",
	EpisodeID: "1OyKAWgagpqJb", Genre: "Podcast", Description: "A Space about \"things\"",
}

// testChapters stand in for the speaker turns another part will feed.
var testChapters = []Chapter{{0, "Host Name"}, {4.5, "Guest — Ünïcode 🎙"}, {9.25, "Host Name"}}

// extinf is a fixture chunk's duration as a playlist lists it: in ms.
func extinf() float64 { return math.Round(fixture.secs*1000) / 1000 }

// checkChapters asserts what ffprobe -show_chapters reads in file.
func checkChapters(t *testing.T, file string, want []Chapter) {
	t.Helper()
	out, err := exec.Command(ffprobe(t), "-v", "error", "-print_format", "json", "-show_chapters", file).Output()
	if err != nil {
		t.Fatalf("ffprobe -show_chapters: %v", err)
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
	if len(pj.Chapters) != len(want) {
		t.Fatalf("ffprobe reads %d chapters, want %d: %s", len(pj.Chapters), len(want), out)
	}
	for i, c := range pj.Chapters {
		start, _ := strconv.ParseFloat(c.Start, 64)
		if c.Tags["title"] != want[i].Title || math.Abs(start-want[i].Start) > 0.001 {
			t.Errorf("chapter %d: %q at %s, want %q at %g", i, c.Tags["title"], c.Start, want[i].Title, want[i].Start)
		}
	}
}

func TestMerge(t *testing.T) {
	fixtures(t)
	seq := []int{3, 0, 2, 1, 1, 0}
	for _, format := range []string{FormatM4A, FormatMP3} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.part")
			var calls, chapterCalls int
			var lastDone, lastTotal int64
			res, err := Merge(context.Background(), order(seq...), out, Options{
				Format: format, Tags: tags, CoverPath: fixture.cover,
				ExpectedDuration: extinf() * float64(len(seq)),
				Chapters: func() []Chapter {
					chapterCalls++
					return testChapters
				},
				Progress: func(done, total int64) {
					calls++
					if done < lastDone || done > total {
						t.Errorf("progress %d/%d after %d", done, total, lastDone)
					}
					lastDone, lastTotal = done, total
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if chapterCalls != 1 {
				t.Errorf("Chapters called %d times, want once", chapterCalls)
			}
			if calls != len(seq) || lastDone != lastTotal || lastTotal == 0 {
				t.Errorf("progress: %d calls, last %d/%d", calls, lastDone, lastTotal)
			}
			// The audio's own length, to the AAC frame: not an mp3 encoder's padding.
			want := fixture.secs * float64(len(seq))
			if math.Abs(res.Duration-want) > 0.0005 {
				t.Errorf("Result.Duration %.3f, want %.3f", res.Duration, want)
			}
			if fi, err := os.Stat(out); err != nil || fi.Size() != res.Size {
				t.Errorf("Result.Size %d, file %v %v", res.Size, fi, err)
			}
			info, err := Probe(context.Background(), ffprobe(t), out)
			if err != nil {
				t.Fatal(err)
			}
			wantCodec := map[string]string{FormatM4A: "aac", FormatMP3: "mp3"}[format]
			if info.Codec != wantCodec || !info.HasCover {
				t.Errorf("codec %q cover %v; want %q with cover", info.Codec, info.HasCover, wantCodec)
			}
			for k, v := range map[string]string{"title": tags.Title, "artist": tags.Artist, "album_artist": tags.AlbumArtist,
				"album": tags.Album, "comment": tags.Comment, "genre": tags.Genre, "episode_id": tags.EpisodeID,
				"description": tags.Description} {
				if info.Tags[k] != v {
					t.Errorf("tag %s = %q, want %q", k, info.Tags[k], v)
				}
			}
			if !strings.HasPrefix(info.Tags["date"], "2024") {
				t.Errorf("tag date = %q", info.Tags["date"])
			}
			checkTones(t, out, seq)
			checkChapters(t, out, testChapters)
		})
	}
}

func TestMergeWithoutCover(t *testing.T) {
	fixtures(t)
	out := filepath.Join(t.TempDir(), "out.m4a")
	if _, err := Merge(context.Background(), order(0, 1), out, Options{}); err != nil {
		t.Fatal(err)
	}
	info, err := Probe(context.Background(), ffprobe(t), out)
	if err != nil || info.HasCover || info.Codec != "aac" {
		t.Fatalf("%+v %v", info, err)
	}
}

func TestMergeCorruptChunk(t *testing.T) {
	fixtures(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "chunk_bad.aac")
	if err := os.WriteFile(bad, append(id3Tag(63), "<html>403 Forbidden</html>"...), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.part")
	_, err := Merge(context.Background(), append(order(0, 1), bad), out, Options{})
	if protocol.CodeOf(err) != protocol.CodeBadPlaylist || !strings.Contains(err.Error(), "chunk 2") || !strings.Contains(err.Error(), "no AAC audio") {
		t.Fatalf("err = %v (code %s)", err, protocol.CodeOf(err))
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("output left behind: %v", err)
	}
}

func TestMergeMissingInputs(t *testing.T) {
	fixtures(t)
	out := filepath.Join(t.TempDir(), "out.part")
	_, err := Merge(context.Background(), order(0), out, Options{Format: FormatMP3, FFmpeg: "/nonexistent/ffmpeg"})
	if protocol.CodeOf(err) != protocol.CodeFFmpegMissing {
		t.Errorf("missing ffmpeg: %v (code %s)", err, protocol.CodeOf(err))
	}
	_, err = Merge(context.Background(), []string{filepath.Join(t.TempDir(), "gone.aac")}, out, Options{})
	if protocol.CodeOf(err) != protocol.CodeDisk {
		t.Errorf("missing chunk: %v (code %s)", err, protocol.CodeOf(err))
	}
	if _, err = Merge(context.Background(), nil, out, Options{}); err == nil {
		t.Error("no chunks: no error")
	}
	if _, err = Merge(context.Background(), order(0), out, Options{Format: "ogg"}); protocol.CodeOf(err) != protocol.CodeBadRequest {
		t.Errorf("bad format: %v", err)
	}
}

// TestMergeDurationMismatch: a playlist listing far more audio than its
// chunks hold is a gap, reported, with the file kept.
func TestMergeDurationMismatch(t *testing.T) {
	fixtures(t)
	for _, format := range []string{FormatM4A, FormatMP3} {
		out := filepath.Join(t.TempDir(), "out.part")
		res, err := Merge(context.Background(), order(0, 1, 2), out, Options{Format: format, ExpectedDuration: 3 * 10})
		if err != nil {
			t.Fatalf("%s: err = %v", format, err)
		}
		if want := 30 - 3*fixture.secs; math.Abs(res.Missing-want) > 0.1 {
			t.Fatalf("%s: Missing = %v, want %v", format, res.Missing, want)
		}
		if _, err := os.Stat(out); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
	}
}

// TestMergeFFmpegFails gives ffmpeg (mp3) and the m4a writer an output
// they cannot write.
func TestMergeFFmpegFails(t *testing.T) {
	fixtures(t)
	out := filepath.Join(t.TempDir(), "no-such-dir", "out.part")
	_, err := Merge(context.Background(), order(0, 1), out, Options{Format: FormatMP3})
	if protocol.CodeOf(err) != protocol.CodeFFmpegFailed || !strings.Contains(err.Error(), "No such file") {
		t.Fatalf("mp3: err = %v (code %s)", err, protocol.CodeOf(err))
	}
	_, err = Merge(context.Background(), order(0, 1), out, Options{})
	if protocol.CodeOf(err) != protocol.CodeDisk || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("m4a: err = %v (code %s)", err, protocol.CodeOf(err))
	}
}

func TestMergeCancel(t *testing.T) {
	fixtures(t)
	// An hour and a half of MP3 encoding: far longer than the test waits.
	var many []string
	for i := 0; i < 1800; i++ {
		many = append(many, fixture.chunks[i%len(fixture.chunks)])
	}
	out := filepath.Join(t.TempDir(), "cancel-"+fmt.Sprint(time.Now().UnixNano())+".part")
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	var once sync.Once
	go func() { <-started; time.Sleep(200 * time.Millisecond); cancel() }()
	begin := time.Now()
	_, err := Merge(ctx, many, out, Options{Format: FormatMP3, Progress: func(int64, int64) { once.Do(func() { close(started) }) }})
	if protocol.CodeOf(err) != protocol.CodeCancelled {
		t.Fatalf("err = %v (code %s)", err, protocol.CodeOf(err))
	}
	if d := time.Since(begin); d > 3*time.Second {
		t.Fatalf("Merge returned %v after the start, want promptly", d)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatal("partial output left behind")
	}
	if pids := processesWith(out); len(pids) > 0 {
		t.Fatalf("ffmpeg still running: %v", pids)
	}
}

// processesWith lists the pids whose command line mentions s (Linux /proc).
func processesWith(s string) []string {
	var pids []string
	cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, c := range cmdlines {
		if b, err := os.ReadFile(c); err == nil && bytes.Contains(b, []byte(s)) {
			pids = append(pids, filepath.Base(filepath.Dir(c)))
		}
	}
	return pids
}

func TestProbeNotAudio(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.m4a")
	os.WriteFile(p, []byte("not audio at all"), 0o644)
	if _, err := Probe(context.Background(), ffprobe(t), p); protocol.CodeOf(err) != protocol.CodeFFmpegFailed {
		t.Fatalf("err = %v", err)
	}
	if _, err := Probe(context.Background(), "/nonexistent/ffprobe", p); protocol.CodeOf(err) != protocol.CodeFFmpegMissing {
		t.Fatalf("err = %v", err)
	}
}

func TestFFmpegErrorDiskFull(t *testing.T) {
	tail := newTail(64)
	fmt.Fprintf(tail, "%s\n", strings.Repeat("noise ", 40))
	fmt.Fprintf(tail, "[ipod @ 0x1] Error writing trailer of out.part: No space left on device\n")
	err := ffmpegError(tail, fmt.Errorf("exit status 1"))
	if protocol.CodeOf(err) != protocol.CodeDisk {
		t.Fatalf("err = %v", err)
	}
	if len(tail.String()) > 64 {
		t.Fatalf("tail kept %d bytes", len(tail.String()))
	}
	tail = newTail(4096)
	fmt.Fprint(tail, "line one\nInvalid data found when processing input\n\n")
	if err := ffmpegError(tail, fmt.Errorf("exit status 1")); protocol.CodeOf(err) != protocol.CodeFFmpegFailed ||
		!strings.Contains(err.Error(), "Invalid data found") {
		t.Fatalf("err = %v", err)
	}
}

// BenchmarkMergeM4A merges a 2-hour Space: 2,400 chunks of ~37 KB.
func BenchmarkMergeM4A(b *testing.B) {
	fixtures(b)
	var many []string
	for i := 0; i < 2400; i++ {
		many = append(many, fixture.chunks[i%len(fixture.chunks)])
	}
	out := filepath.Join(b.TempDir(), "out.part")
	for b.Loop() {
		res, err := Merge(context.Background(), many, out, Options{Tags: tags, CoverPath: fixture.cover})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(res.Duration/3600, "hours")
	}
}

func TestMergeWaitsForChunksAsTheyArrive(t *testing.T) {
	fixtures(t)
	dir := t.TempDir()
	// The chunks "arrive" one by one: each is copied into place only when
	// the merge asks for it, as a download would finish them.
	src := order(0, 1, 2, 3)
	final := make([]string, len(src))
	for i := range src {
		final[i] = filepath.Join(dir, fmt.Sprintf("c%d.aac", i))
	}
	var asked []int
	ready := func(ctx context.Context, i int) error {
		asked = append(asked, i)
		b, err := os.ReadFile(src[i])
		if err != nil {
			return err
		}
		return os.WriteFile(final[i], b, 0o600)
	}
	out := filepath.Join(dir, "out.m4a")
	res, err := Merge(context.Background(), final, out, Options{Ready: ready, ExpectedDuration: 4 * extinf()})
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	if len(asked) != 4 || asked[0] != 0 || asked[3] != 3 {
		t.Fatalf("Ready asked for %v, want each chunk in order", asked)
	}
	if want := 4 * fixture.secs; math.Abs(res.Duration-want) > 0.2 {
		t.Fatalf("duration %.2f, want %.2f", res.Duration, want)
	}
	checkTones(t, out, []int{0, 1, 2, 3})
}

func TestMergeStopsWhenTheDownloadFails(t *testing.T) {
	fixtures(t)
	boom := protocol.Errorf(protocol.CodeNetwork, "the CDN went away")
	ready := func(ctx context.Context, i int) error {
		if i == 2 {
			return boom
		}
		return nil
	}
	out := filepath.Join(t.TempDir(), "out.m4a")
	_, err := Merge(context.Background(), order(0, 1, 2), out, Options{Ready: ready})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the download's error", err)
	}
	if _, serr := os.Stat(out); !os.IsNotExist(serr) {
		t.Fatalf("a failed merge left %s", out)
	}
}

func TestMergeSourceEndsWithEOFAndComparesTheListedDuration(t *testing.T) {
	fixtures(t)
	// A list that grows while the merge runs and ends after 3 chunks.
	src := order(2, 0, 1)
	var asked []int
	source := func(listed float64) func(ctx context.Context, i int) (string, float64, error) {
		return func(ctx context.Context, i int) (string, float64, error) {
			asked = append(asked, i)
			if i >= len(src) {
				return "", 0, io.EOF
			}
			return src[i], listed, nil
		}
	}
	out := filepath.Join(t.TempDir(), "out.m4a")
	res, err := Merge(context.Background(), nil, out, Options{Source: source(fixture.secs)})
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	if len(asked) != 4 || asked[3] != 3 {
		t.Fatalf("Source asked for %v, want 0..3", asked)
	}
	if want := 3 * fixture.secs; math.Abs(res.Duration-want) > 0.2 {
		t.Fatalf("duration %.2f, want %.2f", res.Duration, want)
	}
	checkTones(t, out, []int{2, 0, 1})

	// The playlist listing 2 s more for each chunk: each is short, and
	// the file lacks more than a chunk's worth.
	asked = nil
	res, err = Merge(context.Background(), nil, out, Options{Source: source(fixture.secs + 2)})
	if err != nil || len(res.Short) != 3 || math.Abs(res.Missing-6) > 1e-6 {
		t.Fatalf("listed 6 s more than fed: short %v, missing %v, err %v", res.Short, res.Missing, err)
	}
	// A list that ends before its first chunk merges nothing.
	empty := func(ctx context.Context, i int) (string, float64, error) { return "", 0, io.EOF }
	if _, err := Merge(context.Background(), nil, out, Options{Source: empty}); protocol.CodeOf(err) != protocol.CodeBadPlaylist {
		t.Fatalf("empty list: err = %v, want bad_playlist", err)
	}
	if _, serr := os.Stat(out); !os.IsNotExist(serr) {
		t.Fatalf("a failed merge left %s", out)
	}
}

// TestMP3TagsReadByMutagen reads the mp3's ID3 tag with mutagen: chapters
// as CHAP frames listed by a CTOC, the Space's URL as a real COMM frame
// (not TXXX:comment), the cover as APIC type 3 (front cover).
func TestMP3TagsReadByMutagen(t *testing.T) {
	fixtures(t)
	out := filepath.Join(t.TempDir(), "out.mp3")
	seq := []int{0, 1, 2, 3}
	res, err := Merge(context.Background(), order(seq...), out, Options{Format: FormatMP3, Tags: tags, CoverPath: fixture.cover,
		Chapters: func() []Chapter { return testChapters }})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Length   float64             `json:"length"`
		Chapters [][3]any            `json:"chapters"` // id, start ms, end ms, title
		Titles   []string            `json:"titles"`
		TOC      []string            `json:"toc"`
		TOCFlags int                 `json:"toc_flags"`
		Comments [][2]string         `json:"comments"` // lang, text
		Pictures [][2]any            `json:"pictures"` // type, mime
		Frames   map[string][]string `json:"frames"`
	}
	readers.Python(t, &got, `
import json, sys
from mutagen.mp3 import MP3
f = MP3(sys.argv[1])
t = f.tags
chaps = [[c.element_id, c.start_time, c.end_time] for c in t.getall("CHAP")]
titles = [str(c.sub_frames["TIT2"]) if "TIT2" in c.sub_frames else "" for c in t.getall("CHAP")]
toc = t.getall("CTOC")
print(json.dumps({"length": f.info.length, "chapters": chaps, "titles": titles,
  "toc": list(toc[0].child_element_ids) if toc else [], "toc_flags": int(toc[0].flags) if toc else -1,
  "comments": [[c.lang, str(c.text[0])] for c in t.getall("COMM")],
  "pictures": [[int(p.type), p.mime] for p in t.getall("APIC")],
  "frames": {k: [str(x) for x in v.text] for k, v in t.items() if hasattr(v, "text") and not k.startswith("COMM")}}))
`, out)
	if len(got.Chapters) != len(testChapters) || len(got.TOC) != len(testChapters) || got.TOCFlags != 3 {
		t.Fatalf("chapters %v, toc %v (flags %d)", got.Chapters, got.TOC, got.TOCFlags)
	}
	for i, c := range got.Chapters {
		end := res.Duration
		if i+1 < len(testChapters) {
			end = testChapters[i+1].Start
		}
		start, _ := c[1].(float64)
		stop, _ := c[2].(float64)
		if c[0] != got.TOC[i] || got.Titles[i] != testChapters[i].Title || start != math.Round(testChapters[i].Start*1000) || stop != math.Round(end*1000) {
			t.Errorf("chapter %d: %v %q, want %q %g-%g s", i, c, got.Titles[i], testChapters[i].Title, testChapters[i].Start, end)
		}
	}
	if len(got.Comments) != 1 || got.Comments[0] != [2]string{"eng", tags.Comment} {
		t.Errorf("COMM frames %v", got.Comments)
	}
	if len(got.Pictures) != 1 || got.Pictures[0][0] != float64(3) || got.Pictures[0][1] != "image/png" && got.Pictures[0][1] != "image/jpeg" {
		t.Errorf("APIC frames %v, want one front cover", got.Pictures)
	}
	if f := got.Frames; f["TIT2"][0] != tags.Title || f["TPE1"][0] != tags.Artist || f["TXXX:episode_id"][0] != tags.EpisodeID || len(f["TXXX:comment"]) != 0 {
		t.Errorf("frames %v", f)
	}
	if math.Abs(got.Length-res.Duration) > 0.06 {
		t.Errorf("mutagen reads %.3f s, the audio is %.3f s", got.Length, res.Duration)
	}
}

// TestMP3ChaptersPast255: a CTOC lists at most 255 chapters (its count is
// a byte): a longer Space's shortest neighbouring turns are merged, and the
// CHAP frames still run from 0 to the end of the audio.
func TestMP3ChaptersPast255(t *testing.T) {
	var chs []Chapter
	for i := range 407 {
		chs = append(chs, Chapter{Start: float64(i) * 10, Title: fmt.Sprintf("turn %d", i)})
	}
	p := filepath.Join(t.TempDir(), "tag.id3")
	if err := os.WriteFile(p, mp3Tag(Tags{Title: "t"}, nil, chs, 4070), 0o644); err != nil {
		t.Fatal(err)
	}
	var got struct {
		TOC   int      `json:"toc"`
		Chaps [][2]int `json:"chaps"`
	}
	readers.Python(t, &got, `
import json, sys
from mutagen.id3 import ID3
t = ID3(sys.argv[1])
print(json.dumps({"toc": len(t.getall("CTOC")[0].child_element_ids),
                  "chaps": sorted([c.start_time, c.end_time] for c in t.getall("CHAP"))}))
`, p)
	if got.TOC != 255 || len(got.Chaps) != 255 {
		t.Fatalf("CTOC lists %d, %d CHAP frames; want 255", got.TOC, len(got.Chaps))
	}
	for i, c := range got.Chaps {
		if i > 0 && c[0] != got.Chaps[i-1][1] {
			t.Errorf("chapter %d starts at %d ms, the one before ends at %d", i, c[0], got.Chaps[i-1][1])
		}
	}
	if got.Chaps[0][0] != 0 || got.Chaps[254][1] != 4070000 {
		t.Errorf("chapters run %d-%d ms, want 0-4070000", got.Chaps[0][0], got.Chaps[254][1])
	}
}
