package finder

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

const (
	rustEnded = "1RustEndedAbC"
	rustLive  = "1RustLiveAbCd"
	rustSoon  = "1RustSoonAbCd"
	goLive    = "1GoLiveAbCdEf"
	rustGone  = "1RustCancelAb"
)

// searchEnv is the fake x.com with five Spaces, three of them about rust
// async (ended, live, scheduled), and a client in its session.
func searchEnv(t *testing.T) (*fakex.Server, *xapi.Client) {
	t.Helper()
	x, err := fakex.New(fakex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, s := range []fakex.SpaceSpec{
		{ID: rustEnded, Title: "Rust async, part 1", State: fakex.StateEnded, Replayable: true, HostHandle: "ferris", HostName: "Ferris"},
		{ID: rustLive, Title: "RUST and async runtimes: live", State: fakex.StateRunning, HostHandle: "tokio", HostName: "Tokio", TotalLiveListeners: 321},
		{ID: rustSoon, Title: "Async Rust office hours", State: fakex.StateNotStarted, ScheduledStart: now.Add(2 * time.Hour), HostHandle: "ferris"},
		{ID: goLive, Title: "Go generics", State: fakex.StateRunning, HostHandle: "gopher"},
		{ID: rustGone, Title: "rust async (canceled)", State: fakex.StateCanceled, HostHandle: "ferris"},
	} {
		x.AddSpace(s)
	}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	auth, ct0 := x.Session()
	api, err := xapi.New(protocol.Cookies{AuthToken: auth, CT0: ct0}, xapi.Options{Base: x.APIBase()})
	if err != nil {
		t.Fatal(err)
	}
	return x, api
}

func ids(found []protocol.FoundSpace) []string {
	var out []string
	for _, f := range found {
		out = append(out, f.ID)
	}
	slices.Sort(out)
	return out
}

// The search lists exactly the Spaces whose title matches, with their
// details; the live and upcoming filters keep only those states.
func TestSearchFindsTheMatchingSpaces(t *testing.T) {
	_, api := searchEnv(t)
	ctx := context.Background()
	for _, c := range []struct {
		filter string
		want   []string
	}{
		{protocol.SearchAll, []string{rustEnded, rustLive, rustSoon}},
		{protocol.SearchLive, []string{rustLive}},
		{protocol.SearchUpcoming, []string{rustSoon}},
	} {
		found, err := Search(ctx, api, "rust async", c.filter)
		if err != nil {
			t.Fatalf("filter %q: %v", c.filter, err)
		}
		want := slices.Clone(c.want)
		slices.Sort(want)
		if got := ids(found); !slices.Equal(got, want) {
			t.Errorf("filter %q found %v, want %v", c.filter, got, want)
		}
		for _, f := range found {
			if f.ID == rustLive && (f.State != protocol.StatusLive || f.Listeners != 321 || f.Host != "tokio" || f.URL != "https://x.com/i/spaces/"+rustLive) {
				t.Errorf("the live Space is described as %+v", f)
			}
			if f.ID == rustSoon && (f.State != protocol.StatusScheduled || f.ScheduledAt.IsZero()) {
				t.Errorf("the scheduled Space is described as %+v", f)
			}
		}
	}
	found, err := Search(ctx, api, "no such words anywhere", "")
	if err != nil || len(found) != 0 {
		t.Errorf("a search that matches nothing: %+v %v, want an empty list and no error", found, err)
	}
}

// When X refuses the search or answers in another shape, the answer says
// the search is not available (or rate-limited): never an empty list.
func TestSearchRefusedIsNotNoSpaces(t *testing.T) {
	x, api := searchEnv(t)
	for how, code := range map[string]protocol.Code{
		fakex.SearchGone:      protocol.CodeSearchUnavailable,
		fakex.SearchReshaped:  protocol.CodeSearchUnavailable,
		fakex.SearchRateLimit: protocol.CodeRateLimited,
	} {
		x.SetSearchRefusal(how)
		found, err := Search(context.Background(), api, "rust", "")
		if err == nil || protocol.CodeOf(err) != code {
			t.Errorf("search refused (%s): %v %v, want the code %s", how, found, err, code)
		}
	}
	if _, err := Search(context.Background(), api, "rust", "recorded"); protocol.CodeOf(err) != protocol.CodeBadRequest {
		t.Errorf("an unknown filter: %v, want bad_request", err)
	}
}
