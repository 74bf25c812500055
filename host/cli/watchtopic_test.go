package cli

import (
	"context"
	"strings"
	"testing"
)

// `watch add --search` puts a topic on the list with its limits, `watch
// list` shows it, `watch remove --search` takes it off; bad limits are
// usage errors that say why.
func TestWatchTopicCommands(t *testing.T) {
	serviceTestEnv(t)
	code, out, errs := runCmd(context.Background(), nil, "watch", "add", "--search", "rust  async", "--min-listeners", "25", "--max-parallel", "3")
	if code != exitOK || !strings.Contains(out, `watching the topic "rust async", live Spaces with at least 25 listeners, at most 3 at once`) {
		t.Fatalf("watch add --search: %d %q %s", code, out, errs)
	}
	if code, out, _ := runCmd(context.Background(), nil, "watch", "list"); code != exitOK || !strings.Contains(out, `the topic "rust async"`) {
		t.Errorf("watch list: %d %q", code, out)
	}
	if code, _, errs := runCmd(context.Background(), nil, "watch", "add", "--search", "x", "--max-parallel", "99"); code != exitUsage || !strings.Contains(errs, "--max-parallel") {
		t.Errorf("--max-parallel 99: %d %s", code, errs)
	}
	if code, out, errs := runCmd(context.Background(), nil, "watch", "remove", "--search", "Rust async"); code != exitOK || !strings.Contains(out, "no longer watching") {
		t.Errorf("watch remove --search: %d %q %s", code, out, errs)
	}
	if code, out, _ := runCmd(context.Background(), nil, "watch", "list"); code != exitOK || strings.Contains(out, "topic") {
		t.Errorf("the topic is still listed: %q", out)
	}
}
