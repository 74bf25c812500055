package job

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/merge"
	"github.com/spacekeep/spacekeep/host/syncbuf"
	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

// env is one fake x.com with a Manager pointed at it.
type env struct {
	t       *testing.T
	x       *fakex.Server
	m       *Manager
	out     string
	cache   string
	cookies protocol.Cookies
	logs    *syncbuf.Buffer
}

func newEnv(t *testing.T, opts fakex.Options, specs ...fakex.SpaceSpec) *env {
	t.Helper()
	x, err := fakex.New(opts)
	if err != nil {
		t.Fatalf("fakex.New: %v", err)
	}
	if len(specs) == 0 {
		specs = fakex.DefaultSpaces()
	}
	for _, s := range specs {
		x.AddSpace(s)
	}
	if err := x.Start(); err != nil {
		t.Fatalf("fakex.Start: %v", err)
	}
	t.Cleanup(x.Close)
	auth, ct0 := x.Session()
	e := &env{t: t, x: x, out: t.TempDir(), cache: t.TempDir(), cookies: protocol.Cookies{AuthToken: auth, CT0: ct0}, logs: &syncbuf.Buffer{}}
	e.m = NewManager(Config{APIBase: x.APIBase(), CacheDir: e.cache, Log: zerolog.New(e.logs).Level(zerolog.DebugLevel),
		LivePoll: 20 * time.Millisecond, StatusPoll: 50 * time.Millisecond, LiveQuiet: time.Second,
		WaitPoll: 40 * time.Millisecond, WaitPollSoon: 15 * time.Millisecond})
	t.Cleanup(e.m.Close)
	return e
}

