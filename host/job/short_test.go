package job

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

// TestChunkServedShortIsFetchedAgainThenKeptWithAWarning: X serves chunks
// 7 and 14 with 0.4 s less audio than their EXTINF, every time. Each is
// fetched twice, kept as served, and the download succeeds with warnings
// in the done event and in the info JSON; 0.8 s of 60 is no gap.
func TestChunkServedShortIsFetchedAgainThenKeptWithAWarning(t *testing.T) {
	const id = "1LeanChunksAb"
	e := newEnv(t, fakex.Options{}, fakex.SpaceSpec{ID: id, State: fakex.StateEnded, Replayable: true, Chunks: 20, LeanEvery: 7})
	ev := e.download(id, protocol.Options{WriteInfoJSON: true})
	if ev.Type != protocol.TypeJobDone || len(ev.Gaps) != 0 {
		t.Fatalf("job ended with %+v", ev)
	}
	for i, hits := range e.x.ChunkHits(id) {
		want := 1
		if i == 6 || i == 13 {
			want = 2
		}
		if hits != want {
			t.Errorf("chunk %d fetched %d times, want %d", i, hits, want)
		}
	}
	want := testaudio.Length(20) - 2*fakex.LeanFrames*1024/float64(testaudio.SampleRate)
	if math.Abs(ev.Duration-want) > 1e-6 {
		t.Errorf("duration %.3f, want %.3f: the frames served", ev.Duration, want)
	}
	warned := func(ws []string) bool {
		for _, w := range ws {
			if strings.Contains(w, "2 chunk(s) with less audio than its playlist lists") && strings.Contains(w, "chunk 7 at") && strings.Contains(w, "chunk 14 at") {
				return true
			}
		}
		return false
	}
	if !warned(ev.Warnings) {
		t.Errorf("done warnings %q", ev.Warnings)
	}
	f, err := os.Open(infoOf(ev.Path))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rec, err := record.Decode(f)
	if err != nil || !warned(rec.Warnings) || len(rec.Gaps) != 0 {
		t.Errorf("info JSON warnings %q, gaps %v (%v)", rec.Warnings, rec.Gaps, err)
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", ev.Path, 20); err != nil {
		t.Errorf("the file is not the chunks in order: %v", err)
	}
}

// TestChunksShortAllAlongAreAGap: every chunk 0.4 s short of its EXTINF
// makes the file 4 s short of the playlist's 30 s, more than a chunk: a
// gap, the file kept (the CLI exits 17 on it).
func TestChunksShortAllAlongAreAGap(t *testing.T) {
	const id = "1LeanAllAlong"
	e := newEnv(t, fakex.Options{}, fakex.SpaceSpec{ID: id, State: fakex.StateEnded, Replayable: true, Chunks: 10, LeanEvery: 1})
	ev := e.download(id, protocol.Options{})
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("job ended with %+v", ev)
	}
	if len(ev.Gaps) != 10 || math.Abs(ev.Gaps[3].StartS-(testaudio.Length(3)-3*fakex.LeanFrames*1024/float64(testaudio.SampleRate))) > 1e-6 {
		t.Fatalf("gaps %+v, want one at each of the 10 short chunks", ev.Gaps)
	}
	if _, err := os.Stat(ev.Path); err != nil {
		t.Fatalf("the file with gaps is kept: %v", err)
	}
	if !strings.Contains(strings.Join(ev.Warnings, " "), "less audio than the playlist lists") {
		t.Errorf("warnings %q", ev.Warnings)
	}
}
