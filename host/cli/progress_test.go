package cli

import (
	"testing"

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
