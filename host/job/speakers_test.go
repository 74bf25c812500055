package job

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/record"
	"github.com/spacekeep/spacekeep/protocol"
)

const talkID = "1nAJELYEEPvGL"

// talkSpace has a known speaking schedule (several people, turns of
// varied length, an overlap, an interjection, a silence, a speaker who
// leaves the stage and comes back) and known captions, two of them
// outside the recording (30 chunks: 90.24 s).
func talkSpace() fakex.SpaceSpec {
	return fakex.SpaceSpec{ID: talkID, Title: "Who said what", State: fakex.StateEnded, Replayable: true, Chunks: 30,
		HostName: "Space Keeper", HostHandle: "spacekeeper",
		Speakers: []fakex.Participant{{DisplayName: "Ada Lovelace", ScreenName: "ada"}, {DisplayName: "Grace Hopper", ScreenName: "grace"},
			{DisplayName: "Linus T", ScreenName: "linus"}},
		Talk: []fakex.Talk{
			{Who: 0, From: 0, To: 20},
			{Who: 1, From: 20, To: 38},
			{Who: 2, From: 35, To: 50},   // starts while Ada talks
			{Who: 0, From: 50.5, To: 52}, // an interjection
			// 52-58: silence
			{Who: 1, From: 58, To: 75},
			{Who: 3, From: 77, To: 100},
		},
		Away: []fakex.Away{{Who: 1, From: 76, To: 82}, {Who: 3, From: 0, To: 10}}, // Linus's index shifts while Ada is away
		Captions: []fakex.CaptionSpec{
			{Who: 1, At: 21, Text: "Hello <everyone> & welcome --> here"},
			{Who: 2, At: 40, Text: "Thanks, Ada."},
			{Who: 0, At: 5, Text: "Welcome to the Space."},
			{Who: 3, At: 80, Text: "Linus here."},
			{Who: 1, At: -10, Text: "before the start"},
			{Who: 2, At: 500, Text: "after the end"},
		},
		Admins:             []fakex.Participant{{DisplayName: "Co Host", ScreenName: "cohost"}},
		Listeners:          []fakex.Participant{{DisplayName: "Lis Tener", ScreenName: "listener"}},
		TotalLiveListeners: 17,
	}
}

// wantTurns is the schedule as turns: the interjection folded into
// Grace's turn, Grace taking the floor when Ada stops.
var wantTurns = []record.Turn{
	{StartS: 0, EndS: 20, Handle: "spacekeeper", Name: "Space Keeper"},
	{StartS: 20, EndS: 38, Handle: "ada", Name: "Ada Lovelace"},
	{StartS: 38, EndS: 52, Handle: "grace", Name: "Grace Hopper"},
	{StartS: 58, EndS: 75, Handle: "ada", Name: "Ada Lovelace"},
	{StartS: 77, EndS: 90.24, Handle: "linus", Name: "Linus T"},
}

// wantCues are the captions inside the recording, in time order.
var wantCues = []struct {
	at          float64
	voice, text string
}{
	{5, "@spacekeeper", "Welcome to the Space."},
	{21, "@ada", "Hello <everyone> & welcome --> here"},
	{40, "@grace", "Thanks, Ada."},
	{80, "@linus", "Linus here."},
}

// near: the levels are sampled about once a second.
func near(a, b float64) bool { return math.Abs(a-b) <= 1.1 }

