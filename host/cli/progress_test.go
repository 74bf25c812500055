package cli

import (
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/protocol"
)

func TestDescribeRecording(t *testing.T) {
	for _, tc := range []struct {
		ev   protocol.Event
		want string
	}{
		{protocol.Event{Stage: protocol.StageRecording, Duration: 754.2, Bytes: 5_200_000}, "● Recording live 12:34  5.2 MB"},
		{protocol.Event{Stage: protocol.StageRecording, Duration: 3723, Bytes: 45_000_000, Space: &protocol.SpaceInfo{Title: "On air"}}, "● Recording live 1:02:03  45.0 MB On air"},
		{protocol.Event{Stage: protocol.StageRecording}, "● Recording live 0:00  0.0 MB"},
	} {
		if got := describe(tc.ev); got != tc.want {
			t.Errorf("describe(%+v) = %q, want %q", tc.ev, got, tc.want)
		}
	}
}

func TestDescribeWaiting(t *testing.T) {
	now := time.Date(2025, 3, 1, 17, 48, 0, 0, time.Local)
	at := func(d time.Duration) *protocol.SpaceInfo {
		return &protocol.SpaceInfo{StartedAt: now.Add(d).UnixMilli()}
	}
	for _, tc := range []struct {
		ev   protocol.Event
		want string
	}{
		{protocol.Event{Stage: protocol.StageWaiting, Space: at(12 * time.Minute)}, "Waiting for the Space to start (scheduled 18:00, in 12 min)"},
		{protocol.Event{Stage: protocol.StageWaiting, Space: at(2*time.Hour + 5*time.Minute)}, "Waiting for the Space to start (scheduled 19:53, in 2 h 5 min)"},
		{protocol.Event{Stage: protocol.StageWaiting, Space: at(20 * time.Second)}, "Waiting for the Space to start (scheduled 17:48, in less than a minute)"},
		{protocol.Event{Stage: protocol.StageWaiting, Space: at(-3 * time.Minute)}, "Waiting for the Space to start (scheduled 17:45, 3 min late)"},
		{protocol.Event{Stage: protocol.StageWaiting, Space: at(24 * time.Hour)}, "Waiting for the Space to start (scheduled Sun 2 Mar 17:48, in 24 h)"},
		{protocol.Event{Stage: protocol.StageWaiting}, "Waiting for the Space to start"},
	} {
		if got := describeAt(tc.ev, now); got != tc.want {
			t.Errorf("describeAt(%+v) = %q, want %q", tc.ev, got, tc.want)
		}
	}
}
