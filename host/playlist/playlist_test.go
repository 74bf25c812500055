package playlist

import (
	"fmt"
	"math"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/protocol"
)

const liveBase = "https://prod-fastly-ap-northeast-1.video.pscp.tv/Transcoding/v1/hls/zUUp/non_transcode/ap-northeast-1/periscope-replay-direct-prod-ap-northeast-1-public/audio-space/dynamic_playlist.m3u8?type=live"

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func readSample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/dynamic_playlist_live.m3u8")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func checkLive(t *testing.T, p *Playlist) {
	t.Helper()
	if p.Master || p.Ended || p.MediaSequence != 1704 || p.TargetDuration != 4 {
		t.Fatalf("header: master=%v ended=%v seq=%d target=%v", p.Master, p.Ended, p.MediaSequence, p.TargetDuration)
	}
	if len(p.Segments) != 4 {
		t.Fatalf("got %d segments, want 4", len(p.Segments))
	}
	wantDur := []float64{3.008, 2.987, 3.008, 3.008}
	wantSeq := []string{"1720192654637762497_1704", "1720192657533692001_1705", "1720192660621786722_1706", "1720192663620883094_1707"}
	for i, s := range p.Segments {
		if s.SeqID != uint64(1704+i) || s.Duration != wantDur[i] {
			t.Errorf("segment %d: seq %d dur %v", i, s.SeqID, s.Duration)
		}
		raw := "chunk_" + wantSeq[i] + "_a.aac?type=live"
		if s.RawURI != raw {
			t.Errorf("segment %d RawURI %q, want %q", i, s.RawURI, raw)
		}
		want := strings.Replace(liveBase, "dynamic_playlist.m3u8?type=live", raw, 1)
		if u := p.SegmentURL(i); u.String() != want {
			t.Errorf("segment %d URI\n got %s\nwant %s", i, u, want)
		}
	}
	pdt := time.Date(2024, 7, 5, 15, 17, 43, 280e6, time.UTC)
	if !p.Segments[1].ProgramDateTime.Equal(pdt) {
		t.Errorf("segment 1 PDT %v, want %v", p.Segments[1].ProgramDateTime, pdt)
	}
	if d := p.TotalDuration(); math.Abs(d-12.011) > 1e-9 {
		t.Errorf("TotalDuration %v, want 12.011", d)
	}
}

func TestLiveSample(t *testing.T) {
	s := readSample(t)
	for name, in := range map[string]string{
		"as is":                    s,
		"CRLF":                     strings.ReplaceAll(s, "\n", "\r\n"),
		"BOM":                      "\ufeff" + s,
		"blank lines and BOM+CRLF": "\ufeff\r\n" + strings.ReplaceAll(s, "\n", "\r\n\r\n"),
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Parse(strings.NewReader(in), mustURL(t, liveBase))
			if err != nil {
				t.Fatal(err)
			}
			checkLive(t, p)
		})
	}
}

func TestMaster(t *testing.T) {
	in := "#EXTM3U\n#EXT-X-VERSION:3\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=131000,CODECS=\"mp4a.40.2\"\n" +
		"/Transcoding/v1/hls/abc/transcode/us-east-1/bucket/eyJ.x.y/audio-space/playlist_167.m3u8\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=64000\n" +
		"low/playlist_2.m3u8?type=replay\n"
	base := mustURL(t, "https://prod-fastly-us-east-1.video.pscp.tv/Transcoding/v1/hls/abc/non_transcode/us-east-1/bucket/audio-space/master_playlist.m3u8")
	p, err := Parse(strings.NewReader(in), base)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Master || len(p.Variants) != 2 || len(p.Segments) != 0 {
		t.Fatalf("got %+v", p)
	}
	if got, want := p.Variants[0].URI.String(), "https://prod-fastly-us-east-1.video.pscp.tv/Transcoding/v1/hls/abc/transcode/us-east-1/bucket/eyJ.x.y/audio-space/playlist_167.m3u8"; got != want {
		t.Errorf("variant 0 URI\n got %s\nwant %s", got, want)
	}
	if p.Variants[0].Bandwidth != 131000 || p.Variants[0].Codecs != "mp4a.40.2" {
		t.Errorf("variant 0: %+v", p.Variants[0])
	}
	if got, want := p.Variants[1].URI.String(), "https://prod-fastly-us-east-1.video.pscp.tv/Transcoding/v1/hls/abc/non_transcode/us-east-1/bucket/audio-space/low/playlist_2.m3u8?type=replay"; got != want {
		t.Errorf("variant 1 URI\n got %s\nwant %s", got, want)
	}
}

// TestLongReplay crosses the library's initial capacity of 1024 segments,
// where it grows its ring buffer and nil-pads Segments.
func TestLongReplay(t *testing.T) {
	const n = 2500
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:7\n#EXT-X-PLAYLIST-TYPE:VOD\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "#EXTINF:3.000,\nchunk_1720192654637762497_%d_a.aac?type=replay\n", i+7)
	}
	b.WriteString("#EXT-X-ENDLIST\n")
	p, err := Parse(strings.NewReader(b.String()), mustURL(t, "https://cdn.example/a/audio-space/playlist_1.m3u8?type=replay"))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Ended || len(p.Segments) != n || p.MediaSequence != 7 {
		t.Fatalf("ended=%v segments=%d seq=%d", p.Ended, len(p.Segments), p.MediaSequence)
	}
	for i, s := range p.Segments {
		if s.SeqID != uint64(i+7) || !strings.Contains(s.RawURI, fmt.Sprintf("_%d_a.aac", i+7)) {
			t.Fatalf("segment %d out of order: seq %d %s", i, s.SeqID, s.RawURI)
		}
	}
	if d := p.TotalDuration(); d != 3*n {
		t.Fatalf("TotalDuration %v, want %v", d, 3*n)
	}
}