func readRecord(t *testing.T, ev protocol.Event) *record.Record {
	t.Helper()
	f, err := os.Open(strings.TrimSuffix(ev.Path, filepath.Ext(ev.Path)) + ".info.json")
	if err != nil {
		t.Fatalf("no info JSON: %v", err)
	}
	defer f.Close()
	rec, err := record.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

type cue struct {
	start, end  float64
	voice, text string
}

var vttTiming = regexp.MustCompile(`^(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)$`)

// parseVTT reads the cues of a WebVTT file, undoing its escapes.
func parseVTT(t *testing.T, path string) []cue {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(strings.TrimSpace(string(b)), "\n\n")
	if blocks[0] != "WEBVTT" {
		t.Fatalf("no WEBVTT header: %q", blocks[0])
	}
	secs := func(m []string) float64 {
		h, _ := strconv.Atoi(m[0])
		mi, _ := strconv.Atoi(m[1])
		s, _ := strconv.Atoi(m[2])
		ms, _ := strconv.Atoi(m[3])
		return float64(h*3600+mi*60+s) + float64(ms)/1000
	}
	var out []cue
	for _, blk := range blocks[1:] {
		lines := strings.Split(blk, "\n")
		if len(lines) < 3 {
			t.Fatalf("short cue %q", blk)
		}
		m := vttTiming.FindStringSubmatch(lines[1])
		if m == nil {
			t.Fatalf("bad timing line %q", lines[1])
		}
		text := strings.Join(lines[2:], "\n")
		var c cue
		if v := regexp.MustCompile(`^<v ([^>]*)>`).FindStringSubmatch(text); v != nil {
			c.voice, text = v[1], text[len(v[0]):]
		}
		un := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
		c.voice, c.text = un.Replace(c.voice), un.Replace(text)
		c.start, c.end = secs(m[1:5]), secs(m[5:9])
		out = append(out, c)
	}
	return out
}

func TestSpeakersCaptionsAndRecord(t *testing.T) {
	e := newEnv(t, fakex.Options{}, talkSpace())
	ev := e.download(talkID, protocol.Options{WriteInfoJSON: true})
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("job ended %s: %s", ev.Type, ev.Message)
	}
	base := strings.TrimSuffix(ev.Path, ".m4a")
	if ev.Speakers != 4 || ev.Captions != 4 {
		t.Errorf("done event: %d speakers, %d captions; want 4 and 4", ev.Speakers, ev.Captions)
	}
	wantFiles := []string{ev.Path, base + ".vtt", base + ".txt", base + ".info.json"}
	if strings.Join(ev.Files, "\n") != strings.Join(wantFiles, "\n") {
		t.Errorf("files = %q, want %q", ev.Files, wantFiles)
	}

	rec := readRecord(t, ev)
	t.Logf("turns %+v\ntalk %+v\nmissing %+v", rec.Turns, rec.TalkTime, rec.Missing)
	if len(rec.Turns) != len(wantTurns) {
		t.Fatalf("turns = %+v\nwant %+v", rec.Turns, wantTurns)
	}
	for i, w := range wantTurns {
		g := rec.Turns[i]
		if g.Handle != w.Handle || g.Name != w.Name || !near(g.StartS, w.StartS) || !near(g.EndS, w.EndS) {
			t.Errorf("turn %d = %+v, want %+v", i, g, w)
		}
	}
	talk := map[string]float64{}
	for _, k := range rec.TalkTime {
		talk[k.Handle] = k.Seconds
	}
	for h, want := range map[string]float64{"spacekeeper": 21.5, "ada": 35, "grace": 15, "linus": 90.24 - 77} {
		if math.Abs(talk[h]-want) > 2.2 {
			t.Errorf("%s talked %.1f s, want %.1f", h, talk[h], want)
		}
	}
	if rec.TalkTime[0].Handle != "ada" {
		t.Errorf("most talk first: %+v", rec.TalkTime)
	}
	var onStage []string
	for _, p := range rec.OnStage {
		onStage = append(onStage, p.Handle+"/"+p.Name)
	}
	if got := strings.Join(onStage, " "); got != "spacekeeper/Space Keeper ada/Ada Lovelace grace/Grace Hopper linus/Linus T" {
		t.Errorf("on stage: %s", got)
	}
	if len(rec.CoHosts) != 1 || rec.CoHosts[0].Handle != "cohost" || len(rec.Listeners) != 1 || rec.Listeners[0].Name != "Lis Tener" {
		t.Errorf("co-hosts %+v listeners %+v", rec.CoHosts, rec.Listeners)
	}
	if rec.Host.Handle != "spacekeeper" || len(rec.Speakers) != 3 || rec.Speakers[2].PeriscopeID == "" || rec.LiveListeners != 17 ||
		rec.Status != record.StatusEnded || rec.Title != "Who said what" || math.Abs(rec.DurationS-90.24) > 0.1 {
		t.Errorf("record head: %+v", rec)
	}

	// Captions: only the finals inside the recording, in order, placed on the audio.
	cues := parseVTT(t, base+".vtt")
	if len(cues) != len(wantCues) || rec.CaptionCount != len(wantCues) || len(rec.Captions) != len(wantCues) {
		t.Fatalf("cues = %+v (record %d), want %+v", cues, rec.CaptionCount, wantCues)
	}
	for i, w := range wantCues {
		c := cues[i]
		// The fake's ground truth is when the words began: a cue starts
		// within a second of it (the first partial), never much before.
		if c.voice != w.voice || c.text != w.text || c.start < w.at-0.3 || c.start > w.at+1 || c.end <= c.start {
			t.Errorf("cue %d = %+v, want %+v", i, c, w)
		}
		if rc := rec.Captions[i]; math.Abs(rc.StartS-c.start) > 0.001 || "@"+rc.Handle != w.voice {
			t.Errorf("record caption %d = %+v", i, rc)
		}
	}
	if !hasMissing(rec, "captions", "2 captions fall outside the recording") {
		t.Errorf("missing = %+v", rec.Missing)
	}
	txt, _ := os.ReadFile(base + ".txt")
	if !strings.HasPrefix(string(txt), "[00:00:05] @spacekeeper: Welcome to the Space.\n\n[00:00:21] @ada: Hello <everyone> & welcome --> here\n") {
		t.Errorf("transcript:\n%s", txt)
	}
	var names []string
	for _, f := range rec.Files {
		// Every file with its size, the record's own entry too.
		if fi, err := os.Stat(filepath.Join(filepath.Dir(ev.Path), f.Name)); err != nil || fi.Size() != f.Size {
			t.Errorf("file %+v: on disk %v %v", f, fi, err)
		}
		names = append(names, f.Kind+":"+f.Name)
	}
	if want := "audio:" + filepath.Base(ev.Path) + " captions:" + filepath.Base(base) + ".vtt transcript:" + filepath.Base(base) +
		".txt info:" + filepath.Base(base) + ".info.json"; strings.Join(names, " ") != want {
		t.Errorf("record files %s\nwant %s", strings.Join(names, " "), want)
	}

	// The chat service got its own tokens only.
	chat := 0
	for _, r := range e.x.Requests() {
		if r.Listener == "chat" {
			chat++
			if r.HasCookie || r.Header.Get("X-Csrf-Token") != "" || r.Header.Get("Authorization") != "" {
				t.Errorf("X credentials went to the chat service: %s %v", r.Path, r.Header)
			}
		}
	}
	if chat < 3 {
		t.Errorf("%d chat requests: the history was not paged", chat)
	}
	e.checkSecrets()
}

