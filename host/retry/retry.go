// Package retry holds what every network retry loop of the host needs: a
// sleep that a cancel cuts short, jittered exponential backoff, and errors
// that name a URL without its (signed, noisy) query string.
package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"time"
)

// Sleep waits d or until ctx is done, whichever comes first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Backoff is the wait before retry number attempt (from 0): base doubled
// per attempt up to limit, with jitter in its upper half so that many
// clients retrying at once spread out.
func Backoff(attempt int, base, limit time.Duration) time.Duration {
	d := base << min(attempt, 10)
	if d > limit || d <= 0 {
		d = limit
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// ScrubURLError drops the query string from a *url.Error's URL: signed CDN
// URLs and API variables do not belong in messages people read.
func ScrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery = ""
			return fmt.Errorf("%s %s: %w", ue.Op, u.Redacted(), ue.Err)
		}
	}
	return err
}