func TestEmptyMediaPlaylistIsValid(t *testing.T) {
	p, err := Parse(strings.NewReader("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Master || len(p.Segments) != 0 || p.Ended {
		t.Fatalf("got %+v", p)
	}
}

func TestErrors(t *testing.T) {
	cases := map[string]string{
		"empty":          "",
		"whitespace":     " \r\n\n",
		"html":           "<html><body>404 Not Found</body></html>",
		"garbage":        "\x00\x01\xff\xfe junk",
		"no EXTM3U":      "#EXTINF:3,\nchunk.aac\n",
		"only EXTM3U":    "#EXTM3U\n",
		"file scheme":    "#EXTM3U\n#EXTINF:3,\nfile:///etc/passwd\n",
		"NaN duration":   "#EXTM3U\n#EXTINF:NaN,\nchunk.aac\n",
		"negative":       "#EXTM3U\n#EXTINF:-3,\nchunk.aac\n",
		"master no URIs": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n",
		"library panics": "#EXTM3U\n#EXT-X-KEY:METHOD=NONE\nchunk.aac\n",
		"map before any": "#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\nchunk.aac\n",
		"javascript URI": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\njavascript:alert(1)\n",
		"bad escape":     "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n%zz\n",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := Parse(strings.NewReader(in), mustURL(t, "https://cdn.example/p/playlist.m3u8"))
			if err == nil {
				t.Fatalf("no error; got %+v", p)
			}
			if c := protocol.CodeOf(err); c != protocol.CodeBadPlaylist {
				t.Fatalf("code %s, want %s (%v)", c, protocol.CodeBadPlaylist, err)
			}
			t.Log(err)
		})
	}
}

func TestTooLarge(t *testing.T) {
	r := strings.NewReader("#EXTM3U\n" + strings.Repeat("#", MaxSize))
	if _, err := Parse(r, nil); protocol.CodeOf(err) != protocol.CodeBadPlaylist {
		t.Fatalf("err %v", err)
	}
}

func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("testdata/dynamic_playlist_live.m3u8"); err == nil {
		f.Add(string(b))
	}
	f.Add("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n/a/b.m3u8\n")
	f.Add("#EXTM3U\n#EXT-X-KEY:METHOD=NONE\nchunk.aac\n")
	f.Add("#EXTM3U\n#EXTINF:3,\n#EXT-X-BYTERANGE:10@5\na.aac\n#EXT-X-ENDLIST\n")
	f.Add("#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",URI=\"x\"\n#EXT-X-STREAM-INF:AUDIO=\"a\"\nv.m3u8\n")
	base, _ := url.Parse("https://cdn.example/x/audio-space/playlist.m3u8?type=replay")
	f.Fuzz(func(t *testing.T, in string) {
		p, err := Parse(strings.NewReader(in), base)
		if err != nil {
			if protocol.CodeOf(err) != protocol.CodeBadPlaylist {
				t.Fatalf("code %s: %v", protocol.CodeOf(err), err)
			}
			return
		}
		for i, s := range p.Segments {
			if u := p.SegmentURL(i); u.Scheme != "http" && u.Scheme != "https" {
				t.Fatalf("segment URI %v", u)
			}
			if !(s.Duration >= 0) {
				t.Fatalf("duration %v", s.Duration)
			}
		}
		for _, v := range p.Variants {
			if v.URI == nil || (v.URI.Scheme != "http" && v.URI.Scheme != "https") {
				t.Fatalf("variant URI %v", v.URI)
			}
		}
	})
}

// A list that names one chunk twice lists one chunk: kept twice, its audio
// would be in the file twice. The first place counts; the numbering of the
// entries after it (and the last number, where a live list carries on) is
// X's.
func TestRepeatedURIKeptOnce(t *testing.T) {
	src := "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:10\n" +
		"#EXTINF:3.0,\nchunk_0.aac\n#EXTINF:3.0,\nchunk_1.aac\n#EXTINF:3.0,\nchunk_1.aac\n" +
		"#EXTINF:3.0,\nchunk_2.aac\n#EXTINF:3.0,\nchunk_0.aac\n#EXTINF:3.0,\nchunk_2.aac\n"
	p, err := Parse(strings.NewReader(src), mustURL(t, liveBase))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range p.Segments {
		got = append(got, fmt.Sprintf("%s@%d", s.RawURI, s.SeqID))
	}
	if strings.Join(got, " ") != "chunk_0.aac@10 chunk_1.aac@11 chunk_2.aac@13" || p.Repeats != 3 || p.LastSeq != 15 {
		t.Errorf("segments %v, %d repeats, last %d; want each chunk once, 3 repeats, last 15", got, p.Repeats, p.LastSeq)
	}
	if p.TotalDuration() != 9 {
		t.Errorf("duration %v, want 9", p.TotalDuration())
	}
}