func hasMissing(rec *record.Record, what, why string) bool {
	for _, m := range rec.Missing {
		if m.What == what && strings.Contains(m.Why, why) {
			return true
		}
	}
	return false
}

func TestChatServiceFailingMidwayKeepsWhatItGave(t *testing.T) {
	spec := talkSpace()
	spec.ChatFail, spec.ChatFailPage = 503, 4 // pages of 5 messages: a caption or two in
	e := newEnv(t, fakex.Options{}, spec)
	ev := e.download(talkID, protocol.Options{WriteInfoJSON: true, SubFormat: "srt"})
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("job ended %s: %s", ev.Type, ev.Message)
	}
	rec := readRecord(t, ev)
	if rec.CaptionCount == 0 || rec.CaptionCount >= len(wantCues) || ev.Captions != rec.CaptionCount {
		t.Errorf("captions: record %d, event %d; want some, not all", rec.CaptionCount, ev.Captions)
	}
	if !hasMissing(rec, "captions", "answered 503") {
		t.Errorf("missing = %+v", rec.Missing)
	}
	srt, err := os.ReadFile(strings.TrimSuffix(ev.Path, ".m4a") + ".srt")
	if err != nil || !strings.Contains(string(srt), " --> ") || !strings.Contains(string(srt), ",") {
		t.Errorf("srt: %v\n%s", err, srt)
	}
}

// A chat history whose cursor loops (A, B, A, ...) ends: the audio is
// saved, with the captions read before the loop, and the record says why
// the rest are missing.
func TestChatHistoryLoopKeepsTheAudio(t *testing.T) {
	spec := talkSpace()
	spec.ChatLoop = true
	e := newEnv(t, fakex.Options{}, spec)
	ev := e.download(talkID, protocol.Options{WriteInfoJSON: true})
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("job ended %s: %s", ev.Type, ev.Message)
	}
	if _, err := os.Stat(ev.Path); err != nil {
		t.Fatal(err)
	}
	rec := readRecord(t, ev)
	if !hasMissing(rec, "captions", "cursor") {
		t.Errorf("missing = %+v", rec.Missing)
	}
	history := 0
	for _, r := range e.x.Requests() {
		if strings.HasSuffix(r.Path, "/chatapi/v1/history") {
			history++
		}
	}
	if history > 3 {
		t.Errorf("%d history requests for a loop found on the third", history)
	}
}

