package e2e

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/protocol"
)

// searchFixture is the fake x.com with three Spaces about rust async
// (ended, live, scheduled) and two others.
func searchFixture(t *testing.T) *fixture {
	return newFixture(t, fakex.Options{},
		fakex.SpaceSpec{ID: "1RustEndedAbC", Title: "Rust async, part 1", State: fakex.StateEnded, Replayable: true, HostHandle: "ferris", HostName: "Ferris"},
		fakex.SpaceSpec{ID: "1RustLiveAbCd", Title: "rust ASYNC runtimes", State: fakex.StateRunning, HostHandle: "tokio", TotalLiveListeners: 77},
		fakex.SpaceSpec{ID: "1RustSoonAbCd", Title: "Async Rust office hours", State: fakex.StateNotStarted, ScheduledStart: time.Now().Add(time.Hour), HostHandle: "ferris"},
		fakex.SpaceSpec{ID: "1GoLiveAbCdEf", Title: "Go generics", State: fakex.StateRunning, HostHandle: "gopher"},
		fakex.SpaceSpec{ID: "1RustOnlyAbCd", Title: "Rust without the other word", State: fakex.StateEnded, Replayable: true, HostHandle: "ferris"},
	)
}

func searchJSON(t *testing.T, f *fixture, args ...string) []string {
	t.Helper()
	out, errs, code := f.run(append([]string{"search", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("search %v: exit %d: %s", args, code, errs)
	}
	var found []protocol.FoundSpace
	if err := json.Unmarshal([]byte(out), &found); err != nil {
		t.Fatalf("search --json printed %q: %v", out, err)
	}
	var ids []string
	for _, s := range found {
		if s.URL != "https://x.com/i/spaces/"+s.ID || s.Host == "" || s.State == "" {
			t.Errorf("a found Space lacks its url, host or state: %+v", s)
		}
		ids = append(ids, s.ID)
	}
	slices.Sort(ids)
	return ids
}

// `spacekeep search --json` lists exactly the Spaces whose title matches,
// and --live / --upcoming only those states; the table has them too.
func TestSearchListsExactlyTheMatchingSpaces(t *testing.T) {
	f := searchFixture(t)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"rust async"}, []string{"1RustEndedAbC", "1RustLiveAbCd", "1RustSoonAbCd"}},
		{[]string{"rust", "async"}, []string{"1RustEndedAbC", "1RustLiveAbCd", "1RustSoonAbCd"}},
		{[]string{"--live", "rust async"}, []string{"1RustLiveAbCd"}},
		{[]string{"rust async", "--upcoming"}, []string{"1RustSoonAbCd"}},
		{[]string{"nothing matches this"}, nil},
	} {
		if got := searchJSON(t, f, c.args...); !slices.Equal(got, c.want) {
			t.Errorf("search %q found %v, want %v", c.args, got, c.want)
		}
	}
	out, _, code := f.run("search", "--live", "rust", "async")
	if code != 0 || !strings.Contains(out, "1RustLiveAbCd") || !strings.Contains(out, "@tokio") || !strings.Contains(out, " 77 ") {
		t.Errorf("the table: exit %d\n%s", code, out)
	}
}

// When X refuses the search, the command says so in plain words and exits
// 19: it never prints an empty list as if there were no Spaces.
func TestSearchRefusedSaysSo(t *testing.T) {
	f := searchFixture(t)
	f.x.SetSearchRefusal(fakex.SearchGone)
	out, errs, code := f.run("search", "--json", "rust")
	if code != protocol.ExitCodes[protocol.CodeSearchUnavailable] || strings.TrimSpace(out) != "" {
		t.Errorf("refused search: exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errs, "does not mean there are no such Spaces") {
		t.Errorf("stderr does not say the search is unavailable: %q", errs)
	}
}
