package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/protocol"
)

func TestDescribeRecording(t *testing.T) {
	for _, tc := range []struct {
		ev   protocol.Event
		want string
	}{
		{protocol.Event{Stage: protocol.StageRecording, Duration: 754.2, Bytes: 5_200_000}, "● Recording live 12:34  5.2 MB  (Ctrl-C stops and keeps)"},
		{protocol.Event{Stage: protocol.StageRecording, Duration: 3723, Bytes: 45_000_000, Space: &protocol.SpaceInfo{Title: "On air"}}, "● Recording live 1:02:03  45.0 MB On air  (Ctrl-C stops and keeps)"},
		{protocol.Event{Stage: protocol.StageRecording}, "● Recording live 0:00  0.0 MB  (Ctrl-C stops and keeps)"},
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

func TestDescribeWaitingFarAhead(t *testing.T) {
	now := time.Date(2025, 12, 30, 17, 48, 0, 0, time.UTC)
	at := func(d time.Duration) *protocol.SpaceInfo {
		return &protocol.SpaceInfo{StartedAt: now.Add(d).UnixMilli()}
	}
	for _, tc := range []struct {
		ev   protocol.Event
		want string
	}{
		{protocol.Event{Stage: protocol.StageWaiting, Space: at(47 * time.Hour)}, "Waiting for the Space to start (scheduled Thu 1 Jan 2026 16:48, in 47 h)"},
		{protocol.Event{Stage: protocol.StageWaiting, Space: at(49 * time.Hour)}, "Waiting for the Space to start (scheduled Thu 1 Jan 2026 18:48, in 2 days 1 h)"},
		{protocol.Event{Stage: protocol.StageWaiting, Space: &protocol.SpaceInfo{StartedAt: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()}},
			"Waiting for the Space to start (scheduled Fri 1 Jan 2100 00:00, in 27029 days 6 h)"},
		{protocol.Event{Stage: protocol.StageWaiting, Space: at(2 * time.Hour)}, "Waiting for the Space to start (scheduled 19:48, in 2 h)"},
	} {
		if got := describeAt(tc.ev, now); got != tc.want {
			t.Errorf("describeAt(%+v) = %q, want %q", tc.ev, got, tc.want)
		}
	}
}

func TestDoneWarningsReachStderr(t *testing.T) {
	for _, quiet := range []bool{false, true} {
		var out, errOut bytes.Buffer
		p := newEventPrinter(&Env{Stdout: &out, Stderr: &errOut}, false, quiet)
		p.finish(protocol.Event{Type: protocol.TypeJobDone, Stage: protocol.StageDone, Path: "/x/a.m4a",
			Warnings: []string{"The info file was not written: /x/a.info.json exists"}})
		if want := "warning: The info file was not written: /x/a.info.json exists\n"; !strings.Contains(errOut.String(), want) {
			t.Errorf("quiet=%v: stderr %q lacks %q", quiet, errOut.String(), want)
		}
	}
}