func TestNoCaptionsNoHydraIsNotAnError(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*fakex.SpaceSpec)
		why  string
	}{
		{"no hydra, no captions", func(s *fakex.SpaceSpec) { s.NoHydra, s.Captions = true, nil }, "no Hydra tags"},
		{"access refused", func(s *fakex.SpaceSpec) { s.NoHydra, s.ChatFail = true, 401 }, "answered 401"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := talkSpace()
			tc.edit(&spec)
			e := newEnv(t, fakex.Options{}, spec)
			ev := e.download(talkID, protocol.Options{WriteInfoJSON: true})
			if ev.Type != protocol.TypeJobDone {
				t.Fatalf("job ended %s: %s", ev.Type, ev.Message)
			}
			rec := readRecord(t, ev)
			base := strings.TrimSuffix(ev.Path, ".m4a")
			for _, ext := range []string{".vtt", ".txt"} {
				if _, err := os.Stat(base + ext); err == nil {
					t.Errorf("%s written without captions", ext)
				}
			}
			if len(rec.Turns) != 0 || ev.Speakers != 0 || ev.Captions != 0 || len(ev.Files) != 2 {
				t.Errorf("turns %v, event %+v", rec.Turns, ev)
			}
			if !hasMissing(rec, "speakers", "no Hydra tags") || !hasMissing(rec, "captions", "") {
				t.Errorf("missing = %+v", rec.Missing)
			}
			if tc.why != "no Hydra tags" && !hasMissing(rec, "captions", tc.why) {
				t.Errorf("missing = %+v, want %q", rec.Missing, tc.why)
			}
		})
	}
}

func TestBadHydraTagsKeepTheRest(t *testing.T) {
	spec := talkSpace()
	spec.BadHydraEvery = 7
	e := newEnv(t, fakex.Options{}, spec)
	ev := e.download(talkID, protocol.Options{WriteInfoJSON: true, NoCaptions: true})
	if ev.Type != protocol.TypeJobDone {
		t.Fatalf("job ended %s: %s", ev.Type, ev.Message)
	}
	rec := readRecord(t, ev)
	if len(rec.Turns) < 4 || !hasMissing(rec, "speakers", "could not be read") || !hasMissing(rec, "captions", "--no-captions") {
		t.Errorf("turns %+v missing %+v", rec.Turns, rec.Missing)
	}
}

// A live recording's captions are read once it ends, and cover what was said.
func TestLiveRecordingCaptionsAfterTheEnd(t *testing.T) {
	e := newEnv(t, fakex.Options{}, fakex.SpaceSpec{ID: fakex.LiveID, Title: "On air", State: fakex.StateRunning,
		Chunks: 4, LiveInterval: 30 * time.Millisecond, HostName: "H", HostHandle: "h",
		Captions: []fakex.CaptionSpec{{Who: 0, At: 1, Text: "We are live."}, {Who: 0, At: 9, Text: "Still live."}}})
	id, err := e.m.Start(protocol.DownloadStart{Space: fakex.LiveID, Cookies: e.cookies, Options: protocol.Options{OutputDir: e.out, WriteInfoJSON: true}})
	if err != nil {
		t.Fatal(err)
	}
	e.waitStage(id, protocol.StageRecording)
	deadline := time.Now().Add(30 * time.Second)
	for len(e.x.ChunkHits(fakex.LiveID)) < 8 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	for _, r := range e.x.Requests() {
		if r.Listener == "chat" {
			t.Fatalf("the chat service was asked while the Space was live: %s", r.Path)
		}
	}
	if err := e.x.EndSpace(fakex.LiveID); err != nil {
		t.Fatal(err)
	}
	ev, err := e.m.Wait(t.Context(), id)
	if err != nil || ev.Type != protocol.TypeJobDone {
		t.Fatalf("the recording ended with %+v %v", ev, err)
	}
	cues := parseVTT(t, strings.TrimSuffix(ev.Path, ".m4a")+".vtt")
	if len(cues) != 2 || cues[0].text != "We are live." || cues[1].voice != "@h" || cues[1].start < 9-0.3 || cues[1].start > 9+1 {
		t.Errorf("cues %+v", cues)
	}
	if rec := readRecord(t, ev); rec.CaptionCount != 2 || len(rec.Turns) == 0 {
		t.Errorf("record: %d captions, turns %+v", rec.CaptionCount, rec.Turns)
	}
}
