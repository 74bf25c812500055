package watcher

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/job"
	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

const (
	bigLive   = "1TopicBigLive"
	smallLive = "1TopicSmallLv"
	otherBig  = "1TopicOtherBg"
	offTopic  = "1OffTopicLive"
)

// topicEnv is the fake x.com with live Spaces about rust async (one with
// 50 listeners, one with 3, and with maxParallel 1 a second big one), one
// off topic, and a Keeper recording through a real job manager.
func topicEnv(t *testing.T, secondBig bool) (*fakex.Server, *Keeper, *job.Manager, string) {
	t.Helper()
	x, err := fakex.New(fakex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	live := func(id, title string, listeners int) fakex.SpaceSpec {
		return fakex.SpaceSpec{ID: id, Title: title, State: fakex.StateRunning, Chunks: 4, LiveInterval: 30 * time.Millisecond,
			HostName: "Host " + id, HostHandle: "h" + id[1:8], TotalLiveListeners: listeners}
	}
	x.AddSpace(live(bigLive, "Rust async, live", 50))
	x.AddSpace(live(smallLive, "rust ASYNC for three", 3))
	x.AddSpace(live(offTopic, "Go generics", 500))
	if secondBig {
		x.AddSpace(live(otherBig, "more rust async", 80))
	}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	m := job.NewManager(job.Config{APIBase: x.APIBase(), CacheDir: t.TempDir(), Log: zerolog.Nop(),
		LivePoll: 20 * time.Millisecond, StatusPoll: 50 * time.Millisecond, LiveQuiet: time.Second})
	t.Cleanup(m.Close)
	out := t.TempDir()
	k := New(Config{SettingsDir: t.TempDir(), APIBase: x.APIBase(), Driver: m, ClaimDir: t.TempDir(), OutputDir: out,
		Interval: time.Hour, TopicInterval: time.Hour, Where: "cli", Log: zerolog.Nop()})
	auth, ct0 := x.Session()
	if err := k.SetSession(protocol.Cookies{AuthToken: auth, CT0: ct0}); err != nil {
		t.Fatal(err)
	}
	return x, k, m, out
}

// run runs k and returns the watch.live events so far, once its topic loop
// has looked once.
func run(t *testing.T, k *Keeper) func() []protocol.Event {
	t.Helper()
	var mu sync.Mutex
	var events []protocol.Event
	k.Subscribe(func(ev protocol.Event) { mu.Lock(); events = append(events, ev); mu.Unlock() })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go k.Run(ctx)
	deadline := time.Now().Add(30 * time.Second)
	for k.topic.w.Status().Last.IsZero() {
		if time.Now().After(deadline) {
			t.Fatalf("the topic loop did not look in 30 s: %+v", k.topic.w.Status())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return func() []protocol.Event {
		mu.Lock()
		defer mu.Unlock()
		return append([]protocol.Event(nil), events...)
	}
}

func spacesOf(events []protocol.Event) map[string]bool {
	out := map[string]bool{}
	for _, ev := range events {
		out[ev.Space.ID] = true
	}
	return out
}

// A watched topic records the matching live Space from its first second and
// ignores the one under --min-listeners (and the one off topic).
func TestWatchedTopicRecordsMatchingLiveSpace(t *testing.T) {
	x, k, m, _ := topicEnv(t, false)
	if _, err := k.Add(context.Background(), protocol.WatchRef{Search: "rust async", MinListeners: 10}); err != nil {
		t.Fatal(err)
	}
	if topics, _ := k.Topics(); len(topics) != 1 || topics[0].MaxParallel != 2 || topics[0].MinListeners != 10 {
		t.Fatalf("topics %+v, want rust async, min 10, max 2", topics)
	}
	events := run(t, k)
	got := spacesOf(events())
	if !got[bigLive] || got[smallLive] || got[offTopic] || len(got) != 1 {
		t.Fatalf("recorded %v, want only %s (not the one with 3 listeners, not the one off topic)", got, bigLive)
	}
	if st := k.Status(); st.Topics != 1 || len(st.Recording) != 1 || st.Recording[0].Space.ID != bigLive {
		t.Errorf("status %+v, want 1 topic and the recording", st)
	}
	if err := x.EndSpace(bigLive); err != nil {
		t.Fatal(err)
	}
	ev, err := m.Wait(t.Context(), events()[0].Job)
	if err != nil || ev.Type != protocol.TypeJobDone {
		t.Fatalf("the recording ended with %+v %v", ev, err)
	}
	spec, _ := x.Space(bigLive)
	// Every chunk from the first: the recording began at the Space's first second.
	if err := testaudio.Verify(context.Background(), "ffmpeg", ev.Path, spec.Chunks); err != nil {
		t.Fatalf("the recording is not every chunk from the first: %v", err)
	}
}

// A topic records at most --max-parallel Spaces at once.
func TestWatchedTopicMaxParallel(t *testing.T) {
	_, k, _, _ := topicEnv(t, true)
	if _, err := k.Add(context.Background(), protocol.WatchRef{Search: "rust async", MinListeners: 10, MaxParallel: 1}); err != nil {
		t.Fatal(err)
	}
	events := run(t, k)
	if got := spacesOf(events()); len(got) != 1 || !(got[bigLive] || got[otherBig]) {
		t.Errorf("recorded %v, want one of the two big Spaces (max parallel 1)", got)
	}
	// Removing the topic keeps the hosts' list and forgets the topic.
	if _, err := k.Remove(protocol.WatchRef{Search: "RUST  async"}); err != nil {
		t.Fatal(err)
	}
	if topics, _ := k.Topics(); len(topics) != 0 {
		t.Errorf("topics after remove: %+v", topics)
	}
	if _, err := k.Add(context.Background(), protocol.WatchRef{Search: "x", MaxParallel: 99}); protocol.CodeOf(err) != protocol.CodeBadRequest {
		t.Errorf("max parallel 99: %v, want bad_request", err)
	}
}