// download runs one job to its end and returns its final event.
func (e *env) download(space string, o protocol.Options) protocol.Event {
	e.t.Helper()
	if o.OutputDir == "" {
		o.OutputDir = e.out
	}
	id, err := e.m.Start(protocol.DownloadStart{Space: space, Cookies: e.cookies, Options: o})
	if err != nil {
		e.t.Fatalf("Start(%s): %v", space, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ev, err := e.m.Wait(ctx, id)
	if err != nil {
		e.t.Fatalf("Wait: %v", err)
	}
	return ev
}

// checkSecrets fails if a cookie value reached the logs, or a cookie the CDN.
func (e *env) checkSecrets(extra ...string) {
	e.t.Helper()
	for _, s := range append([]string{e.cookies.AuthToken, e.cookies.CT0}, extra...) {
		if strings.Contains(e.logs.String(), s) {
			e.t.Errorf("a cookie value reached the log")
		}
	}
	for _, r := range e.x.Requests() {
		if r.Listener == "cdn" && r.HasCookie {
			e.t.Errorf("cookies were sent to the CDN: %s", r.Path)
		}
	}
}

// endAndCheck ends the live Space and waits for job id: it must finish
// with a file of every chunk the Space had (at least min), once each, in order.
func (e *env) endAndCheck(id, space string, min int) protocol.Event {
	e.t.Helper()
	if err := e.x.EndSpace(space); err != nil {
		e.t.Fatal(err)
	}
	ev, err := e.m.Wait(e.t.Context(), id)
	if err != nil || ev.Type != protocol.TypeJobDone {
		e.t.Fatalf("the recording ended with %+v %v", ev, err)
	}
	n := chunksOf(e.t, e.x, space)
	if n < min || ev.ChunksDone != n {
		e.t.Errorf("recorded %d chunks, the Space has %d (at least %d)", ev.ChunksDone, n, min)
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", ev.Path, n); err != nil {
		e.t.Fatalf("the recording is not every chunk from the first, once, in order: %v", err)
	}
	return ev
}

func chunksOf(t *testing.T, x *fakex.Server, id string) int {
	spec, ok := x.Space(id)
	if !ok {
		t.Fatalf("no Space %s", id)
	}
	return spec.Chunks
}

func TestDownloadDemoIsCompleteTaggedAndInOrder(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	ev := e.download("https://x.com/i/spaces/"+fakex.DemoID+"/peek", protocol.Options{WriteInfoJSON: true})
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("job ended with %+v", ev)
	}
	if filepath.Dir(ev.Path) != e.out || !strings.HasSuffix(ev.Path, "["+fakex.DemoID+"].m4a") {
		t.Errorf("path %s: want a file named for the Space inside %s", ev.Path, e.out)
	}
	if want := "2024-06-28 @spacekeeper - Keeping Spaces - a demo [" + fakex.DemoID + "].m4a"; filepath.Base(ev.Path) != want {
		t.Errorf("file name %q, want %q", filepath.Base(ev.Path), want)
	}
	n := chunksOf(t, e.x, fakex.DemoID)
	if err := testaudio.Verify(context.Background(), "ffmpeg", ev.Path, n); err != nil {
		t.Fatalf("the file is not the Space's audio, complete and in order: %v", err)
	}
	ffprobe, _ := merge.FFprobeFor("/usr/bin/ffmpeg")
	info, err := merge.Probe(context.Background(), ffprobe, ev.Path)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"title": "Keeping Spaces: a demo", "artist": "Space Keeper (@spacekeeper)",
		"comment": "https://x.com/i/spaces/" + fakex.DemoID} {
		if got := info.Tags[k]; got != want {
			t.Errorf("tag %s = %q, want %q", k, got, want)
		}
	}
	if !info.HasCover {
		t.Error("no cover art")
	}
	if info.Codec != "aac" {
		t.Errorf("codec %s, want aac copied as is", info.Codec)
	}
	if _, err := os.Stat(strings.TrimSuffix(ev.Path, ".m4a") + ".info.json"); err != nil {
		t.Errorf("no info json: %v", err)
	}
	if _, err := os.Stat(filepath.Join(e.cache, fakex.DemoID)); !os.IsNotExist(err) {
		t.Errorf("cache not removed after success: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(e.out, ".*")); len(m) > 0 {
		t.Errorf("temporary files left in the output folder: %v", m)
	}
	e.checkSecrets()
}

func TestDownloadSurvivesXQuirks(t *testing.T) {
	e := newEnv(t, fakex.Options{RequiredFeatures: []string{"brand_new_feature_enabled", "another_flag_enabled"},
		DeadQueryIDs: []string{"rC2zlE1t7SHbVG8obPZliQ"}, RateLimitFirst: 1})
	for _, id := range []string{fakex.LegacyMasterID, fakex.TimedOutID, fakex.WrappedID, fakex.TWPrefixID,
		fakex.Playlist404ID, fakex.JunkID, fakex.FlakyChunksID} {
		t.Run(id, func(t *testing.T) {
			ev := e.download(id, protocol.Options{})
			if ev.Type != protocol.TypeJobDone {
				t.Fatalf("job ended with %+v", ev)
			}
			if err := testaudio.Verify(context.Background(), "ffmpeg", ev.Path, chunksOf(t, e.x, id)); err != nil {
				t.Fatalf("bad audio: %v", err)
			}
		})
	}
	e.checkSecrets()
}

func TestDownloadRefusesWithClearCodes(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	for id, code := range map[string]protocol.Code{
		fakex.NoReplayID: protocol.CodeNotReplayable,
		fakex.CanceledID: protocol.CodeNotReplayable,
		"1AAAAAAAAAAAA":  protocol.CodeNotFound,
	} {
		ev := e.download(id, protocol.Options{})
		if ev.Type != protocol.TypeJobFailed || ev.Code != code {
			t.Errorf("%s: got %s %s (%s), want failed %s", id, ev.Type, ev.Code, ev.Message, code)
		}
		if ev.Message == "" {
			t.Errorf("%s: no message", id)
		}
	}
	if ev := e.download(fakex.CanceledID, protocol.Options{}); !strings.Contains(ev.Message, "cancelled before it started") {
		t.Errorf("a cancelled Space: %q, want it said plainly", ev.Message)
	}
	// A scheduled Space is not refused: the job waits for it to start.
	id, err := e.m.Start(protocol.DownloadStart{Space: fakex.NotStartedID, Cookies: e.cookies, Options: protocol.Options{OutputDir: e.out}})
	if err != nil {
		t.Fatal(err)
	}
	e.waitStage(id, protocol.StageWaiting)
	e.m.Cancel(id)
	if ev, _ := e.m.Wait(t.Context(), id); ev.Code != protocol.CodeCancelled {
		t.Errorf("%s: cancelled while waiting ended with %+v", fakex.NotStartedID, ev)
	}
	entries, _ := os.ReadDir(e.out)
	if len(entries) != 0 {
		t.Errorf("failed jobs left files: %v", entries)
	}
}

// waitStage waits until the job's latest event is at stage and returns it.
func (e *env) waitStage(id, stage string) protocol.Event {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, j := range e.m.List() {
			if j.Job == id && j.Stage == stage {
				return j
			}
			if j.Job == id && j.Type != protocol.TypeJobProgress {
				e.t.Fatalf("job ended with %+v, want stage %s", j, stage)
			}
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("job %s never reached stage %s", id, stage)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestDownloadBadCookies(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	e.cookies = protocol.Cookies{AuthToken: "notavalidtoken123", CT0: "notavalidct0456"}
	ev := e.download(fakex.DemoID, protocol.Options{})
	if ev.Code != protocol.CodeAuth {
		t.Fatalf("got %+v, want auth_required", ev)
	}
	if strings.Contains(ev.Message, "notavalid") {
		t.Errorf("the error shows a cookie value: %s", ev.Message)
	}
	e.checkSecrets("notavalidtoken123", "notavalidct0456")
	e.cookies.CT0 = ""
	if _, err := e.m.Start(protocol.DownloadStart{Space: fakex.DemoID, Cookies: e.cookies}); protocol.CodeOf(err) != protocol.CodeAuth {
		t.Errorf("a missing ct0: %v, want auth_required", err)
	}
}

func TestHostileTitleStaysInsideTheFolder(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	ev := e.download(fakex.HostileTitleID, protocol.Options{Format: "m4a"})
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("job ended with %+v", ev)
	}
	if filepath.Dir(ev.Path) != e.out {
		t.Fatalf("wrote %s outside %s", ev.Path, e.out)
	}
	name := filepath.Base(ev.Path)
	if strings.ContainsAny(name, "/\\\x00<>:\"|?*") || len(name) > 255 {
		t.Errorf("unsafe file name %q", name)
	}
	// The same Space fetched again (--force) never overwrites the first file.
	e.m.cfg.Force = true
	ev2 := e.download(fakex.HostileTitleID, protocol.Options{})
	if ev2.Type != protocol.TypeJobDone || ev2.Path == ev.Path {
		t.Fatalf("second download: %+v (first at %s)", ev2, ev.Path)
	}
}

func TestCancelThenResumeFetchesNothingTwice(t *testing.T) {
	e := newEnv(t, fakex.Options{Latency: 20 * time.Millisecond, ConnBandwidth: 200 << 10},
		fakex.SpaceSpec{ID: fakex.DemoID, Title: "Slow", State: fakex.StateEnded, Replayable: true, Chunks: 40,
			HostName: "H", HostHandle: "h"})
	id, err := e.m.Start(protocol.DownloadStart{Space: fakex.DemoID, Cookies: e.cookies, Options: protocol.Options{OutputDir: e.out, Concurrency: 2}})
	if err != nil {
		t.Fatal(err)
	}
	// Cancel once some, not all, chunks are on disk.
	deadline := time.Now().Add(30 * time.Second)
	for {
		hits := e.x.ChunkHits(fakex.DemoID)
		if len(hits) >= 5 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	asked := time.Now()
	e.m.Cancel(id)
	ev, _ := e.m.Wait(context.Background(), id)
	if ev.Code != protocol.CodeCancelled {
		t.Fatalf("cancel ended with %+v", ev)
	}
	if d := time.Since(asked); d > time.Second {
		t.Errorf("cancel took %s", d)
	}
	kept, _ := filepath.Glob(filepath.Join(e.cache, fakex.DemoID, "chunks", "chunk_*.aac"))
	if len(kept) == 0 {
		t.Fatal("cancel kept no chunk")
	}
	hitsAtCancel := e.x.ChunkHits(fakex.DemoID)
	ev = e.download(fakex.DemoID, protocol.Options{})
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("resume ended with %+v", ev)
	}
	// Chunks on disk are never fetched again; only those cut off by the
	// cancel (at most the two in flight) are fetched a second time.
	again := 0
	for i, n := range e.x.ChunkHits(fakex.DemoID) {
		if n > hitsAtCancel[i] && hitsAtCancel[i] > 0 {
			again++
		}
		if n > 2 {
			t.Errorf("chunk %d fetched %d times", i, n)
		}
	}
	if again > 2 {
		t.Errorf("%d chunks fetched again after the cancel, though %d were on disk", again, len(kept))
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", ev.Path, 40); err != nil {
		t.Fatal(err)
	}
}

func TestSpaceInfo(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	info, err := e.m.SpaceInfo(context.Background(), protocol.SpaceQuery{Space: fakex.LegacyMasterID, Cookies: e.cookies})
	if err != nil {
		t.Fatal(err)
	}
	if info.HostHandle != "oldtimer" || !info.Replayable || info.State != "Ended" || info.Title == "" {
		t.Errorf("info = %+v", info)
	}
}

func TestJobsShareTheConnectionCap(t *testing.T) {
	e := newEnv(t, fakex.Options{Latency: 5 * time.Millisecond, ConnBandwidth: 400 << 10})
	e.m.Close()
	e.m = NewManager(Config{APIBase: e.x.APIBase(), CacheDir: e.cache, MaxConns: 3, Log: zerolog.Nop()})
	var ids []string
	for _, space := range []string{fakex.DemoID, fakex.TimedOutID} {
		id, err := e.m.Start(protocol.DownloadStart{Space: space, Cookies: e.cookies, Options: protocol.Options{OutputDir: e.out}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if again, _ := e.m.Start(protocol.DownloadStart{Space: fakex.DemoID, Cookies: e.cookies, Options: protocol.Options{OutputDir: e.out}}); again != ids[0] {
		t.Errorf("starting a running Space again made job %s, want the running %s", again, ids[0])
	}
	for _, id := range ids {
		ev, err := e.m.Wait(t.Context(), id)
		if err != nil || ev.Type != protocol.TypeJobDone {
			t.Fatalf("job %s: %+v %v", id, ev, err)
		}
	}
	if n := e.x.MaxConcurrentChunks(); n > 3 || n < 2 {
		t.Errorf("%d chunk requests at once across two jobs, want the cap of 3 used and kept", n)
	}
	if got := len(e.m.List()); got != 2 {
		t.Errorf("List has %d jobs, want 2", got)
	}
}

// liveEnv serves one Space that is live now and gains a chunk every 30 ms.
func liveEnv(t *testing.T) *env {
	return newEnv(t, fakex.Options{}, fakex.SpaceSpec{ID: fakex.LiveID, Title: "On air", State: fakex.StateRunning,
		Chunks: 4, LiveInterval: 30 * time.Millisecond, HostName: "H", HostHandle: "h"})
}

// collect records every event from now on; the returned function gives a
// copy of those so far.
func (e *env) collect() func() []protocol.Event {
	var (
		mu     sync.Mutex
		events []protocol.Event
	)
	unsub := e.m.Subscribe(func(ev protocol.Event) {
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	})
	e.t.Cleanup(unsub)
	return func() []protocol.Event {
		mu.Lock()
		defer mu.Unlock()
		return append([]protocol.Event(nil), events...)
	}
}

// startLive starts recording the live Space, collects its events, and
// returns once the recording has fetched at least min chunks.
func (e *env) startLive(min int) (string, func() []protocol.Event) {
	e.t.Helper()
	events := e.collect()
	id, err := e.m.Start(protocol.DownloadStart{Space: fakex.LiveID, Cookies: e.cookies, Options: protocol.Options{OutputDir: e.out}})
	if err != nil {
		e.t.Fatal(err)
	}
	// Chunks on disk, not chunks asked for: those in flight may be cut off.
	onDisk := filepath.Join(e.cache, fakex.LiveID, "chunks", "chunk_*.aac")
	deadline := time.Now().Add(30 * time.Second)
	for {
		have, _ := filepath.Glob(onDisk)
		if len(have) >= min {
			break
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("the recording had %d chunks on disk after 30 s", len(have))
		}
		time.Sleep(5 * time.Millisecond)
	}
	return id, events
}

func TestRecordLiveSpaceUntilItEnds(t *testing.T) {
	e := liveEnv(t)
	id, events := e.startLive(12)
	ev := e.endAndCheck(id, fakex.LiveID, 12)
	if ev.Space == nil || ev.Space.State != "Ended" {
		t.Errorf("the finished recording's Space is %+v, want the Ended state X reports now", ev.Space)
	}
	polls := 0
	for _, r := range e.x.Requests() {
		if r.Listener == "cdn" && strings.HasSuffix(r.Path, ".m3u8") {
			polls++
		}
	}
	if polls < 4 {
		t.Errorf("the playlist was read %d times: the recording did not follow it", polls)
	}
	for i, hits := range e.x.ChunkHits(fakex.LiveID) {
		if hits != 1 {
			t.Errorf("chunk %d fetched %d times", i, hits)
		}
	}
	recording := 0
	for _, ev := range events() {
		if ev.Stage != protocol.StageRecording {
			continue
		}
		recording++
		if ev.ETA != 0 {
			t.Errorf("a live recording has no ETA: %+v", ev)
		}
		// By the playlist's EXTINF (rounded to 3.000 s): within 1 % of the audio.
		if want := float64(ev.ChunksDone) * testaudio.ChunkDuration; ev.ChunksDone > 0 && math.Abs(ev.Duration-want) > want/100 {
			t.Errorf("recording event with %d chunks says %.2f s", ev.ChunksDone, ev.Duration)
		}
	}
	if recording == 0 {
		t.Error("no recording progress event")
	}
	if _, err := os.Stat(filepath.Join(e.cache, fakex.LiveID)); !os.IsNotExist(err) {
		t.Errorf("cache not removed after the recording: %v", err)
	}
	e.checkSecrets()
}

func TestStopLiveRecordingKeepsIt(t *testing.T) {
	e := liveEnv(t)
	id, _ := e.startLive(10)
	asked := time.Now()
	if err := e.m.Cancel(id); err != nil {
		t.Fatal(err)
	}
	ev, err := e.m.Wait(t.Context(), id)
	if err != nil || ev.Type != protocol.TypeJobDone {
		t.Fatalf("stop ended with %+v %v", ev, err)
	}
	if d := time.Since(asked); d > 5*time.Second {
		t.Errorf("stop took %s", d)
	}
	// Kept: the chunks on disk at the stop, up to the first one in flight.
	if hits := len(e.x.ChunkHits(fakex.LiveID)); ev.ChunksDone < 4 || ev.ChunksDone > hits {
		t.Errorf("kept %d chunks; %d were asked for", ev.ChunksDone, hits)
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", ev.Path, ev.ChunksDone); err != nil {
		t.Fatalf("the kept recording is not its chunks once, in order: %v", err)
	}
	if spec, _ := e.x.Space(fakex.LiveID); spec.State != fakex.StateRunning {
		t.Errorf("the Space is %s: stopping a recording must not need the Space to end", spec.State)
	}
}

func TestCloseCancelsLiveRecordingAndKeepsTheCache(t *testing.T) {
	e := liveEnv(t)
	id, _ := e.startLive(8)
	chunks := filepath.Join(e.cache, fakex.LiveID, "chunks", "chunk_*.aac")
	e.m.Close()
	ev, _ := e.m.Wait(t.Context(), id)
	if ev.Type != protocol.TypeJobFailed || ev.Code != protocol.CodeCancelled {
		t.Fatalf("Close ended the recording with %+v", ev)
	}
	kept, _ := filepath.Glob(chunks)
	if len(kept) < 8 {
		t.Errorf("the cache kept %d chunks", len(kept))
	}
}

// scheduledEnv serves one Space scheduled to start in a moment.
func scheduledEnv(t *testing.T, in time.Duration) (*env, time.Time) {
	at := time.Now().Add(in).Truncate(time.Millisecond)
	return newEnv(t, fakex.Options{}, fakex.SpaceSpec{ID: fakex.NotStartedID, Title: "Soon", State: fakex.StateNotStarted,
		ScheduledStart: at, HostName: "H", HostHandle: "h"}), at
}

// startWaiting starts a download of the scheduled Space and returns once
// the job waits for it to start, with the events it sent.
func (e *env) startWaiting() (string, protocol.Event, func() []protocol.Event) {
	e.t.Helper()
	events := e.collect()
	id, err := e.m.Start(protocol.DownloadStart{Space: fakex.NotStartedID, Cookies: e.cookies, Options: protocol.Options{OutputDir: e.out}})
	if err != nil {
		e.t.Fatal(err)
	}
	ev := e.waitStage(id, protocol.StageWaiting)
	return id, ev, events
}

// apiPolls counts the AudioSpaceById calls the fake answered.
func (e *env) apiPolls() int {
	n := 0
	for _, r := range e.x.Requests() {
		if strings.HasSuffix(r.Path, "/AudioSpaceById") {
			n++
		}
	}
	return n
}

func TestRecordScheduledSpaceWhenItStarts(t *testing.T) {
	e, at := scheduledEnv(t, 150*time.Millisecond)
	id, waiting, events := e.startWaiting()
	if waiting.Space == nil || waiting.Space.StartedAt != at.UnixMilli() || waiting.Space.State != fakex.StateNotStarted {
		t.Errorf("the waiting event says %+v, want the scheduled start %d", waiting.Space, at.UnixMilli())
	}
	// The job keeps asking X while it waits, also once the start is due.
	for polls := e.apiPolls(); e.apiPolls() < polls+3; {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(time.Until(at.Add(30 * time.Millisecond)))
	if ev := e.m.List()[0]; ev.Stage != protocol.StageWaiting {
		t.Fatalf("a late Space: the job is at %+v, want still waiting", ev)
	}
	// The Space starts: the job records it from its start until it ends.
	e.x.AddSpace(fakex.SpaceSpec{ID: fakex.NotStartedID, Title: "Soon", State: fakex.StateRunning, PlaylistShape: fakex.ShapeLive,
		Chunks: 3, LiveInterval: 30 * time.Millisecond, HostName: "H", HostHandle: "h"})
	e.waitStage(id, protocol.StageRecording)
	deadline := time.Now().Add(30 * time.Second)
	for len(e.x.ChunkHits(fakex.NotStartedID)) < 8 {
		if time.Now().After(deadline) {
			t.Fatalf("the recording fetched %d chunks in 30 s", len(e.x.ChunkHits(fakex.NotStartedID)))
		}
		time.Sleep(10 * time.Millisecond)
	}
	e.endAndCheck(id, fakex.NotStartedID, 8)
	var stages []string
	for _, ev := range events() {
		if len(stages) == 0 || stages[len(stages)-1] != ev.Stage {
			stages = append(stages, ev.Stage)
		}
	}
	if got := strings.Join(stages, " "); !strings.HasPrefix(got, "resolving waiting recording") || !strings.HasSuffix(got, "merging done") {
		t.Errorf("stages %q, want resolving waiting recording … merging done", got)
	}
	e.checkSecrets()
}

func TestCancelWhileWaitingRecordsNothing(t *testing.T) {
	e, _ := scheduledEnv(t, time.Hour)
	id, _, _ := e.startWaiting()
	asked := time.Now()
	if err := e.m.Cancel(id); err != nil {
		t.Fatal(err)
	}
	ev, _ := e.m.Wait(t.Context(), id)
	if ev.Type != protocol.TypeJobFailed || ev.Code != protocol.CodeCancelled {
		t.Fatalf("cancel while waiting ended with %+v", ev)
	}
	if d := time.Since(asked); d > time.Second {
		t.Errorf("cancel took %s", d)
	}
	if entries, _ := os.ReadDir(e.out); len(entries) != 0 {
		t.Errorf("a cancelled wait left files: %v", entries)
	}
	if hits := e.x.ChunkHits(fakex.NotStartedID); len(hits) != 0 {
		t.Errorf("a cancelled wait fetched chunks: %v", hits)
	}
}

func TestCloseCancelsAWaitingJob(t *testing.T) {
	e, _ := scheduledEnv(t, time.Hour)
	id, _, _ := e.startWaiting()
	e.m.Close()
	if ev, _ := e.m.Wait(t.Context(), id); ev.Type != protocol.TypeJobFailed || ev.Code != protocol.CodeCancelled {
		t.Fatalf("Close ended the waiting job with %+v", ev)
	}
}

func TestScheduledSpaceCancelledWhileWaiting(t *testing.T) {
	e, _ := scheduledEnv(t, time.Second)
	id, _, _ := e.startWaiting()
	e.x.AddSpace(fakex.SpaceSpec{ID: fakex.NotStartedID, Title: "Soon", State: fakex.StateCanceled, HostName: "H", HostHandle: "h"})
	ev, _ := e.m.Wait(t.Context(), id)
	if ev.Type != protocol.TypeJobFailed || ev.Code != protocol.CodeNotReplayable || ev.Message != "The Space was cancelled before it started." {
		t.Fatalf("a Space cancelled while waited for: %+v", ev)
	}
	if entries, _ := os.ReadDir(e.out); len(entries) != 0 {
		t.Errorf("left files: %v", entries)
	}
}

func TestScheduledSpaceEndedWithReplayWhileWaiting(t *testing.T) {
	e, _ := scheduledEnv(t, time.Second)
	id, _, _ := e.startWaiting()
	e.x.AddSpace(fakex.SpaceSpec{ID: fakex.NotStartedID, Title: "Soon", State: fakex.StateEnded, Replayable: true, Chunks: 6, HostName: "H", HostHandle: "h"})
	ev, _ := e.m.Wait(t.Context(), id)
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("a Space that started and ended between two checks: %+v", ev)
	}
	if err := testaudio.Verify(context.Background(), "ffmpeg", ev.Path, 6); err != nil {
		t.Fatal(err)
	}
}

func TestScheduledSpaceThatNeverStartedIsGivenUp(t *testing.T) {
	e, _ := scheduledEnv(t, -13*time.Hour)
	ev := e.download(fakex.NotStartedID, protocol.Options{})
	if ev.Type != protocol.TypeJobFailed || ev.Code != protocol.CodeNotStarted || !strings.Contains(ev.Message, "did not start; try again later") {
		t.Fatalf("a Space 13 hours late: %+v", ev)
	}
}

func TestWaitInterval(t *testing.T) {
	now := time.Date(2025, 3, 1, 17, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return now.Add(d) }
	for _, tc := range []struct {
		scheduled time.Time
		want      time.Duration
	}{
		{at(time.Hour), time.Minute},                           // far ahead: every minute
		{at(2*time.Minute + 30*time.Second), 30 * time.Second}, // wake up when the soon window opens
		{at(time.Minute), 10 * time.Second},                    // soon: every 10 s
		{at(-time.Hour), 10 * time.Second},                     // late: every 10 s
		{time.Time{}, time.Minute},                             // no schedule known
	} {
		deadline := now.Add(waitGiveUp)
		if !tc.scheduled.IsZero() {
			deadline = tc.scheduled.Add(waitGiveUp)
		}
		if got := waitInterval(now, tc.scheduled, deadline, time.Minute, 10*time.Second); got != tc.want {
			t.Errorf("scheduled %v: wait %s, want %s", tc.scheduled.Sub(now), got, tc.want)
		}
	}
	if got := waitInterval(now, at(-waitGiveUp+3*time.Second), at(3*time.Second), time.Minute, 10*time.Second); got != 3*time.Second {
		t.Errorf("3 s before giving up: wait %s", got)
	}
}
