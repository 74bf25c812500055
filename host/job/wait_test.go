package job

import (
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/protocol"
)

// X schedules weeks ahead at most: a start years away is refused at once
// with a plain message, not waited for.
func TestScheduledSpaceFarAheadIsRefused(t *testing.T) {
	at := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	e := newEnv(t, fakex.Options{}, fakex.SpaceSpec{ID: fakex.NotStartedID, Title: "Far", State: fakex.StateNotStarted,
		ScheduledStart: at, HostName: "H", HostHandle: "h"})
	ev := e.download(fakex.NotStartedID, protocol.Options{})
	if ev.Type != protocol.TypeJobFailed || ev.Code != protocol.CodeNotStarted ||
		!strings.Contains(ev.Message, "2100") || !strings.Contains(ev.Message, "more than 30 days") {
		t.Fatalf("a Space scheduled for 2100: %+v", ev)
	}
}

// 29 days ahead is still waited for.
func TestScheduledSpaceWithinThirtyDaysIsWaitedFor(t *testing.T) {
	e, _ := scheduledEnv(t, 29*24*time.Hour)
	id, _, _ := e.startWaiting()
	if err := e.m.Cancel(id); err != nil {
		t.Fatal(err)
	}
}
