package nmhost

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

// A host that knows thousands of jobs (with long paths) still answers
// jobs.list: in pages that fit in a frame, which together list every job
// once, in order. Without a payload the first page comes.
func TestJobsListPagesThousandsOfJobs(t *testing.T) {
	h := startHost(t, Options{})
	h.next() // hello
	const n = 5000
	h.d.mu.Lock()
	for i := range n {
		h.d.list = append(h.d.list, protocol.JobStatus{Type: protocol.TypeJobDone, Job: fmt.Sprintf("job-%04d", i), Stage: protocol.StageDone,
			Path: "/home/ann/" + strings.Repeat("Spaces/", 30) + fmt.Sprintf("Space %d.m4a", i), Duration: 7200, Size: 115343360})
	}
	h.d.mu.Unlock()
	h.send(req(1, "jobs.list", nil))
	r := h.nextReply()
	if r["ok"] != true {
		t.Fatalf("jobs.list without a payload: %v", r)
	}
	var seen []string
	after := ""
	for page := 0; ; page++ {
		if page > n {
			t.Fatal("the pages never end")
		}
		var payload any
		if after != "" {
			payload = map[string]any{"after": after, "limit": 1000}
		}
		h.send(req(page+2, "jobs.list", payload))
		r := h.nextReply()
		if r["ok"] != true {
			t.Fatalf("page %d: %v", page, r)
		}
		res := r["result"].(map[string]any)
		jobs := res["jobs"].([]any)
		if len(jobs) > protocol.JobsPageMax {
			t.Fatalf("page %d holds %d jobs, over the limit of %d", page, len(jobs), protocol.JobsPageMax)
		}
		for _, j := range jobs {
			seen = append(seen, j.(map[string]any)["job"].(string))
		}
		next, _ := res["next"].(string)
		if next == "" {
			break
		}
		if next != seen[len(seen)-1] {
			t.Fatalf("page %d: next %q is not its last job %q", page, next, seen[len(seen)-1])
		}
		after = next
	}
	if len(seen) != n {
		t.Fatalf("the pages list %d jobs, want %d", len(seen), n)
	}
	for i, id := range seen {
		if id != fmt.Sprintf("job-%04d", i) {
			t.Fatalf("job %d is %s: pages out of order or repeated", i, id)
		}
	}
	h.send(req(9999, "jobs.list", map[string]any{"limit": -1}))
	if r := h.nextReply(); errCode(r) != string(protocol.CodeBadRequest) {
		t.Errorf("a negative limit: %v, want bad_request", r)
	}
}
