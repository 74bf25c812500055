package retry

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestBackoffGrowsWithinLimits(t *testing.T) {
	for attempt := 0; attempt < 20; attempt++ {
		want := min(time.Second<<attempt, 10*time.Second)
		if attempt > 10 {
			want = 10 * time.Second
		}
		for range 50 {
			d := Backoff(attempt, time.Second, 10*time.Second)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d: %s not in [%s, %s]", attempt, d, want/2, want)
			}
		}
	}
}

func TestSleepIsCutShortByCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep = %v", err)
	}
	if time.Since(start) > time.Second {
		t.Fatal("Sleep did not return at once")
	}
}

func TestScrubURLError(t *testing.T) {
	err := &url.Error{Op: "Get", URL: "https://cdn/a/chunk_1.aac?token=SECRET", Err: errors.New("connection reset")}
	got := ScrubURLError(err).Error()
	if strings.Contains(got, "SECRET") || !strings.Contains(got, "https://cdn/a/chunk_1.aac") || !strings.Contains(got, "connection reset") {
		t.Fatalf("ScrubURLError = %q", got)
	}
}
