package xapi

import (
	"strings"
	"testing"
	"time"
)

func TestRateLimitErrorSaysTheDateWhenNotToday(t *testing.T) {
	far := (&RateLimitError{Reset: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}).Error()
	if !strings.Contains(far, "3000") {
		t.Errorf("a reset in the year 3000 reads %q", far)
	}
	soon := (&RateLimitError{Reset: time.Now().Add(time.Second)}).Error()
	if strings.Contains(soon, time.Now().Format("2006")) && time.Now().Add(time.Second).Day() == time.Now().Day() {
		t.Errorf("today's reset reads %q", soon)
	}
}
